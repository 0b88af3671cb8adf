"""Non-web entry points: Celery apps, RQ workers, console scripts, ``__main__.py``, a plain main.py."""

from __future__ import annotations

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.errors import ManifestError
from scaffold.findings import Evidence, Finding, finding
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
        found.append(finding("worker_command", "rq worker --url {redis_url}", rq.evidence, reason="rq is a dependency", rank=40, confidence="low"))
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
                evidence = Evidence(path, line_of(text, r"^\s*\"?" + name + r"\"?\s*="), f"{name} = {target}"[:120])
                found.append(finding("command", name, evidence, reason=f"console script {name}", rank=70, confidence="medium"))
                found.append(finding("install_project", True, evidence, reason="console scripts are installed with the project", rank=30))
                break
    # `python -m package` for a package with __main__.py (shallowest first).
    mains = sorted((f for f in view.python_files(prefix) if f.endswith("/__main__.py") and "tests/" not in f), key=lambda f: (f.count("/"), f))
    for rel in mains[:1]:
        package_root = prefix + "src/" if rel[len(prefix):].startswith("src/") else prefix
        module = pyast.module_name(rel.rsplit("/", 1)[0] + "/__init__.py", package_root)
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
    for rel in view.python_files(prefix):
        if "tests/" in rel:
            continue
        tree = pyast.parse(view, rel)
        if tree is None:
            continue
        imports = pyast.imported_names(tree)
        if not any(q.startswith("celery") for q in imports.values()):
            continue
        for node in tree.body:
            value = getattr(node, "value", None)
            targets = getattr(node, "targets", None) or ([node.target] if hasattr(node, "target") else [])
            if value is not None and hasattr(value, "func") and pyast.qualified(value.func, imports) == "celery.Celery":
                package_root = prefix + "src/" if rel[len(prefix):].startswith("src/") else prefix
                module = pyast.module_name(rel, package_root)
                name = getattr(targets[0], "id", "app") if targets else "app"
                target = module if name in ("app", "celery") else f"{module}:{name}"
                evidence = pyast.evidence(view, rel, node)
                found.append(finding("celery_app", target, evidence, reason="Celery(...) app", rank=10))
                found.append(finding("worker_command", f"celery -A {target} worker --loglevel INFO", evidence, reason="a Celery app", rank=20))
                broker = pyast.constant(pyast.keyword(value, "broker")) or (pyast.constant(value.args[1]) if len(value.args) > 1 else None)
                if isinstance(broker, str):
                    found.append(finding("celery_broker", broker.split("://")[0], evidence, reason="Celery broker URL", rank=10))
    return found


def _has_main_guard(tree) -> bool:
    import ast

    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            left = node.test.left
            if isinstance(left, ast.Name) and left.id == "__name__":
                return True
    return False
