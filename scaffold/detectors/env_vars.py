"""Environment variables the code reads, whether each looks secret, and which a service provides.

Read by ``ast``: ``os.environ[...]``, ``os.environ.get``, ``os.getenv``,
django-environ ``env(...)``/``env.str(...)``, python-decouple ``config(...)``,
dynaconf/other ``getenv`` wrappers, and pydantic ``BaseSettings`` fields
(with ``env_prefix``); plus an existing ``.env.example``/``.env.sample``.
"""

from __future__ import annotations

import ast
import re

from scaffold import pyast
from scaffold.errors import ManifestError
from scaffold.findings import Evidence, Finding, finding
from scaffold.layout import layout
from scaffold.parsers.toml import load_toml
from scaffold.project import ProjectView

SECRET_NAME = re.compile(r"(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|(^|_)KEY$|API_?KEY|PRIVATE|CREDENTIAL|_PASS$|AUTH)", re.I)
SERVICE_URL = (
    (re.compile(r"^(DATABASE|DB|POSTGRES(QL)?|PG|SQLALCHEMY_DATABASE)_(URL|URI|DSN)$|^DATABASE$", re.I), "database"),
    (re.compile(r"^(POSTGRES|PG)_(URL|URI|DSN)$", re.I), "postgres"),
    (re.compile(r"^(MYSQL|MARIADB)_(URL|URI|DSN)$", re.I), "mysql"),
    (re.compile(r"^(REDIS|CACHE|RQ_REDIS|REDIS_CACHE|RATELIMIT_STORAGE)_(URL|URI|DSN)$|^REDIS_URL$", re.I), "redis"),
    (re.compile(r"^(CELERY_BROKER|BROKER|CELERY_RESULT_BACKEND)_(URL|URI)$|^CELERY_BROKER$", re.I), "broker"),
    (re.compile(r"^(AMQP|RABBITMQ|RABBIT)_(URL|URI|DSN)$", re.I), "rabbitmq"),
    (re.compile(r"^(MONGO|MONGODB)_(URL|URI|DSN)$", re.I), "mongodb"),
)
# Names the platform sets, never written to .env.example.
# and those the template itself writes for its services (a re-run must not read them back as the app's).
TEMPLATE_MANAGED = {
    "APP_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "MYSQL_USER", "MYSQL_PASSWORD",
    "MYSQL_DATABASE", "RABBITMQ_USER", "RABBITMQ_PASSWORD", "MONGODB_USER", "MONGODB_PASSWORD",
}
IGNORED = TEMPLATE_MANAGED | {"PORT", "HOST", "HOME", "PATH", "PWD", "USER", "DEBUG_TOOLBAR", "PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "CI"}
GETTERS = {"os.getenv", "os.environ.get", "environ.get", "getenv", "os.environ.setdefault"}
LIBRARY_GETTERS = {"env", "env.str", "env.int", "env.bool", "env.list", "env.float", "env.db", "env.db_url", "env.cache", "env.cache_url", "env.url", "env.json", "config", "decouple.config", "environ.Env"}


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    found: list[Finding] = []
    for rel, tree in pyast.app_sources(view):
        found += _reads(view, rel, tree)
        found += _pydantic_settings(view, rel, tree)
    for name in (".env.example", ".env.sample", ".env.template", "env.example", ".env.dist"):
        rel = prefix + name
        if view.exists(rel) and (text := view.try_read_text(rel)) is not None:
            for number, line in enumerate(text.splitlines(), 1):
                match = re.match(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$", line)
                if match:
                    value = match.group(2).strip("'\"")
                    found.append(_env_finding(match.group(1), value or None, Evidence(rel, number, line.strip()[:120]), f"listed in {name}", rank=30))
    found += _dynaconf(view, prefix)
    ports = [_port_finding(f) for f in found if f.value["name"] in PORT_NAMES]
    return [f for f in found if f.value["name"] not in IGNORED] + [p for p in ports if p is not None][:1]


PORT_NAMES = ("PORT", "APP_PORT", "SERVER_PORT", "HTTP_PORT")


def _port_finding(found: Finding) -> Finding | None:
    """`PORT = int(os.getenv("PORT", "8080"))`: the app's own default port (below the Procfile and run(port=...))."""
    default = found.value["default"]
    try:
        port = int(str(default).strip()) if default is not None else None
    except ValueError:
        return None
    if port is None or not 0 < port < 65536:
        return None
    name = found.value["name"]
    return finding("port", port, *found.evidence, reason=f"the {name} default in the code", rank=45, confidence="medium")


def _dynaconf(view: ProjectView, prefix: str) -> list[Finding]:
    """Dynaconf(envvar_prefix="APP", settings_files=[...]): each key of those files can come from APP_<KEY>."""
    found: list[Finding] = []
    for rel in view.python_files(prefix):
        text = view.try_read_text(rel)
        if not text or "Dynaconf" not in text:
            continue
        tree = pyast.parse(view, rel)
        if tree is None:
            continue
        for call in pyast.calls(tree):
            if (pyast.dotted_name(call.func) or "").rsplit(".", 1)[-1] != "Dynaconf":
                continue
            env_prefix = pyast.constant(pyast.keyword(call, "envvar_prefix"))
            env_prefix = env_prefix if isinstance(env_prefix, str) else "DYNACONF"
            files = pyast.keyword(call, "settings_files") or pyast.keyword(call, "settings_file")
            names = [pyast.constant(e) for e in files.elts] if isinstance(files, (ast.List, ast.Tuple)) else [pyast.constant(files)]
            folder = rel.rpartition("/")[0]
            for name in names:
                if not isinstance(name, str) or not name.endswith(".toml"):
                    continue
                path = next((p for p in (f"{folder}/{name}" if folder else name, prefix + name) if view.exists(p)), None)
                if path is None or (content := view.try_read_text(path)) is None:
                    continue
                try:
                    data = load_toml(content, path)
                except ManifestError:
                    continue
                tables = [data[k] for k in ("default", "production") if isinstance(data.get(k), dict)] or [data]
                for table in tables:
                    for key, value in table.items():
                        if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) and not isinstance(value, (dict, list)):
                            line = next((n for n, l in enumerate(content.splitlines(), 1) if l.strip().startswith(key)), None)
                            default = None if "secret" in name else value
                            found.append(_env_finding(f"{env_prefix}_{key}".upper(), default, Evidence(path, line), f"Dynaconf setting {key} ({env_prefix}_ prefix)"))
    return found


def _env_finding(name: str, default: object, evidence: Evidence, reason: str, rank: int = 20) -> Finding:
    service = next((kind for pattern, kind in SERVICE_URL if pattern.search(name)), None)
    value = {
        "name": name,
        "default": None if default is None else str(default),
        "required": default is None,
        "secret": bool(SECRET_NAME.search(name)) and service is None,
        "service": service,
    }
    return finding("env_var", value, evidence, reason=reason, rank=rank)


def _reads(view: ProjectView, rel: str, tree: ast.Module) -> list[Finding]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and pyast.dotted_name(node.value) in ("os.environ", "environ"):
            key = pyast.constant(node.slice)
            if isinstance(key, str) and isinstance(node.ctx, ast.Load):
                found.append(_env_finding(key, None, pyast.evidence(view, rel, node), "os.environ[...] (required)"))
        elif isinstance(node, ast.Call):
            name = pyast.dotted_name(node.func) or ""
            if not node.args or not isinstance(pyast.constant(node.args[0]), str):
                continue
            key = pyast.constant(node.args[0])
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                continue
            if name in GETTERS:
                default = pyast.constant(node.args[1]) if len(node.args) > 1 else pyast.constant(pyast.keyword(node, "default"))
                has_default = len(node.args) > 1 or pyast.keyword(node, "default") is not None
                found.append(_env_finding(key, default if has_default else None, pyast.evidence(view, rel, node), f"{name}(...)"))
            elif name in LIBRARY_GETTERS or re.fullmatch(r"env\.\w+", name):
                default_node = pyast.keyword(node, "default")
                default = pyast.constant(default_node) if default_node is not None else None
                if isinstance(default_node, (ast.List, ast.Tuple)) and all(isinstance(pyast.constant(e), (str, int)) for e in default_node.elts):
                    default = ",".join(str(pyast.constant(e)) for e in default_node.elts)  # env.list(): comma-separated
                if default_node is not None and default is None:
                    default = ""  # a non-literal default: the variable is optional
                found.append(_env_finding(key, default, pyast.evidence(view, rel, node), f"{name}(...)"))
    return found


def _pydantic_settings(view: ProjectView, rel: str, tree: ast.Module) -> list[Finding]:
    found = []
    imports = pyast.imported_names(tree)
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {pyast.qualified(b, imports) for b in node.bases}
        if not bases & {"pydantic_settings.BaseSettings", "pydantic.BaseSettings", "BaseSettings"}:
            continue
        prefix = ""
        for item in node.body:
            # model_config = SettingsConfigDict(env_prefix="APP_")  /  class Config: env_prefix = "APP_"
            if isinstance(item, ast.Assign) and isinstance(item.value, ast.Call):
                value = pyast.constant(pyast.keyword(item.value, "env_prefix"))
                prefix = value if isinstance(value, str) else prefix
            if isinstance(item, ast.ClassDef) and item.name == "Config":
                for inner in item.body:
                    if isinstance(inner, ast.Assign) and any(getattr(t, "id", "") == "env_prefix" for t in inner.targets):
                        value = pyast.constant(inner.value)
                        prefix = value if isinstance(value, str) else prefix
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and not item.target.id.startswith("_"):
                if item.target.id == "model_config":
                    continue
                default = None
                if item.value is not None:
                    default = pyast.constant(item.value)
                    if isinstance(item.value, ast.Call):  # Field(default=...) / Field("x")
                        default = pyast.constant(pyast.keyword(item.value, "default")) or (
                            pyast.constant(item.value.args[0]) if item.value.args else None
                        )
                    if default is None:
                        default = ""
                name = (prefix + item.target.id).upper()
                found.append(_env_finding(name, default, pyast.evidence(view, rel, item), f"{node.name} settings field"))
    return found
