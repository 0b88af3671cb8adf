"""HTTP API of the News Aggregator."""

import json
import logging
import secrets
from typing import Annotated

import psycopg
import redis
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, HttpUrl

from news import cache, db
from news.settings import Settings, get_settings

logger = logging.getLogger(__name__)

app = FastAPI(title="News Aggregator API")

SettingsDep = Annotated[Settings, Depends(get_settings)]


class ArticleIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    url: HttpUrl
    source: str = Field(min_length=1, max_length=100)


def require_api_key(
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Header()] = None,
) -> None:
    if x_api_key is None or not secrets.compare_digest(x_api_key, settings.api_key):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or missing X-API-Key")


@app.get("/")
def index(settings: SettingsDep) -> dict:
    return {
        "name": app.title,
        "feed_refresh_seconds": settings.feed_refresh_seconds,
        "endpoints": ["/health", "/articles", "/sources"],
    }


@app.get("/health")
def health(settings: SettingsDep) -> JSONResponse:
    body: dict[str, object] = {"status": "ok"}
    errors: dict[str, str] = {}
    checks = (
        ("database", lambda: db.ping(settings.database_url)),
        ("cache", lambda: cache.get_client(settings.redis_url).ping()),
    )
    for name, check in checks:
        try:
            check()
            body[name] = "ok"
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc)
            body[name] = "error"
            errors[name] = str(exc) or exc.__class__.__name__
    if errors:
        body["status"] = "error"
        body["errors"] = errors
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


@app.get("/articles")
def list_articles(
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    client = cache.get_client(settings.redis_url)
    key = cache.articles_key(limit)
    try:
        cached = client.get(key)
    except redis.RedisError as exc:
        logger.warning("cache unavailable: %s", exc)
        cached = None
    if cached is not None:
        return Response(cached, media_type="application/json", headers={"X-Cache": "hit"})

    with db.connect(settings.database_url) as conn:
        payload = json.dumps(db.list_articles(conn, limit))
    try:
        client.set(key, payload, ex=cache.ARTICLES_TTL_SECONDS)
    except redis.RedisError as exc:
        logger.warning("cache unavailable: %s", exc)
    return Response(payload, media_type="application/json", headers={"X-Cache": "miss"})


@app.post(
    "/articles",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_api_key)],
)
def create_article(article: ArticleIn, settings: SettingsDep) -> dict:
    try:
        with db.connect(settings.database_url) as conn:
            row = db.insert_article(conn, article.title, str(article.url), article.source)
    except psycopg.errors.UniqueViolation:
        raise HTTPException(status.HTTP_409_CONFLICT, "an article with this url exists")
    try:
        cache.invalidate_articles(cache.get_client(settings.redis_url))
    except redis.RedisError as exc:
        logger.warning("could not invalidate cache: %s", exc)
    return row


@app.get("/sources")
def list_sources(settings: SettingsDep) -> list[dict]:
    with db.connect(settings.database_url) as conn:
        return db.list_sources(conn)
