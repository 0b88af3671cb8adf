"""Package manager and install inputs.

Precedence when several are present (a lock file is the most exact record of
what runs in production): uv.lock > poetry.lock > pdm.lock > Pipfile.lock >
requirements file > pyproject.toml (PEP 621) > setup.py/setup.cfg.
"""

from __future__ import annotations

from scaffold.dependencies import dependencies, requirements_files
from scaffold.errors import ManifestError
from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.layout import layout
from scaffold.parsers.toml import load_toml, table
from scaffold.project import ProjectView

LOCK_FILES = (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm"), ("Pipfile.lock", "pipenv"))


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    found: list[Finding] = []
    managers: list[tuple[str, str]] = []  # (manager, evidence file), in precedence order
    for lock, manager in LOCK_FILES:
        if view.exists(prefix + lock):
            managers.append((manager, prefix + lock))
    pyproject = _pyproject(view, prefix + "pyproject.toml")
    if view.exists(prefix + "Pipfile") and not view.exists(prefix + "Pipfile.lock"):
        found.append(warning(f"{prefix}Pipfile has no Pipfile.lock: run `pipenv lock` (the image installs from the lock)", Evidence(prefix + "Pipfile")))
    if table(pyproject, "tool", "poetry") and not view.exists(prefix + "poetry.lock"):
        found.append(warning(f"{prefix}pyproject.toml uses Poetry but has no poetry.lock: run `poetry lock`", Evidence(prefix + "pyproject.toml")))
    runtime_requirements = [f for f in requirements_files(view) if f.endswith(".txt") and not _is_dev(f, prefix)]
    if runtime_requirements:
        managers.append(("pip", runtime_requirements[0]))
    if table(pyproject, "project"):
        managers.append(("pip-pyproject", prefix + "pyproject.toml"))
    elif view.exists(prefix + "setup.py") or view.exists(prefix + "setup.cfg"):
        managers.append(("pip-setup", prefix + ("setup.py" if view.exists(prefix + "setup.py") else "setup.cfg")))
    if not runtime_requirements and any(f.endswith(".in") for f in requirements_files(view)):
        found.append(warning("only requirements.in found: compile it (pip-compile) into requirements.txt for a reproducible image", Evidence(requirements_files(view)[0])))
    if not managers:
        return found
    manager, source = managers[0]
    kind = "pip" if manager.startswith("pip") else manager
    found.append(finding("package_manager", kind, Evidence(source), reason=f"from {source}", rank=10))
    distinct = list(dict.fromkeys("pip" if m.startswith("pip") else m for m, _ in managers))
    if len(distinct) > 1:
        found.append(
            warning(
                f"several package managers: {', '.join(distinct)}; using {kind} ({source}) by precedence",
                *(Evidence(s) for _, s in managers),
            )
        )
    if manager == "pip":
        found.append(finding("requirements_file", source[len(prefix):], Evidence(source), reason=f"the runtime requirements file", rank=10))
    else:
        found.append(finding("requirements_file", "", Evidence(source), reason="no requirements file is used", rank=10))
    # The project itself must be installed for src/ layouts, setup.py-only projects and console scripts.
    src_layout = any(f.startswith(prefix + "src/") and f.endswith("/__init__.py") for f in view.files)
    if manager in ("pip-pyproject", "pip-setup") or (src_layout and kind != "pip"):
        why = "src/ layout" if src_layout else "dependencies come from the project's own metadata"
        found.append(finding("install_project", True, Evidence(source), reason=why, rank=10))
    elif src_layout and kind == "pip":
        found.append(warning("src/ layout with a requirements file: the app's package is installed only if the requirements include '.'", Evidence(source)))
    local = [d for d in dependencies(view).items if d.local_path and d.group == "runtime" and d.local_path not in (".", "./")]
    for dep in local[:5]:
        found.append(warning(f"{dep.evidence}: local path dependency {dep.local_path}: the image copies the app folder only", dep.evidence))
    return found


def _is_dev(path: str, prefix: str) -> bool:
    from scaffold.dependencies import DEV_WORDS

    return bool(DEV_WORDS.search(path[len(prefix):].removesuffix(".txt")))


def _pyproject(view: ProjectView, path: str) -> dict:
    if not view.exists(path):
        return {}
    try:
        return load_toml(view.read_text(path), path)
    except ManifestError:
        return {}  # reported (fatally) by the dependency reader
