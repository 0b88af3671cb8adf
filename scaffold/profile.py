"""The one place where findings are merged into the profile the templates consume.

Single-valued facts (python_version, framework, ...) take the finding with
the lowest rank (documented precedence), and a warning when others disagree;
multi-valued ones (services, env vars, container files) are gathered. The
profile is plain data: ``to_json()`` is the versioned schema that
``scaffold inspect --json`` prints (schema/profile.schema.json), and
``answers()`` maps it onto the copier template's questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scaffold import __version__
from scaffold.dependencies import Dependencies, dependencies
from scaffold.detectors import run_detectors
from scaffold.detectors.python_version import allows
from scaffold.findings import Evidence, Finding, Warning_
from scaffold.project import ProjectView

SCHEMA_VERSION = 1
SERVICE_ORDER = ("postgres", "mysql", "redis", "rabbitmq", "mongodb")
CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
# Where several detectors disagree on these, the user is told which one won.
CONTESTED = ("python_version", "framework", "app_module")
ASGI = ("fastapi", "starlette", "litestar", "quart")
WSGI = ("flask", "django", "dash")
WEB = ASGI + WSGI + ("sanic", "aiohttp", "streamlit", "gradio")
DEFAULT_PORTS = {"streamlit": 8501, "gradio": 7860, "dash": 8050}
DEFAULT_HEALTH = {"streamlit": "/_stcore/health"}
# Pinned production servers added when the project's dependencies have none.
SERVER_PACKAGES = {"uvicorn": "uvicorn==0.54.0", "gunicorn": "gunicorn==27.0.1"}  # noqa: E501
# Findings ranked this high are documented fallbacks, never worth a disagreement warning.
DEFAULT_RANK = 90
# Variables a framework needs in a container, with their value.
FRAMEWORK_ENV = {"gradio": {"GRADIO_SERVER_NAME": "0.0.0.0"}}
# The image version choices copier.yml offers for services (answers outside them are dropped).
SERVICE_VERSIONS = {"postgres_version": ("postgres", ("17", "16", "15")), "redis_version": ("redis", ("7", "8"))}
# SQLAlchemy-style URLs name their driver (postgresql+asyncpg://); the generated URL must keep it,
# or the app loads the dialect's default driver (psycopg2, MySQLdb), which it may not have.
DRIVER_SCHEMES = {"postgres": ("postgresql",), "mysql": ("mysql", "mariadb")}
CONVENTIONAL_URL_VARS = {"postgres": "DATABASE_URL", "mysql": "DATABASE_URL", "redis": "REDIS_URL", "rabbitmq": "AMQP_URL", "mongodb": "MONGODB_URL"}


@dataclass
class Fact:
    value: Any
    reason: str
    evidence: tuple[Evidence, ...]
    detector: str = ""
    confidence: str = "high"

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "reason": self.reason,
            "confidence": self.confidence,
            "detector": self.detector,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass
class Profile:
    facts: dict[str, Fact] = field(default_factory=dict)
    services: dict[str, Fact] = field(default_factory=dict)
    env_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    container_files: list[dict[str, Any]] = field(default_factory=list)
    system_packages: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"build": [], "runtime": []})
    dependencies: Dependencies = field(default_factory=Dependencies)
    warnings: list[Warning_] = field(default_factory=list)

    def value(self, key: str, default: Any = None) -> Any:
        fact = self.facts.get(key)
        return fact.value if fact is not None else default

    # ---- the JSON schema (version 1) ------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "scaffold_version": __version__,
            "facts": {key: fact.to_json() for key, fact in sorted(self.facts.items())},
            "services": [{"name": name, **fact.to_json()} for name, fact in self.services.items()],
            "env_vars": [self.env_vars[name] for name in sorted(self.env_vars)],
            "dependencies": self.dependencies.to_json(),
            "system_packages": self.system_packages,
            "container_files": self.container_files,
            "warnings": [w.to_json() for w in self.warnings],
        }

    def url_schemes(self) -> dict[str, str]:
        """The +driver scheme of each service connection URL whose default in the code names one."""
        return {
            name: scheme for name, v in sorted(self.env_vars.items())
            if v.get("service") in self.services and (scheme := driver_scheme(v["default"], v["service"]))
        }

    # ---- the template's answers -------------------------------------------
    def answers(self) -> dict[str, Any]:
        """Answers for every question the profile has an opinion on (the rest keep copier's defaults)."""
        framework = self.value("framework", "python")
        answers: dict[str, Any] = {
            "project_name": self.value("project_name", "app"),
            "app_dir": self.value("app_dir", "."),
            "python_version": self.value("python_version"),
            "package_manager": self.value("package_manager"),
            "framework": framework,
            "services": list(self.services),
        }
        if self.value("package_manager") == "pip":
            answers["requirements_file"] = self.value("requirements_file", "requirements.txt")
        if "install_project" in self.facts:
            answers["install_project"] = bool(self.value("install_project"))
        web = framework in WEB
        if web:
            for key in ("app_module", "port", "health_path"):
                if key in self.facts:
                    answers[key] = self.value(key)
        if "command" in self.facts:
            answers["command"] = self.value("command")
        extra = self.value("extra_packages")
        if extra:
            answers["extra_packages"] = extra
        for key in ("migrate_command", "worker_command"):
            if key in self.facts and (web or key == "migrate_command"):
                answers[key] = self.value(key)
        if framework == "django" and "collectstatic" in self.facts:
            answers["collectstatic"] = bool(self.value("collectstatic"))
        answers["service_env_vars"] = {name: v["service"] for name, v in sorted(self.env_vars.items()) if v.get("service") in self.services}
        answers["url_schemes"] = self.url_schemes()
        answers["secret_env_vars"] = sorted(name for name, v in self.env_vars.items() if v["secret"] and name not in answers["service_env_vars"])
        answers["env_vars"] = {
            name: v["default"] if v["default"] is not None else ""
            for name, v in sorted(self.env_vars.items())
            if name not in answers["service_env_vars"] and name not in answers["secret_env_vars"]
        }
        for key, (service, choices) in SERVICE_VERSIONS.items():
            if service in self.services and str(self.value(key, "")) in choices:
                answers[key] = str(self.value(key))
        answers["build_packages"] = sorted({p["name"] for p in self.system_packages["build"]})
        answers["runtime_packages"] = sorted({p["name"] for p in self.system_packages["runtime"]})
        return {key: value for key, value in answers.items() if value is not None}


def driver_scheme(url: str | None, service: str) -> str | None:
    """'postgresql+asyncpg' for a default of 'postgresql+asyncpg://...' (a +driver scheme of that service), else None."""
    match = re.match(r"([a-z][a-z0-9]*)\+([a-z0-9_]+)://", url or "")
    if match and match.group(1) in DRIVER_SCHEMES.get(service, ()):
        return f"{match.group(1)}+{match.group(2)}"
    return None


def build_profile(view: ProjectView) -> Profile:
    findings = run_detectors(view)
    profile = Profile(dependencies=dependencies(view))
    _resolve_single(profile, findings)
    _resolve_services(profile, findings)
    _resolve_framework_defaults(profile)
    _resolve_env_vars(profile, findings)
    for found in findings:
        if found.kind == "container_file":
            profile.container_files.append({**found.value, "evidence": [e.to_json() for e in found.evidence]})
        elif found.kind == "system_package":
            _add_system_package(profile, found)
        elif found.kind == "warning":
            profile.warnings.append(Warning_(str(found.value), found.evidence))
    _check_answers(profile)
    profile.warnings.extend(Warning_(str(w.value), w.evidence) for w in view.warnings)
    seen: set[str] = set()
    profile.warnings = [w for w in profile.warnings if not (w.message in seen or seen.add(w.message))]
    return profile


MULTI_KINDS = {"service", "env_var", "container_file", "system_package", "warning"}


def _add_system_package(profile: Profile, found: Finding) -> None:
    """One entry per package and stage; a package needed for several reasons keeps the first, and all evidence."""
    stage = found.extra.get("stage", "runtime")
    if stage not in ("build", "runtime"):
        stage = "runtime"
    entries = profile.system_packages.setdefault(stage, [])
    evidence = [e.to_json() for e in found.evidence]
    for entry in entries:
        if entry["name"] == found.value:
            entry["evidence"] += [e for e in evidence if e not in entry["evidence"]][: max(0, 5 - len(entry["evidence"]))]
            return
    entries.append({"name": found.value, "reason": found.reason, "evidence": evidence})


def _resolve_single(profile: Profile, findings: list[Finding]) -> None:
    by_kind: dict[str, list[Finding]] = {}
    for found in findings:
        if found.kind not in MULTI_KINDS:
            by_kind.setdefault(found.kind, []).append(found)
    for kind, candidates in by_kind.items():
        ordered = sorted(candidates, key=lambda f: (f.rank, CONFIDENCE_ORDER.get(f.confidence, 3)))
        winner = ordered[0]
        profile.facts[kind] = Fact(winner.value, winner.reason, winner.evidence, winner.detector, winner.confidence)
        if kind in CONTESTED:
            losers = [f for f in ordered[1:] if _disagrees(kind, winner, f)]
            if losers:
                loser = losers[0]
                profile.warnings.append(
                    Warning_(
                        f"{kind}: chose {winner.value} ({winner.reason}, {_where(winner)}) over {loser.value} ({loser.reason}, {_where(loser)})",
                        winner.evidence + loser.evidence,
                    )
                )


def _disagrees(kind: str, winner: Finding, other: Finding) -> bool:
    """Whether a losing candidate contradicts the winner (worth a warning).

    A Python version range (requires-python, Poetry's constraint) only
    disagrees when it does not admit the chosen version: `.python-version`
    3.12 with `requires-python >=3.11` is consistent, not a conflict.
    """
    if other.value == winner.value or other.rank >= DEFAULT_RANK:
        return False
    if kind == "python_version" and "spec" in other.extra:
        return not allows(other.extra["spec"], str(winner.value))
    if kind == "app_module" and winner.extra.get("calls") and str(other.value).endswith(f":{winner.extra['calls']}()"):
        return False  # `app = create_app()` and create_app() itself: the same app
    return True


def _where(found: Finding) -> str:
    return str(found.evidence[0]) if found.evidence else found.detector


def _resolve_services(profile: Profile, findings: list[Finding]) -> None:
    services = [f for f in findings if f.kind == "service"]
    broker = profile.value("celery_broker")
    if broker in ("redis", "rediss"):
        services.append(Finding("service", "redis", profile.facts["celery_broker"].evidence, "Celery broker", detector="entrypoints"))
    elif broker in ("amqp", "amqps", "pyamqp"):
        services.append(Finding("service", "rabbitmq", profile.facts["celery_broker"].evidence, "Celery broker", detector="entrypoints"))
    for name in SERVICE_ORDER:
        hits = sorted((f for f in services if f.value == name), key=lambda f: f.rank)
        if hits:
            evidence = tuple(dict.fromkeys(e for f in hits for e in f.evidence))[:5]
            profile.services[name] = Fact(name, hits[0].reason, evidence, hits[0].detector, hits[0].confidence)


def _resolve_framework_defaults(profile: Profile) -> None:
    """Facts that follow from others: the framework when only a worker exists, the port, the server."""
    framework = profile.value("framework")
    if framework is None or (framework == "python" and "command" not in profile.facts):
        if "celery_app" in profile.facts and "command" not in profile.facts:
            fact = profile.facts["celery_app"]
            profile.facts["framework"] = Fact("celery", "a Celery app and no web framework", fact.evidence, fact.detector)
            profile.facts["command"] = Fact(profile.value("worker_command"), "the Celery worker", fact.evidence, fact.detector)
        elif "worker_command" in profile.facts and "command" not in profile.facts:
            fact = profile.facts["worker_command"]
            profile.facts["framework"] = Fact("python", "a worker and no web framework", fact.evidence, fact.detector, fact.confidence)
            profile.facts["command"] = Fact(fact.value, f"the worker ({fact.reason})", fact.evidence, fact.detector, fact.confidence)
        elif framework is None:
            profile.facts["framework"] = Fact("python", "no web framework found", (), "profile", "medium")
    framework = profile.value("framework")
    command = profile.facts.get("command")
    if framework in WEB and command is not None and command.detector == "entrypoints":
        # `python main.py` / a console script is a guess for programs without a server; a web app gets one.
        del profile.facts["command"]
    if framework not in WEB:
        profile.facts.pop("port", None)
    else:
        if "port" not in profile.facts:
            port = DEFAULT_PORTS.get(framework, 8000)
            profile.facts["port"] = Fact(port, f"the default for {framework}", (), "profile", "medium")
        if "health_path" not in profile.facts and framework in DEFAULT_HEALTH:
            profile.facts["health_path"] = Fact(DEFAULT_HEALTH[framework], f"{framework}'s built-in health endpoint", (), "profile")
        if "command" not in profile.facts:
            _choose_server(profile, framework)
    _fill_placeholders(profile)


def _choose_server(profile: Profile, framework: str) -> None:
    """The production server: one already among the dependencies, else the template's (added to the image).

    ASGI apps prefer uvicorn, then hypercorn, granian, daphne; WSGI apps
    gunicorn, then waitress, granian, uWSGI. The template's own command runs
    uvicorn/gunicorn with ``app_module``; any other server, and app factories
    that uvicorn/granian call with ``--factory``, get an explicit command.
    """
    present = {d.name for d in profile.dependencies.runtime()}
    app_module = str(profile.value("app_module") or "")
    factory = app_module.endswith("()")
    target = app_module[:-2] if factory else app_module
    evidence = profile.facts["app_module"].evidence if "app_module" in profile.facts else ()

    def use(server: str, command: str | None, reason: str) -> None:
        dependency = profile.dependencies.find(server)
        where = (dependency.evidence,) if dependency else ()
        profile.facts["server"] = Fact(server, reason, where + tuple(evidence), "profile")
        if command is not None:
            profile.facts["command"] = Fact(command, reason, where + tuple(evidence), "profile")

    asgi = framework in ASGI
    if framework == "django" and "django_asgi" in profile.facts:
        asgi_servers = {"uvicorn", "hypercorn", "granian", "daphne"} & present
        if profile.value("django_channels") or (asgi_servers and "gunicorn" not in present):
            # Channels needs ASGI; otherwise Django is served over ASGI by the server the project chose.
            asgi, target, factory = True, str(profile.value("django_asgi")), False
    if framework == "aiohttp":
        if app_module and ":" in app_module and not factory and not _is_factory_fact(profile):
            # An Application object (not a factory): aiohttp's CLI cannot load it, gunicorn's aiohttp worker can.
            if "gunicorn" not in present:
                _add_extra(profile, "gunicorn", "aiohttp's gunicorn worker serves the app object")
            use("gunicorn", f"gunicorn {app_module} --bind 0.0.0.0:{{port}} --worker-class aiohttp.GunicornWebWorker",
                "gunicorn with aiohttp's worker (an Application object, no run_app script)")
        return
    if framework == "sanic" and factory:
        use("sanic", f"sanic {target} --factory --host 0.0.0.0 --port {{port}}", "Sanic's CLI, with an app factory")
        return
    if asgi:
        if "uvicorn" in present or not {"hypercorn", "granian", "daphne"} & present or (factory and not {"hypercorn", "granian"} & present):
            if "uvicorn" not in present:
                _add_extra(profile, "uvicorn", "uvicorn is not among the dependencies")
            command = f"uvicorn {target} --factory --host 0.0.0.0 --port {{port}} --proxy-headers" if factory else None
            if framework == "django" and target != app_module:
                command = f"uvicorn {target} --host 0.0.0.0 --port {{port}} --proxy-headers"
            use("uvicorn", command, "uvicorn " + ("is a dependency" if "uvicorn" in present else "(added: no ASGI server among the dependencies)"))
        elif "hypercorn" in present:
            use("hypercorn", f"hypercorn {app_module if framework != 'django' else target} --bind 0.0.0.0:{{port}}", "hypercorn is a dependency (no uvicorn)")
        elif "granian" in present:
            use("granian", f"granian --interface asgi --host 0.0.0.0 --port {{port}}{' --factory' if factory else ''} {target}", "granian is a dependency (no uvicorn)")
        else:
            use("daphne", f"daphne -b 0.0.0.0 -p {{port}} {target}", "daphne is a dependency (no uvicorn)")
        return
    if framework in WSGI:
        if "gunicorn" in present or not {"waitress", "granian", "uwsgi"} & present:
            if "gunicorn" not in present:
                _add_extra(profile, "gunicorn", "gunicorn is not among the dependencies")
            use("gunicorn", None, "gunicorn " + ("is a dependency" if "gunicorn" in present else "(added: no WSGI server among the dependencies)"))
        elif "waitress" in present:
            call = f"--call {target}" if factory else target
            use("waitress", f"waitress-serve --listen=0.0.0.0:{{port}} {call}", "waitress is a dependency (no gunicorn)")
        elif "granian" in present:
            use("granian", f"granian --interface wsgi --host 0.0.0.0 --port {{port}}{' --factory' if factory else ''} {target}", "granian is a dependency (no gunicorn)")
        elif not factory:
            use("uwsgi", f"uwsgi --http-socket 0.0.0.0:{{port}} --master --module {target}", "uWSGI is a dependency (no gunicorn)")
        else:
            _add_extra(profile, "gunicorn", "uWSGI cannot call an app factory")
            use("gunicorn", None, "gunicorn (added: uWSGI cannot call an app factory)")


def _is_factory_fact(profile: Profile) -> bool:
    return "factory" in profile.facts["app_module"].reason if "app_module" in profile.facts else False


def _add_extra(profile: Profile, server: str, reason: str) -> None:
    profile.facts["extra_packages"] = Fact(SERVER_PACKAGES[server], reason, (), "profile")


def _fill_placeholders(profile: Profile) -> None:
    """{port} and {app_module} in commands, once both are known."""
    port = profile.value("port")
    app_module = profile.value("app_module")
    for key in ("command", "worker_command", "migrate_command"):
        fact = profile.facts.get(key)
        if fact is None or not isinstance(fact.value, str):
            continue
        value = fact.value
        if "{port}" in value:
            value = value.replace("{port}", str(port if port is not None else 8000))
        if "{app_module}" in value:
            if app_module:
                value = value.replace("{app_module}", str(app_module))
            else:
                value = value.replace(" --app {app_module}", "").replace("{app_module}", "")
                profile.warnings.append(Warning_(f"{key}: the app's import path is unknown; check `{value}`", fact.evidence))
        fact.value = value


# What copier.yml's validators accept, so that detected values never make `copier copy` fail.
COMMAND = re.compile(r"[A-Za-z0-9_./:=,@%+()\[\]{}\- ]+")
FACT_PATTERNS = {
    "app_dir": re.compile(r"(\.|[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)"),
    "requirements_file": re.compile(r"([A-Za-z0-9_][A-Za-z0-9_./-]*)?"),
    "app_module": re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_.]*(\(\))?|[A-Za-z0-9_][A-Za-z0-9_./-]*\.py"),
    "command": COMMAND,
    "worker_command": COMMAND,
    "migrate_command": COMMAND,
    "health_path": re.compile(r"(/[A-Za-z0-9_./~-]*)?"),
}
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _check_answers(profile: Profile) -> None:
    """Drop (with a warning) detected values the template's validators would reject."""
    for key, pattern in FACT_PATTERNS.items():
        fact = profile.facts.get(key)
        if fact is None or not isinstance(fact.value, str):
            continue
        if not pattern.fullmatch(fact.value) or ".." in fact.value.split("/"):
            profile.warnings.append(
                Warning_(f"{key}: detected {fact.value[:80]!r}, which the template cannot take (it runs without a shell "
                         "and allows no quotes or '$'); set it yourself", fact.evidence)
            )
            del profile.facts[key]
    for name in list(profile.env_vars):
        entry = profile.env_vars[name]
        if not ENV_NAME.fullmatch(name):
            profile.warnings.append(Warning_(f"environment variable {name[:60]!r} is not a valid name; left out", ()))
            del profile.env_vars[name]
            continue
        default = entry.get("default")
        if isinstance(default, str) and any(c in default for c in "'\\\n\r"):
            profile.warnings.append(Warning_(f"{name}: its default holds a quote, backslash or newline; .env.example leaves it empty", ()))
            entry["default"] = ""


