"""Package manager and install inputs.

Precedence when several are present (a lock file is the most exact record of
what runs in production):

    uv.lock > poetry.lock > pdm.lock > Pipfile.lock > requirements file
    > Pipfile without a lock > Poetry pyproject without a lock
    > pyproject.toml (PEP 621) > setup.py/setup.cfg

Several at once get a warning naming the one used. Also reported: the build
backend, hashed requirements, constraints files, and local path dependencies
or uv workspaces (the whole source is needed before the install).
"""

from __future__ import annotations

from scaffold.dependencies import DEV_WORDS, dependencies, requirements_files
from scaffold.errors import ManifestError
from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.layout import layout
from scaffold.parsers.toml import line_of, load_toml, string, table
from scaffold.project import ProjectView

LOCK_FILES = (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("pdm.lock", "pdm"), ("Pipfile.lock", "pipenv"))
BACKENDS = {
    "setuptools.build_meta": "setuptools", "setuptools.build_meta:__legacy__": "setuptools",
    "hatchling.build": "hatch", "flit_core.buildapi": "flit", "pdm.backend": "pdm", "pdm.pep517.api": "pdm",
    "poetry.core.masonry.api": "poetry-core", "poetry.masonry.api": "poetry-core", "maturin": "maturin",
    "scikit_build_core.build": "scikit-build-core", "mesonpy": "meson-python", "uv_build": "uv",
}


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    found: list[Finding] = []
    managers: list[tuple[str, str]] = []  # (manager, evidence file), in precedence order
    for lock, manager in LOCK_FILES:
        if view.exists(prefix + lock):
            managers.append((manager, prefix + lock))
    pyproject_path = prefix + "pyproject.toml"
    pyproject, pyproject_text = _pyproject(view, pyproject_path)
    deps = dependencies(view)
    files = requirements_files(view)
    runtime_requirements = [f for f in files if f.endswith(".txt") and not _is_dev(f, prefix)]
    if runtime_requirements:
        managers.append(("pip", runtime_requirements[0]))
    elif deps.misspelled:
        managers.append(("pip-misspelled", deps.misspelled[0]))
    if view.exists(prefix + "Pipfile") and not view.exists(prefix + "Pipfile.lock"):
        found.append(warning(f"{prefix}Pipfile has no Pipfile.lock: run `pipenv lock` (the image installs from the lock)", Evidence(prefix + "Pipfile")))
        managers.append(("pipenv", prefix + "Pipfile"))
    poetry = table(pyproject, "tool", "poetry")
    if poetry and not view.exists(prefix + "poetry.lock") and (table(poetry, "dependencies") or not table(pyproject, "project")):
        found.append(warning(f"{pyproject_path} uses Poetry but has no poetry.lock: run `poetry lock`", Evidence(pyproject_path)))
        managers.append(("poetry", pyproject_path))
    if table(pyproject, "project"):
        managers.append(("pip-pyproject", pyproject_path))
    elif view.exists(prefix + "setup.py") or view.exists(prefix + "setup.cfg"):
        managers.append(("pip-setup", prefix + ("setup.py" if view.exists(prefix + "setup.py") else "setup.cfg")))
    elif table(pyproject, "build-system"):
        managers.append(("pip-setup", pyproject_path))
    if not runtime_requirements and any(f.endswith(".in") for f in files):
        found.append(warning("only requirements.in found: compile it (pip-compile) into requirements.txt for a reproducible image", Evidence(files[0])))
    found += _backend(pyproject, pyproject_text, pyproject_path)
    if not managers:
        return found
    manager, source = managers[0]
    kind = "pip" if manager.startswith("pip-") or manager == "pip" else manager
    found.append(finding("package_manager", kind, Evidence(source), reason=f"from {source}", rank=10))
    # pyproject.toml/setup.py are the manifests every tool reads: only lock files, requirements
    # files and Pipfile/Poetry projects are competing ways to install.
    distinct = list(dict.fromkeys(_label(m) for m, _ in managers if m not in ("pip-pyproject", "pip-setup")))
    if len(distinct) > 1:
        found.append(
            warning(
                f"several package managers: {', '.join(distinct)}; using {_label(manager)} ({source}) by precedence "
                "(uv.lock > poetry.lock > pdm.lock > Pipfile.lock > requirements.txt > pyproject.toml > setup.py)",
                *(Evidence(s) for _, s in managers),
            )
        )
    if manager == "pip":
        found.append(finding("requirements_file", source[len(prefix):], Evidence(source), reason="the runtime requirements file", rank=10))
    elif manager == "pip-misspelled":
        found.append(finding("requirements_file", "requirements.txt", Evidence(source), reason=f"{source} once renamed", rank=10, confidence="low"))
    else:
        found.append(finding("requirements_file", "", Evidence(source), reason="no requirements file is used", rank=10))
    # The project itself must be installed for src/ layouts, setup.py-only projects and console scripts.
    src_layout = any(f.startswith(prefix + "src/") and f.endswith("/__init__.py") for f in view.files)
    if manager in ("pip-pyproject", "pip-setup") or (src_layout and kind != "pip"):
        why = "src/ layout" if src_layout else "dependencies come from the project's own metadata"
        found.append(finding("install_project", True, Evidence(source), reason=why, rank=10))
    elif src_layout and kind == "pip" and not any(d.local_path in (".", "./") for d in deps.runtime()):
        found.append(warning("src/ layout with a requirements file: the app's package is installed only if the requirements include '.'", Evidence(source)))
    found += _install_inputs(view, prefix, deps)
    return found


