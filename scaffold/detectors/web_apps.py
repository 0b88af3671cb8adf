"""Web and UI apps found by reading the code (never importing it): the framework, the app
object's import path (``pkg.module:app`` or ``pkg:create_app()``), and the port the code names."""

from __future__ import annotations

import ast

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.findings import Finding, finding, warning
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
FRAMEWORK_PACKAGES = {c.split(".")[0] for c in APP_CONSTRUCTORS} | {"streamlit"}
# Beside tests (pyast.app_sources skips them), folders whose app objects are not the app.
NOT_APP_CODE = ("docs/", "examples/", "migrations/")


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    candidates: list[tuple[tuple, Finding]] = []
    for rel, tree in pyast.app_sources(view, skip=NOT_APP_CODE):
        imports = pyast.imported_names(tree)
        if not any(q.split(".")[0] in FRAMEWORK_PACKAGES for q in imports.values()) and not _calls_factory(tree):
            continue
        module = pyast.app_module(rel, prefix)
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
                target, why = f"{module}:{names[0]}", "the module-level app object"
                if framework == "dash":
                    # gunicorn serves Dash's Flask server, not the Dash object.
                    server = _alias_of(tree, f"{names[0]}.server")
                    target, why = (f"{module}:{server}", f"{server} = {names[0]}.server") if server else (f"{module}:{names[0]}.server", "the Dash app's Flask server")
                results.append(finding("app_module", target, evidence, reason=why, rank=20))
                if framework == "aiohttp":
                    results += _aiohttp_script(view, rel, tree, names[0])
            elif names and isinstance(node.value.func, ast.Name) and node.value.func.id in FACTORY_NAMES and not node.value.args:
                # `app = create_app()` at module level (wsgi.py, main.py): the object to serve.
                evidence = pyast.evidence(view, rel, node)
                results.append(finding("app_module", f"{module}:{names[0]}", evidence, reason=f"{names[0]} = {node.value.func.id}()", rank=22, confidence="medium",
                                       extra={"calls": node.value.func.id}))
    # 1b. `with gr.Blocks() as demo:` (Gradio's usual form).
    for node in tree.body:
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.context_expr, ast.Call) and isinstance(item.optional_vars, ast.Name):
                    framework = APP_CONSTRUCTORS.get(pyast.qualified(item.context_expr.func, imports) or "")
                    if framework:
                        evidence = pyast.evidence(view, rel, node)
                        name = item.optional_vars.id
                        results.append(finding("framework", framework, evidence, reason=f"with {pyast.dotted_name(item.context_expr.func)}() as {name}", rank=20))
                        results.append(finding("app_module", f"{module}:{name}", evidence, reason="the module-level app object", rank=20))
    # 2. An application factory: `def create_app(): app = Flask(__name__) ... return app`.
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for call in pyast.calls(node):
                framework = APP_CONSTRUCTORS.get(pyast.qualified(call.func, imports) or "")
                if framework:
                    required = [a for a in node.args.args[: len(node.args.args) - len(node.args.defaults)]]
                    aiohttp_factory = framework == "aiohttp" and len(required) <= 1 and _returns_something(node)
                    if node.name in FACTORY_NAMES or (node.name.endswith("app") and not required) or aiohttp_factory:
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


def _calls_factory(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
        and node.value.func.id in FACTORY_NAMES
        for node in tree.body
    )


def _alias_of(tree: ast.Module, dotted: str) -> str | None:
    """The module-level name bound to ``dotted`` (``server = app.server`` -> 'server')."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and pyast.dotted_name(node.value) == dotted:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    return target.id
    return None


def _returns_something(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(function))


def _aiohttp_script(view: ProjectView, rel: str, tree: ast.Module, name: str) -> list[Finding]:
    """`web.run_app(app)` under `if __name__ == "__main__"`: the script starts its own server."""
    for node in tree.body:
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and getattr(node.test.left, "id", "") == "__name__"):
            continue
        for call in pyast.calls(node):
            if (pyast.dotted_name(call.func) or "").rsplit(".", 1)[-1] == "run_app":
                script = rel[len(layout(view).prefix):]
                evidence = pyast.evidence(view, rel, call)
                found = [finding("command", f"python {script}", evidence, reason=f"{script} calls web.run_app() in its main block", rank=60)]
                host = pyast.constant(pyast.keyword(call, "host"))
                if host in ("127.0.0.1", "localhost"):
                    found.append(warning(f"{script}: run_app() binds {host}; in a container it must listen on 0.0.0.0", evidence))
                return found
    return []


def _servers(view: ProjectView) -> list[Finding]:
    """Production servers already among the dependencies."""
    deps = dependencies(view)
    found = []
    for name in ("gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "waitress", "uwsgi"):
        dependency = deps.find(name)
        if dependency:
            found.append(finding("server", name, dependency.evidence, reason=f"{name} is a dependency", rank=30))
    return found
