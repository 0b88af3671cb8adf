"""Django: manage.py, the settings module, WSGI/ASGI application, static files, database engine."""

from __future__ import annotations

import ast

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.findings import Evidence, Finding, finding
from scaffold.layout import layout
from scaffold.project import ProjectView

ENGINES = {
    "postgresql": "postgres", "postgresql_psycopg2": "postgres", "postgis": "postgres", "mysql": "mysql",
    "sqlite3": None, "spatialite": None,
}


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    manage = prefix + "manage.py"
    if not view.exists(manage):
        return []
    found = [finding("framework", "django", Evidence(manage), reason="manage.py", rank=10)]
    found.append(finding("migrate_command", "python manage.py migrate --noinput", Evidence(manage), reason="Django migrations", rank=20))
    settings_module = _settings_module(view, manage)
    wsgi_settings = None
    # The production settings are what wsgi.py/asgi.py default to (split settings: settings/production.py).
    for rel in view.python_files(prefix):
        if rel.endswith(("/wsgi.py", "/asgi.py")):
            wsgi_settings = _settings_module(view, rel) or wsgi_settings
    settings_module = wsgi_settings or settings_module
    if settings_module:
        found.append(finding("django_settings", settings_module, Evidence(manage), reason="DJANGO_SETTINGS_MODULE default", rank=10))
    settings_files = _settings_files(view, prefix, settings_module)
    for rel in settings_files:
        tree = pyast.parse(view, rel)
        if tree is None:
            continue
        for node in tree.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            name, value = node.targets[0].id, pyast.constant(node.value)
            evidence = pyast.evidence(view, rel, node)
            if name == "WSGI_APPLICATION" and isinstance(value, str) and "." in value:
                module, _, obj = value.rpartition(".")
                found.append(finding("app_module", f"{module}:{obj}", evidence, reason="WSGI_APPLICATION", rank=10))
            elif name == "ASGI_APPLICATION" and isinstance(value, str) and "." in value:
                module, _, obj = value.rpartition(".")
                found.append(finding("django_asgi", f"{module}:{obj}", evidence, reason="ASGI_APPLICATION", rank=10))
            elif name == "STATIC_ROOT":
                found.append(finding("collectstatic", True, evidence, reason="STATIC_ROOT is set", rank=20))
        for call_or_const in ast.walk(tree):
            value = pyast.constant(call_or_const)
            if isinstance(value, str) and value.startswith(("django.db.backends.", "django.contrib.gis.db.backends.")):
                engine = value.rsplit(".", 1)[-1]
                service = ENGINES.get(engine)
                if service:
                    found.append(finding("service", service, pyast.evidence(view, rel, call_or_const), reason=f"Django ENGINE {value}", rank=20))
            if value == "whitenoise.middleware.WhiteNoiseMiddleware":
                found.append(finding("static_server", "whitenoise", pyast.evidence(view, rel, call_or_const), reason="WhiteNoise middleware", rank=20))
    if not any(f.kind == "django_asgi" for f in found):
        # asgi.py beside wsgi.py (startproject writes both): what an ASGI server would serve.
        wsgi = next((f.value for f in found if f.kind == "app_module"), None)
        if isinstance(wsgi, str) and wsgi.endswith(".wsgi:application"):
            asgi_module = wsgi.removesuffix(".wsgi:application") + ".asgi"
            rel = prefix + asgi_module.replace(".", "/") + ".py"
            if view.exists(rel):
                found.append(finding("django_asgi", f"{asgi_module}:application", Evidence(rel), reason="asgi.py", rank=20))
    deps = dependencies(view)
    channels = deps.find("channels", "daphne")
    asgi = min((f for f in found if f.kind == "django_asgi"), key=lambda f: f.rank, default=None)
    daphne = deps.find("daphne") or (channels if channels and "daphne" in channels.extras else None)
    if channels and asgi:
        found.append(finding("django_channels", True, channels.evidence, reason="Channels needs an ASGI server", rank=10))
    if channels and asgi and daphne:
        found.append(
            finding("command", f"daphne -b 0.0.0.0 -p {{port}} {asgi.value}", *asgi.evidence, daphne.evidence,
                    reason="Channels: an ASGI server is needed", rank=30)
        )
        found.append(finding("server", "daphne", daphne.evidence, reason="Django Channels with daphne", rank=20))
    return found


def _settings_module(view: ProjectView, rel: str) -> str | None:
    tree = pyast.parse(view, rel)
    if tree is None:
        return None
    for call in pyast.calls(tree):
        if (pyast.dotted_name(call.func) or "").endswith("setdefault") and len(call.args) == 2:
            if pyast.constant(call.args[0]) == "DJANGO_SETTINGS_MODULE" and isinstance(pyast.constant(call.args[1]), str):
                return pyast.constant(call.args[1])
    return None


def _settings_files(view: ProjectView, prefix: str, module: str | None) -> list[str]:
    files = []
    if module:
        base = prefix + module.replace(".", "/")
        files += [f for f in (base + ".py", base + "/__init__.py") if view.exists(f)]
        package = base.rsplit("/", 1)[0]
        # Split settings import from siblings (base.py, common.py): read the whole folder.
        files += [f for f in view.python_files(package) if f.count("/") == package.count("/") + 1 and f not in files]
    if not files:
        files = [f for f in view.python_files(prefix) if f.endswith("settings.py")][:3]
    return files