def _label(manager: str) -> str:
    return {"pip": "pip (requirements.txt)", "pip-misspelled": "pip (requirements.txt)", "pip-pyproject": "pip (pyproject.toml)",
            "pip-setup": "pip (setup.py/setup.cfg)"}.get(manager, manager)


def _backend(pyproject: dict, text: str, path: str) -> list[Finding]:
    backend = string(pyproject, "build-system", "build-backend")
    if not backend:
        return []
    name = BACKENDS.get(backend, backend.split(".")[0])
    return [finding("build_backend", name, Evidence(path, line_of(text, r"build-backend"), backend[:80]), reason="[build-system] build-backend", rank=10)]


def _install_inputs(view: ProjectView, prefix: str, deps) -> list[Finding]:  # noqa: ANN001 - Dependencies
    found: list[Finding] = []
    if deps.hashed:
        found.append(finding("requirements_hashes", True, *(Evidence(f) for f in deps.hashed[:3]), reason="--hash pins in the requirements", rank=10))
    for file, target, line in deps.constraints[:3]:
        evidence = Evidence(file, line, f"-c {target}"[:120])
        found.append(finding("requirements_constraints", target, evidence, reason="-c constraints file", rank=10))
        folder = file[len(prefix):].rpartition("/")[0]
        copied = ("/" not in target and target.startswith("requirements") and target.endswith(".txt")) or (folder and "/" not in target)
        if not copied:
            found.append(warning(f"{file}:{line}: constraints file {target} is outside what the image copies before installing (requirements*.txt); rename or move it", evidence))
    local = [d for d in deps.items if d.local_path and d.group == "runtime" and d.local_path not in (".", "./")]
    evidence: list[Evidence] = []
    for dep in local[:5]:
        evidence.append(dep.evidence)
        where = "a uv workspace member" if dep.local_path == "workspace" else f"local path {dep.local_path}"
        found.append(warning(f"{dep.evidence}: {dep.name} is {where}: the whole source is needed before the dependencies install", dep.evidence))
        if dep.local_path.startswith("../") or "/../" in dep.local_path:
            found.append(warning(f"{dep.evidence}: {dep.local_path} is outside the app folder, which is all the image copies", dep.evidence))
    for member, member_evidence in deps.workspace[:5]:
        evidence.append(member_evidence)
    if deps.workspace:
        members = ", ".join(m for m, _ in deps.workspace[:5])
        found.append(warning(f"uv workspace (members {members}): the whole workspace is needed before `uv sync`", deps.workspace[0][1]))
    if evidence:
        found.append(finding("needs_full_source", True, *evidence[:5], reason="local path dependencies or a workspace", rank=10))
    return found


def _is_dev(path: str, prefix: str) -> bool:
    return bool(DEV_WORDS.search(path[len(prefix):].removesuffix(".txt")))


def _pyproject(view: ProjectView, path: str) -> tuple[dict, str]:
    if not view.exists(path):
        return {}, ""
    try:
        text = view.read_text(path)
        return load_toml(text, path), text
    except ManifestError:
        return {}, ""  # reported (fatally) by the dependency reader