def _resolve_env_vars(profile: Profile, findings: list[Finding]) -> None:
    framework = profile.value("framework")
    for name, default in FRAMEWORK_ENV.get(framework, {}).items():
        evidence = profile.facts["framework"].evidence
        findings = findings + [
            Finding("env_var", {"name": name, "default": default, "required": False, "secret": False, "service": None},
                    evidence, f"{framework} listens on localhost unless told otherwise", detector="profile")
        ]
    relational = "postgres" if "postgres" in profile.services else "mysql" if "mysql" in profile.services else None
    broker = "redis" if "redis" in profile.services else "rabbitmq" if "rabbitmq" in profile.services else None
    for found in findings:
        if found.kind != "env_var":
            continue
        value = found.value
        entry = profile.env_vars.setdefault(
            value["name"],
            {"name": value["name"], "default": None, "required": True, "secret": value["secret"], "service": None, "evidence": []},
        )
        if value["default"] is not None:
            entry["required"] = False
            if entry["default"] is None:
                entry["default"] = value["default"]
        service = value["service"]
        service = relational if service == "database" else broker if service == "broker" else service
        if service in profile.services:
            entry["service"] = service
        if len(entry["evidence"]) < 5:
            if found.evidence:
                entry["evidence"].append(found.evidence[0].to_json())
    if profile.dependencies.has("dj-database-url") and relational and "DATABASE_URL" not in profile.env_vars:
        dependency = profile.dependencies.find("dj-database-url")
        profile.env_vars["DATABASE_URL"] = {
            "name": "DATABASE_URL", "default": None, "required": True, "secret": False, "service": relational,
            "evidence": [dependency.evidence.to_json()],
        }
    mapped = {v["service"] for v in profile.env_vars.values() if v["service"]}
    for service in profile.services:
        name = CONVENTIONAL_URL_VARS[service]
        if service not in mapped and name not in profile.env_vars:
            profile.env_vars[name] = {
                "name": name, "default": None, "required": False, "secret": False, "service": service,
                "evidence": [], "note": "conventional name; the code was not seen reading it",
            }
