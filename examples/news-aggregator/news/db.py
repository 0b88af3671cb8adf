"""Postgres access with psycopg 3.

Connections are opened per request, so the app starts even when the database
is not reachable yet. The schema is created on the first successful connection.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import dict_row

CONNECT_TIMEOUT = 1

SCHEMA = """
-- Serialize schema creation between processes (e.g. several uvicorn workers).
SELECT pg_advisory_xact_lock(727001);
CREATE TABLE IF NOT EXISTS sources (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS articles (
    id serial PRIMARY KEY,
    title text NOT NULL,
    url text NOT NULL UNIQUE,
    source_id integer NOT NULL REFERENCES sources (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
"""

_schema_lock = threading.Lock()
_schema_ready = False


def _ensure_schema(conn: psycopg.Connection) -> None:
    global _schema_ready
    if _schema_ready:
        return
    with _schema_lock:
        if not _schema_ready:
            conn.execute(SCHEMA)
            conn.commit()
            _schema_ready = True


@contextmanager
def connect(database_url: str) -> Iterator[psycopg.Connection]:
    """Yield a connection (rows as dicts); commits on success, rolls back on error."""
    with psycopg.connect(
        database_url, connect_timeout=CONNECT_TIMEOUT, row_factory=dict_row
    ) as conn:
        _ensure_schema(conn)
        yield conn


def ping(database_url: str) -> None:
    with psycopg.connect(database_url, connect_timeout=CONNECT_TIMEOUT) as conn:
        conn.execute("SELECT 1").fetchone()


def list_articles(conn: psycopg.Connection, limit: int) -> list[dict]:
    rows = conn.execute(
        """
        SELECT a.id, a.title, a.url, s.name AS source, a.created_at
        FROM articles a JOIN sources s ON s.id = a.source_id
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT %s
        """,
        (limit,),
    ).fetchall()
    for row in rows:
        row["created_at"] = row["created_at"].isoformat()
    return rows


def insert_article(conn: psycopg.Connection, title: str, url: str, source: str) -> dict:
    source_id = conn.execute(
        """
        INSERT INTO sources (name) VALUES (%s)
        ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
        RETURNING id
        """,
        (source,),
    ).fetchone()["id"]
    row = conn.execute(
        """
        INSERT INTO articles (title, url, source_id) VALUES (%s, %s, %s)
        RETURNING id, title, url, created_at
        """,
        (title, url, source_id),
    ).fetchone()
    row["source"] = source
    row["created_at"] = row["created_at"].isoformat()
    return row


def list_sources(conn: psycopg.Connection) -> list[dict]:
    return conn.execute(
        """
        SELECT s.id, s.name, count(a.id) AS articles
        FROM sources s LEFT JOIN articles a ON a.source_id = s.id
        GROUP BY s.id, s.name
        ORDER BY s.name
        """
    ).fetchall()
