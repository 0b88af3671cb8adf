"""The one place where findings are merged into the profile the templates consume.

Single-valued facts (python_version, framework, ...) take the finding with
the lowest rank (documented precedence), and a warning when others disagree;
multi-valued ones (services, env vars, container files) are gathered. The
profile is plain data: ``to_json()`` is the versioned schema that
``scaffold inspect --json`` prints (schema/profile.schema.json), and
``answers()`` maps it onto the copier template's questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scaffold import __version__
from scaffold.dependencies import Dependencies, dependencies
from scaffold.detectors import run_detectors
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
SERVER_PACKAGES = {"uvicorn": "uvicorn==0.54.0", "gunicorn": "gunicorn==27.0.1"}
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
        answers["secret_env_vars"] = sorted(name for name, v in self.env_vars.items() if v["secret"] and name not in answers["service_env_vars"])
        answers["env_vars"] = {
            name: v["default"] if v["default"] is not None else ""
            for name, v in sorted(self.env_vars.items())
            if name not in answers["service_env_vars"] and name not in answers["secret_env_vars"]
        }
        answers["build_packages"] = sorted({p["name"] for p in self.system_packages["build"]})
        answers["runtime_packages"] = sorted({p["name"] for p in self.system_packages["runtime"]})
        return {key: value for key, value in answers.items() if value is not None}


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
            stage = found.extra.get("stage", "runtime")
            profile.system_packages.setdefault(stage, []).append(
                {"name": found.value, "reason": found.reason, "evidence": [e.to_json() for e in found.evidence]}
            )
        elif found.kind == "warning":
            profile.warnings.append(Warning_(str(found.value), found.evidence))
    profile.warnings.extend(Warning_(str(w.value), w.evidence) for w in view.warnings)
    seen: set[str] = set()
    profile.warnings = [w for w in profile.warnings if not (w.message in seen or seen.add(w.message))]
    return profile


MULTI_KINDS = {"service", "env_var", "container_file", "system_package", "warning"}


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
            losers = [f for f in ordered[1:] if f.value != winner.value]
            if losers:
                loser = losers[0]
                profile.warnings.append(
                    Warning_(
                        f"{kind}: chose {winner.value} ({winner.reason}, {_where(winner)}) over {loser.value} ({loser.reason}, {_where(loser)})",
                        winner.evidence + loser.evidence,
                    )
                )


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
    if framework is None:
        if "celery_app" in profile.facts and "command" not in profile.facts:
            fact = profile.facts["celery_app"]
            profile.facts["framework"] = Fact("celery", "a Celery app and no web framework", fact.evidence, fact.detector)
            profile.facts["command"] = Fact(profile.value("worker_command"), "the Celery worker", fact.evidence, fact.detector)
        else:
            profile.facts["framework"] = Fact("python", "no web framework found", (), "profile", "medium")
    framework = profile.value("framework")
    if framework not in WEB:
        profile.facts.pop("port", None)
        return
    if "port" not in profile.facts:
        port = DEFAULT_PORTS.get(framework, 8000)
        profile.facts["port"] = Fact(port, f"the default for {framework}", (), "profile", "medium")
    if "health_path" not in profile.facts and framework in DEFAULT_HEALTH:
        profile.facts["health_path"] = Fact(DEFAULT_HEALTH[framework], f"{framework}'s built-in health endpoint", (), "profile")
    present = {d.name for d in profile.dependencies.runtime()}
    if "command" not in profile.facts:
        wanted = "uvicorn" if framework in ASGI else "gunicorn" if framework in WSGI else None
        if wanted and wanted not in present:
            alternative = {"hypercorn", "granian", "daphne"} & present if framework in ASGI else {"waitress"} & present
            if alternative:
                profile.warnings.append(Warning_(f"{sorted(alternative)[0]} is a dependency, but the image runs {wanted}, which is added"))
            profile.facts["extra_packages"] = Fact(SERVER_PACKAGES[wanted], f"{wanted} is not among the dependencies", (), "profile")
    command = profile.facts.get("command")
    if command and isinstance(command.value, str):
        command.value = command.value.replace("{port}", str(profile.value("port")))


def _resolve_env_vars(profile: Profile, findings: list[Finding]) -> None:
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
            entry["evidence"].append(found.evidence[0].to_json() if found.evidence else {"file": "?"})
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
