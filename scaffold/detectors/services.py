"""Backing services (Postgres, MySQL, Redis, RabbitMQ, MongoDB) from dependencies and connection URLs.

The tables are data: a dependency or a URL scheme per line.
"""

from __future__ import annotations

import re

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.findings import Evidence, Finding, finding
from scaffold.layout import layout
from scaffold.project import ProjectView

DRIVERS = {
    "postgres": ("psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "asyncpg", "pg8000", "psycopg-pool", "aiopg"),
    "mysql": ("mysqlclient", "pymysql", "aiomysql", "mysql-connector-python", "asyncmy"),
    "redis": ("redis", "django-redis", "aioredis", "hiredis", "rq", "arq", "redis-om"),
    "rabbitmq": ("pika", "aio-pika"),
    "mongodb": ("pymongo", "motor", "beanie", "mongoengine", "odmantic"),
}
URL_SCHEMES = {
    "postgres": r"postgres(?:ql)?(?:\+\w+)?://",
    "mysql": r"mysql(?:\+\w+)?://",
    "redis": r"rediss?://",
    "rabbitmq": r"amqps?://",
    "mongodb": r"mongodb(?:\+srv)?://",
}


def detect(view: ProjectView) -> list[Finding]:
    found: list[Finding] = []
    deps = dependencies(view)
    for service, names in DRIVERS.items():
        for name in names:
            dependency = deps.find(name)
            if dependency:
                found.append(finding("service", service, dependency.evidence, reason=f"{name} is a dependency", rank=10))
    # Task queues whose broker is Redis or RabbitMQ (the broker is decided by a URL or by extras).
    for queue in ("celery", "dramatiq", "kombu"):
        dependency = deps.find(queue)
        if dependency and "redis" in dependency.extras:
            found.append(finding("service", "redis", dependency.evidence, reason=f"{queue}[redis]", rank=15))
        if dependency and "rabbitmq" in dependency.extras:
            found.append(finding("service", "rabbitmq", dependency.evidence, reason=f"{queue}[rabbitmq]", rank=15))
    # Connection URLs written in the code or in an env example.
    prefix = layout(view).prefix
    for rel in view.python_files(prefix):
        if "tests/" in rel:
            continue
        tree = pyast.parse(view, rel)
        if tree is None:
            continue
        for node in _strings(tree):
            for service, pattern in URL_SCHEMES.items():
                if re.match(pattern, node.value):
                    found.append(finding("service", service, pyast.evidence(view, rel, node), reason=f"a {service} URL in the code", rank=20, confidence="medium"))
    for name in (".env.example", ".env.sample", ".env.template", "env.example"):
        rel = prefix + name
        if view.exists(rel) and (text := view.try_read_text(rel)) is not None:
            for number, line in enumerate(text.splitlines(), 1):
                for service, pattern in URL_SCHEMES.items():
                    if re.search(r"=\s*['\"]?" + pattern, line):
                        found.append(finding("service", service, Evidence(rel, number, line.strip()[:120]), reason=f"a {service} URL in {name}", rank=20, confidence="medium"))
    return found


def _strings(tree):
    import ast

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "://" in node.value[:20]:
            yield node
