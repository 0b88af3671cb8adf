"""Web and UI apps found by reading the code (never importing it): the framework, the app
object's import path (``pkg.module:app`` or ``pkg:create_app()``), and the port the code names."""

from __future__ import annotations

import ast

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.findings import Finding, finding
from scaffold.layout import layout
from scaffold.project import ProjectView

# Fully qualified constructor -> framework. One line per framework: adding one is a line here.
APP_CONSTRUCTORS = {
    "fastapi.FastAPI": "fastapi",
    "starlette.applications.Starlette": "starlette",
    "litestar.Litestar": "litestar",
    "litestar.app.Litestar": "litestar",
    "flask.Flask": "flask",
    "quart.Quart": "quart",
    "sanic.Sanic": "sanic",
    "aiohttp.web.Application": "aiohttp",
    "dash.Dash": "dash",
    "gradio.Blocks": "gradio",
    "gradio.Interface": "gradio",
    "gradio.ChatInterface": "gradio",
}
# Functions that start a server in the code itself, and the keyword holding the port.
RUN_CALLS = {"uvicorn.run": "port", "run": "port", "run_app": "port", "launch": "server_port"}
FACTORY_NAMES = ("create_app", "make_app", "app_factory", "get_app", "build_app", "application_factory")
PREFERRED_FILES = ("main", "app", "application", "asgi", "wsgi", "server", "api", "__init__", "web")
TEST_PARTS = ("tests/", "test/", "testing/", "conftest.py", "test_", "_test.py", "docs/", "examples/", "migrations/")


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    candidates: list[tuple[tuple, Finding]] = []
    for rel in view.python_files(prefix):
        inner = rel[len(prefix):]
        if any(part in inner for part in TEST_PARTS):
            continue
        tree = pyast.parse(view, rel)
        if tree is None:
            continue
        imports = pyast.imported_names(tree)
        if not any(q.split(".")[0] in {c.split(".")[0] for c in APP_CONSTRUCTORS} for q in imports.values()) and "streamlit" not in imports.values():
            continue
        package_root = prefix + "src/" if inner.startswith("src/") else prefix
        module = pyast.module_name(rel, package_root)
        for found in _apps_in(view, rel, tree, imports, module):
            stem = rel.rsplit("/", 1)[-1].removesuffix(".py")
            order = (
                0 if found.kind == "framework" else 1,
                PREFERRED_FILES.index(stem) if stem in PREFERRED_FILES else len(PREFERRED_FILES),
                rel.count("/"),
                rel,
            )
            candidates.append((order, found))
    candidates.sort(key=lambda pair: pair[0])
    findings = [f for _, f in candidates]
    return findings + _servers(view)


def _apps_in(view: ProjectView, rel: str, tree: ast.Module, imports: dict[str, str], module: str) -> list[Finding]:
    results: list[Finding] = []
    # 1. Module-level `app = FastAPI(...)`.
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            framework = APP_CONSTRUCTORS.get(pyast.qualified(node.value.func, imports) or "")
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if framework and names:
                evidence = pyast.evidence(view, rel, node)
                results.append(finding("framework", framework, evidence, reason=f"{names[0]} = {pyast.dotted_name(node.value.func)}(...)", rank=20))
                results.append(finding("app_module", f"{module}:{names[0]}", evidence, reason="the module-level app object", rank=20))
    # 2. An application factory: `def create_app(): app = Flask(__name__) ... return app`.
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for call in pyast.calls(node):
                framework = APP_CONSTRUCTORS.get(pyast.qualified(call.func, imports) or "")
                if framework:
                    required = [a for a in node.args.args[: len(node.args.args) - len(node.args.defaults)]]
                    if node.name in FACTORY_NAMES or (node.name.endswith("app") and not required):
                        evidence = pyast.evidence(view, rel, node)
                        results.append(finding("framework", framework, evidence, reason=f"application factory {node.name}()", rank=25))
                        target = f"{module}:{node.name}()" if framework not in ("aiohttp",) else f"{module}:{node.name}"
                        results.append(finding("app_module", target, evidence, reason=f"the application factory {node.name}()", rank=25, confidence="medium"))
                    break
    # 3. Streamlit scripts are run, not imported.
    if "streamlit" in imports.values() and any(
        (pyast.dotted_name(c.func) or "").startswith(("st.", "streamlit.")) for c in pyast.calls(tree)
    ):
        results.append(finding("framework", "streamlit", pyast.evidence(view, rel), reason="a Streamlit script", rank=30))
        results.append(finding("app_module", rel[len(layout(view).prefix):], pyast.evidence(view, rel), reason="the Streamlit script", rank=30))
    # 4. The port the code starts its server on.
    for call in pyast.calls(tree):
        name = pyast.dotted_name(call.func) or ""
        short = name.rsplit(".", 1)[-1]
        keyword = RUN_CALLS.get(name) or RUN_CALLS.get(short)
        if keyword and name != "run" and short in ("run", "run_app", "launch"):
            port = pyast.constant(pyast.keyword(call, keyword))
            if isinstance(port, int) and 0 < port < 65536:
                results.append(finding("port", port, pyast.evidence(view, rel, call), reason=f"{name}({keyword}={port})", rank=40, confidence="medium"))
    return results


def _servers(view: ProjectView) -> list[Finding]:
    """Production servers already among the dependencies."""
    deps = dependencies(view)
    found = []
    for name in ("gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "waitress", "uwsgi"):
        dependency = deps.find(name)
        if dependency:
            found.append(finding("server", name, dependency.evidence, reason=f"{name} is a dependency", rank=30))
    return found
