"""Redis cache for article listings."""

from functools import lru_cache

import redis

ARTICLES_TTL_SECONDS = 30
ARTICLES_PREFIX = "articles:"


@lru_cache
def get_client(redis_url: str) -> redis.Redis:
    # The client connects lazily, on its first command.
    return redis.Redis.from_url(
        redis_url, socket_connect_timeout=1, socket_timeout=1, decode_responses=True
    )


def articles_key(limit: int) -> str:
    return f"{ARTICLES_PREFIX}limit={limit}"


def invalidate_articles(client: redis.Redis) -> None:
    keys = list(client.scan_iter(match=ARTICLES_PREFIX + "*"))
    if keys:
        client.delete(*keys)
