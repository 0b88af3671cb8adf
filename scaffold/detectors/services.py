"""Backing services (Postgres, MySQL, Redis, RabbitMQ, MongoDB) from dependencies and connection URLs.

The tables are data: a dependency or a URL scheme per line.
"""

from __future__ import annotations

import ast
import re

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.findings import Evidence, Finding, finding, warning
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
    for rel, tree in pyast.app_sources(view):
        for node in _strings(tree):
            for service, pattern in URL_SCHEMES.items():
                if re.match(pattern, node.value):
                    evidence = pyast.evidence(view, rel, node)
                    found.append(finding("service", service, evidence, reason=f"a {service} URL in the code", rank=20, confidence="medium"))
                    if LOCAL_HOST.search(node.value) and not _is_default_of_env_read(tree, node):
                        found.append(
                            warning(f"{evidence}: a {service} URL hard-coded to localhost: inside a container it cannot reach the "
                                    f"{service} service; read it from an environment variable", evidence)
                        )
    for name in (".env.example", ".env.sample", ".env.template", "env.example"):
        rel = prefix + name
        if view.exists(rel) and (text := view.try_read_text(rel)) is not None:
            for number, line in enumerate(text.splitlines(), 1):
                for service, pattern in URL_SCHEMES.items():
                    if re.search(r"=\s*['\"]?" + pattern, line):
                        found.append(finding("service", service, Evidence(rel, number, line.strip()[:120]), reason=f"a {service} URL in {name}", rank=20, confidence="medium"))
    return found


LOCAL_HOST = re.compile(r"://([^/@]*@)?(localhost|127\.0\.0\.1|\[::1\])([:/]|$)")


def _is_default_of_env_read(tree, node) -> bool:
    """True for `os.getenv("X", "redis://localhost")`-style defaults: the env var overrides them."""
    for call in pyast.calls(tree):
        name = pyast.dotted_name(call.func) or ""
        if name.rsplit(".", 1)[-1] in ("getenv", "get", "setdefault", "config", "env", "str") and node in call.args[1:] + [k.value for k in call.keywords]:
            return True
    for parent in ast.walk(tree):  # pydantic settings fields: `redis_url: str = "redis://localhost"`
        if isinstance(parent, ast.ClassDef) and any(isinstance(item, ast.AnnAssign) and item.value is node for item in parent.body):
            return True
    return False


def _strings(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "://" in node.value[:20]:
            yield node
