"""A health endpoint for the container healthcheck: a route whose path names health/liveness."""

from __future__ import annotations

import ast
import re

from scaffold import pyast
from scaffold.findings import Finding, finding
from scaffold.project import ProjectView

HEALTH_PATH = re.compile(r"^/?(api/)?(v\d+/)?(health|healthz|healthcheck|health-check|livez|readyz|ping|status)/?$")
ROUTE_METHODS = {"get", "route", "api_route", "head"}
# Better names first: a liveness-style path is what a container healthcheck wants.
PREFERENCE = ("health", "healthz", "livez", "healthcheck", "health-check", "ping", "readyz", "status")


def detect(view: ProjectView) -> list[Finding]:
    found: list[tuple[int, Finding]] = []
    for rel, tree in pyast.app_sources(view):
        for call in pyast.calls(tree):
            path = _route_path(call)
            if path is None or not HEALTH_PATH.match(path):
                continue
            normalised = "/" + path.lstrip("/")
            word = normalised.strip("/").split("/")[-1]
            found.append(
                (
                    PREFERENCE.index(word) if word in PREFERENCE else len(PREFERENCE),
                    finding("health_path", normalised, pyast.evidence(view, rel, call), reason="a health route", rank=20),
                )
            )
    found.sort(key=lambda pair: pair[0])
    return [f for _, f in found]


def _route_path(call: ast.Call) -> str | None:
    """The path of `@app.get("/health")`, `@bp.route("/health")`, `Route("/health", ...)`, `@get("/health")`, Django's `path("health/", ...)`."""
    name = pyast.dotted_name(call.func) or ""
    short = name.rsplit(".", 1)[-1]
    first = pyast.constant(call.args[0]) if call.args else pyast.constant(pyast.keyword(call, "path"))
    if not isinstance(first, str):
        return None
    if "." in name and short in ROUTE_METHODS:
        return first
    # Starlette's Route("/health", endpoint) and Litestar's bare @get("/health") decorators.
    if short in ("Route", "WebSocketRoute") or (name in ROUTE_METHODS and first.startswith("/")):
        return first
    if name in ("path", "re_path", "django.urls.path") and first:
        return first.lstrip("^").rstrip("$")
    return None
