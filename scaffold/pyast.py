"""Reading Python source with ``ast``: never importing or running the project's code."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator

from scaffold.findings import Evidence
from scaffold.layout import layout
from scaffold.project import ProjectView

MAX_SOURCE_BYTES = 1024 * 1024


def parse(view: ProjectView, rel: str) -> ast.Module | None:
    """The module's syntax tree, or None (with a warning) when it cannot be read or parsed."""

    def compute() -> ast.Module | None:
        text = view.try_read_text(rel)
        if text is None:
            return None
        if len(text) > MAX_SOURCE_BYTES:
            view.warn(f"skipped {rel}: too large to analyse", Evidence(rel))
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not our business
                return ast.parse(text, filename=rel)
        except SyntaxError as error:
            view.warn(f"skipped {rel}:{error.lineno or 0}: Python syntax error ({error.msg})", Evidence(rel, error.lineno))
        except (ValueError, RecursionError, MemoryError):
            view.warn(f"skipped {rel}: could not be parsed as Python", Evidence(rel))
        return None

    return view.memo.get(f"ast:{rel}", compute)


def is_test_module(rel: str) -> bool:
    """A test module or fixture (tests/, test_*.py, *_test.py, conftest.py): not the app's own code."""
    *folders, name = rel.split("/")
    return (
        any(folder in ("tests", "test", "testing") for folder in folders)
        or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
    )


def app_sources(view: ProjectView, *, skip: tuple[str, ...] = ()) -> Iterator[tuple[str, ast.Module]]:
    """The app's own modules, parsed, in index order: not tests, nor paths containing a ``skip`` part.

    A module that cannot be read or parsed is skipped (with the view's warning).
    """
    prefix = layout(view).prefix
    for rel in view.python_files(prefix):
        inner = rel[len(prefix):]
        if is_test_module(inner) or any(part in inner for part in skip):
            continue
        tree = parse(view, rel)
        if tree is not None:
            yield rel, tree


def dotted_name(node: ast.AST) -> str | None:
    """'a.b.c' for Name/Attribute chains, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> fully qualified name, from the module's imports ('FastAPI' -> 'fastapi.FastAPI')."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def qualified(node: ast.AST, imports: dict[str, str]) -> str | None:
    """The fully qualified name a Name/Attribute refers to, through the imports."""
    name = dotted_name(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head in imports:
        return imports[head] + ("." + rest if rest else "")
    return name


def calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def constant(node: ast.AST | None) -> object:
    """A literal's value (str, int, ...), else None."""
    if isinstance(node, ast.Constant):
        return node.value
    return None


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def module_name(rel: str, package_root: str = "") -> str:
    """'app/main.py' -> 'app.main' (relative to package_root, e.g. 'src/')."""
    path = rel[len(package_root):] if package_root and rel.startswith(package_root) else rel
    path = path[:-3] if path.endswith(".py") else path
    parts = path.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def app_module(rel: str, prefix: str) -> str:
    """The import path of the app's module ``rel``, for an app rooted at ``prefix`` (its src/ in a src layout)."""
    package_root = prefix + "src/" if rel[len(prefix):].startswith("src/") else prefix
    return module_name(rel, package_root)


def line_excerpt(view: ProjectView, rel: str, line: int | None) -> str | None:
    if not line:
        return None
    text = view.try_read_text(rel)
    if text is None:
        return None
    lines = text.splitlines()
    return lines[line - 1].strip()[:160] if 0 < line <= len(lines) else None


def evidence(view: ProjectView, rel: str, node: ast.AST | None = None) -> Evidence:
    line = getattr(node, "lineno", None)
    return Evidence(rel, line, line_excerpt(view, rel, line))
