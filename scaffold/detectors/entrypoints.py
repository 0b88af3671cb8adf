"""Non-web entry points: Celery apps, RQ workers, console scripts, ``__main__.py``, a plain main.py."""

from __future__ import annotations

import ast
import re

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.errors import ManifestError
from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.layout import layout
from scaffold.parsers.toml import line_of, load_toml, table
from scaffold.project import ProjectView

SCRIPT_NAMES = ("main.py", "app.py", "run.py", "bot.py", "worker.py", "server.py", "cli.py")


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    found: list[Finding] = []
    found += _celery(view, prefix)
    deps = dependencies(view)
    if (rq := deps.find("rq")) is not None:
        # rq's CLI reads the Redis URL from RQ_REDIS_URL: the redis service provides it.
        found.append(finding("worker_command", "rq worker", rq.evidence, reason="rq is a dependency", rank=40, confidence="low"))
        found.append(finding("env_var", {"name": "RQ_REDIS_URL", "default": None, "required": True, "secret": False, "service": "redis"},
                             rq.evidence, reason="the rq worker's Redis URL"))
    if (dramatiq := deps.find("dramatiq")) is not None and not any(f.kind == "worker_command" for f in found):
        broker = _dramatiq_broker(view, prefix)
        if broker:
            found.append(finding("worker_command", f"dramatiq {broker}", dramatiq.evidence, reason="dramatiq is a dependency", rank=40, confidence="low"))
    # Console scripts: [project.scripts] / [tool.poetry.scripts].
    path = prefix + "pyproject.toml"
    if view.exists(path):
        try:
            text = view.read_text(path)
            data = load_toml(text, path)
        except ManifestError:
            data, text = {}, ""
        scripts = table(data, "project", "scripts") or table(data, "tool", "poetry", "scripts")
        for name, target in scripts.items():
            if isinstance(target, str):
                evidence = Evidence(path, line_of(text, r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*="), f"{name} = {target}"[:120])
                found.append(finding("command", name, evidence, reason=f"console script {name}", rank=70, confidence="medium"))
                found.append(finding("install_project", True, evidence, reason="console scripts are installed with the project", rank=30))
                break
    # `python -m package` for a package with __main__.py (shallowest first).
    mains = sorted((f for f in view.python_files(prefix) if f.endswith("/__main__.py") and not pyast.is_test_module(f[len(prefix):])), key=lambda f: (f.count("/"), f))
    for rel in mains[:1]:
        module = pyast.app_module(rel.rsplit("/", 1)[0] + "/__init__.py", prefix)
        found.append(finding("command", f"python -m {module}", Evidence(rel), reason=f"{rel} makes the package runnable", rank=75, confidence="medium"))
    for name in SCRIPT_NAMES:
        rel = prefix + name
        tree = pyast.parse(view, rel) if view.exists(rel) else None
        if tree is not None and _has_main_guard(tree):
            found.append(finding("command", f"python {name}", Evidence(rel), reason=f"{name} has an `if __name__ == \"__main__\"` block", rank=80, confidence="low"))
            break
    return found


def _celery(view: ProjectView, prefix: str) -> list[Finding]:
    found: list[Finding] = []
    for rel, tree in pyast.app_sources(view):
        imports = pyast.imported_names(tree)
        if not any(q.startswith("celery") for q in imports.values()):
            continue
        for node in tree.body:
            value = getattr(node, "value", None)
            targets = getattr(node, "targets", None) or ([node.target] if hasattr(node, "target") else [])
            if value is not None and hasattr(value, "func") and pyast.qualified(value.func, imports) == "celery.Celery":
                module = pyast.app_module(rel, prefix)
                name = getattr(targets[0], "id", "app") if targets else "app"
                target = module if name in ("app", "celery") else f"{module}:{name}"
                evidence = pyast.evidence(view, rel, node)
                found.append(finding("celery_app", target, evidence, reason="Celery(...) app", rank=10))
                found.append(finding("worker_command", f"celery -A {target} worker --loglevel INFO", evidence, reason="a Celery app", rank=20))
                broker = pyast.constant(pyast.keyword(value, "broker")) or (pyast.constant(value.args[1]) if len(value.args) > 1 else None)
                if isinstance(broker, str):
                    found.append(finding("celery_broker", broker.split("://")[0], evidence, reason="Celery broker URL", rank=10))
    app = next((f for f in found if f.kind == "celery_app"), None)
    beat = _beat_schedule(view, prefix) if app else None
    if app is not None and beat is not None:
        scheduler = ""
        if dependencies(view).has("django-celery-beat"):
            scheduler = " --scheduler django_celery_beat.schedulers:DatabaseScheduler"
        found.append(finding("celery_beat", f"celery -A {app.value} beat --loglevel INFO{scheduler}", beat, reason="a Celery beat schedule", rank=10))
        # One worker service: it runs the scheduler too, or the periodic tasks never run.
        found.append(
            finding("worker_command", f"celery -A {app.value} worker --beat{scheduler} --loglevel INFO", beat, *app.evidence,
                    reason="a Celery app with a beat schedule (scheduler embedded in the worker)", rank=15)
        )
        found.append(
            warning(
                f"Celery beat schedule ({beat}): the worker runs the scheduler embedded (--beat); keep one worker replica, "
                f"or run `celery -A {app.value} beat` as its own service",
                beat,
            )
        )
    return found


BEAT_NAMES = ("beat_schedule", "CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE")


def _beat_schedule(view: ProjectView, prefix: str) -> Evidence | None:
    """Where a periodic schedule is declared: conf.beat_schedule, CELERY_BEAT_SCHEDULE, add_periodic_task, @periodic_task."""
    for rel, tree in pyast.app_sources(view):
        text = view.try_read_text(rel)
        if text is None or not any(word in text for word in BEAT_NAMES + ("add_periodic_task", "periodic_task", "django-celery-beat")):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = (pyast.dotted_name(target) or "").rsplit(".", 1)[-1]
                    if name in BEAT_NAMES:
                        return pyast.evidence(view, rel, node)
            elif isinstance(node, ast.Call):
                name = (pyast.dotted_name(node.func) or "").rsplit(".", 1)[-1]
                if name == "add_periodic_task" or (name in ("update", "config_from_object") and pyast.keyword(node, "beat_schedule") is not None):
                    return pyast.evidence(view, rel, node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if (pyast.dotted_name(target) or "").rsplit(".", 1)[-1] == "periodic_task":
                        return pyast.evidence(view, rel, decorator)
    return None


def _dramatiq_broker(view: ProjectView, prefix: str) -> str | None:
    """The module that imports dramatiq and declares actors (`dramatiq tasks`)."""
    for rel in view.python_files(prefix):
        if pyast.is_test_module(rel[len(prefix):]) or rel.endswith("__main__.py"):
            continue
        text = view.try_read_text(rel)
        if text and ("dramatiq.actor" in text or ("@actor" in text and "dramatiq" in text)):
            return pyast.app_module(rel, prefix)
    return None


def _has_main_guard(tree) -> bool:
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            left = node.test.left
            if isinstance(left, ast.Name) and left.id == "__name__":
                return True
    return False
