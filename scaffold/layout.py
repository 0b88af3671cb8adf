"""Where the app lives: the repository root, or one sub-folder (backend/, api/, server/...)."""

from __future__ import annotations

from dataclasses import dataclass

from scaffold.findings import Evidence
from scaffold.project import ProjectView

# Files whose presence makes a folder a Python project root.
PYTHON_MANIFESTS = (
    "pyproject.toml", "requirements.txt", "setup.py", "setup.cfg", "Pipfile", "poetry.lock",
    "uv.lock", "pdm.lock", "manage.py", "requirements.in", "environment.yml", "Pipfile.lock",
)
# Sub-folders where monorepos keep their Python service, most likely first.
APP_FOLDERS = ("backend", "api", "server", "service", "app", "python", "src/backend")


@dataclass(frozen=True)
class Layout:
    app_dir: str  # '.' or a relative folder
    is_python: bool
    evidence: tuple[Evidence, ...]

    @property
    def prefix(self) -> str:
        """'' for the root, 'backend/' for a sub-folder: prepend to app-relative paths."""
        return "" if self.app_dir == "." else self.app_dir + "/"


def layout(view: ProjectView) -> Layout:
    return view.memo.get("layout", lambda: _find_layout(view))


def _find_layout(view: ProjectView) -> Layout:
    root_manifests = [name for name in PYTHON_MANIFESTS if view.exists(name)]
    if root_manifests:
        return Layout(".", True, tuple(Evidence(name) for name in root_manifests))
    for folder in APP_FOLDERS:
        manifests = [f"{folder}/{name}" for name in PYTHON_MANIFESTS if view.exists(f"{folder}/{name}")]
        if manifests:
            return Layout(folder, True, tuple(Evidence(m) for m in manifests))
    # Any other folder one level down with a manifest (e.g. 'myservice/pyproject.toml').
    for name in PYTHON_MANIFESTS:
        hits = [f for f in view.find_name(name, max_depth=1) if "/" in f]
        if len(hits) == 1:
            folder = hits[0].rsplit("/", 1)[0]
            return Layout(folder, True, (Evidence(hits[0]),))
    top_level_python = [f for f in view.files if f.endswith(".py") and f.count("/") <= 1]
    if top_level_python:
        return Layout(".", True, (Evidence(top_level_python[0]),))
    return Layout(".", False, ())
