"""Every dependency the project declares, from every manifest, PEP 503-normalised, runtime vs dev.

Shared by the detectors (services, servers, system packages...) through the
view's memo, so each manifest is parsed once.
"""

from __future__ import annotations

import ast
import configparser
import difflib
import json
import re
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from scaffold.errors import ManifestError
from scaffold.findings import Evidence
from scaffold.layout import layout
from scaffold.parsers.requirements import parse_requirements
from scaffold.parsers.toml import line_of, load_toml, string_list, table
from scaffold.project import ProjectView

DEV_WORDS = re.compile(r"(^|[-_/.])(dev|devel|develop|test|tests|testing|lint|docs|doc|ci|local|typing|qa)([-_/.]|$)")
MAX_INCLUDE_DEPTH = 10


@dataclass(frozen=True)
class Dependency:
    name: str  # PEP 503
    specifier: str
    group: str  # 'runtime' or 'dev'
    evidence: Evidence
    extras: tuple[str, ...] = ()
    local_path: str | None = None


@dataclass
class Dependencies:
    items: list[Dependency] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    locked: dict[str, Evidence] = field(default_factory=dict)  # names pinned in lock files (transitive too)
    hashed: list[str] = field(default_factory=list)  # requirements files pinned with --hash
    constraints: list[tuple[str, str, int]] = field(default_factory=list)  # (file, -c target, line)
    workspace: list[tuple[str, Evidence]] = field(default_factory=list)  # uv workspace members (glob, evidence)
    misspelled: list[str] = field(default_factory=list)  # requirements files read despite a misspelled name

    def runtime(self) -> list[Dependency]:
        return [d for d in self.items if d.group == "runtime"]

    def dev(self) -> list[Dependency]:
        runtime = {d.name for d in self.runtime()}
        return [d for d in self.items if d.group == "dev" and d.name not in runtime]

    def find(self, *names: str, include_dev: bool = False) -> Dependency | None:
        wanted = {canonicalize_name(n) for n in names}
        for dependency in self.items:
            if dependency.name in wanted and (include_dev or dependency.group == "runtime"):
                return dependency
        return None

    def has(self, *names: str) -> bool:
        return self.find(*names) is not None

    def to_json(self) -> dict[str, list[dict[str, object]]]:
        def entry(d: Dependency) -> dict[str, object]:
            data: dict[str, object] = {"name": d.name, "specifier": d.specifier, "evidence": d.evidence.to_json()}
            if d.extras:
                data["extras"] = list(d.extras)
            if d.local_path:
                data["local_path"] = d.local_path
            return data

        def unique(deps: list[Dependency]) -> list[Dependency]:
            seen: dict[str, Dependency] = {}
            for d in deps:
                seen.setdefault(d.name, d)
            return sorted(seen.values(), key=lambda d: d.name)

        return {"runtime": [entry(d) for d in unique(self.runtime())], "dev": [entry(d) for d in unique(self.dev())]}


def dependencies(view: ProjectView) -> Dependencies:
    return view.memo.get("dependencies", lambda: _collect(view))


def requirements_files(view: ProjectView) -> list[str]:
    """The app's requirements files, in the order a human would pick the runtime one."""
    prefix = layout(view).prefix
    names = [f for f in view.files if f.startswith(prefix) and f[len(prefix):].count("/") <= 1]
    found = [f for f in names if requirements_file_name(f[len(prefix):])]

    def order(path: str) -> tuple[int, str]:
        rel = path[len(prefix):]
        if rel == "requirements.txt":
            return (0, rel)
        if re.search(r"(prod|production|deploy|runtime|release)\.txt$", rel):
            return (1, rel)  # requirements/production.txt includes base.txt, not the other way round
        if re.search(r"(base|main|common|core)\.txt$", rel):
            return (2, rel)
        if rel.endswith(".txt") and not DEV_WORDS.search(rel.removesuffix(".txt")):
            return (3, rel)
        if rel.endswith(".in"):
            return (5, rel)
        return (4, rel)

    return sorted(found, key=order)


def misspelled_requirements(view: ProjectView) -> list[str]:
    """App-folder files that were surely meant to be requirements.txt (requirments.txt, Requirements.txt, requirements.text)."""
    prefix = layout(view).prefix
    found = []
    for path in view.files:
        rel = path[len(prefix):] if path.startswith(prefix) else None
        if rel is None or "/" in rel or rel == "requirements.txt" or requirements_file_name(rel):
            continue
        stem, _, extension = rel.rpartition(".")
        if extension.lower() not in ("txt", "text", "in") or not stem:
            continue
        if stem.lower() == "requirements" or difflib.SequenceMatcher(None, stem.lower(), "requirements").ratio() >= 0.85:
            found.append(path)
    return found


def requirements_file_name(rel: str) -> bool:
    return re.fullmatch(r"(requirements[^/]*\.(txt|in)|requirements/[^/]+\.(txt|in)|[^/]*-requirements\.txt)", rel) is not None


def _collect(view: ProjectView) -> Dependencies:
    deps = Dependencies()
    prefix = layout(view).prefix
    files = requirements_files(view)
    if not any(f.endswith(".txt") for f in files):
        deps.misspelled = misspelled_requirements(view)
    for path in files + deps.misspelled:
        group = "dev" if DEV_WORDS.search(path[len(prefix):].removesuffix(".txt").removesuffix(".in")) else "runtime"
        _from_requirements(view, path, group, deps, set(), 0)
    if view.exists(prefix + "pyproject.toml"):
        _from_pyproject(view, prefix + "pyproject.toml", deps)
    if view.exists(prefix + "Pipfile"):
        _from_pipfile(view, prefix + "Pipfile", deps)
    if view.exists(prefix + "setup.cfg"):
        _from_setup_cfg(view, prefix + "setup.cfg", deps)
    if view.exists(prefix + "setup.py"):
        _from_setup_py(view, prefix + "setup.py", deps)
    for lock in ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock"):
        if view.exists(prefix + lock):
            _from_lock(view, prefix + lock, deps)
    return deps


def _from_requirements(view: ProjectView, path: str, group: str, deps: Dependencies, seen: set[str], depth: int) -> None:
    if path in seen or depth > MAX_INCLUDE_DEPTH:
        return
    seen.add(path)
    text = view.try_read_text(path)
    if text is None:
        return
    parsed = parse_requirements(text, path)
    if path not in deps.manifests:
        deps.manifests.append(path)
    if parsed.has_hashes and path not in deps.hashed:
        deps.hashed.append(path)
    deps.constraints += [(path, target, line) for target, line in parsed.constraints]
    for line, reason in parsed.skipped[:3]:
        view.warn(f"{path}:{line}: skipped a line: {reason}", Evidence(path, line))
    for req in parsed.requirements:
        deps.items.append(
            Dependency(req.name, req.specifier, group, Evidence(path, req.line, req.text), req.extras, req.local_path)
        )
    folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    for target, line in parsed.includes:
        include = _normalise(folder + target)
        if view.exists(include):
            _from_requirements(view, include, group, deps, seen, depth + 1)
        else:
            view.warn(f"{path}:{line}: includes {target}, which does not exist", Evidence(path, line))


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _add_pep508(deps: Dependencies, text: str, path: str, value: str, group: str, sources: dict[str, str] | None = None) -> None:
    try:
        req = Requirement(value)
    except InvalidRequirement:
        words = value.split()
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", words[0]) if words else None
        if name:  # keep the name for detection; the specifier could not be read
            deps.items.append(Dependency(canonicalize_name(name.group(0)), "", group, Evidence(path, line_of(text, re.escape(value)), value[:200])))
        return
    line = line_of(text, re.escape(value)) or line_of(text, r"\b" + re.escape(req.name) + r"\b")
    local = (sources or {}).get(canonicalize_name(req.name))
    if req.url and req.url.startswith("file:"):
        local = req.url
    deps.items.append(
        Dependency(canonicalize_name(req.name), str(req.specifier), group, Evidence(path, line, value[:200]), tuple(sorted(req.extras)), local)
    )


# Where PEP 621/735 and the tools expect a given TOML type: a wrong one is ignored, with a warning.
EXPECTED_TYPES = (
    (("project", "dependencies"), list, "a list of requirement strings"),
    (("project", "optional-dependencies"), dict, "a table of lists"),
    (("project", "requires-python"), str, "a version specifier string"),
    (("project", "scripts"), dict, "a table"),
    (("dependency-groups",), dict, "a table of lists"),
    (("tool", "poetry", "dependencies"), dict, "a table"),
)


def _warn_wrong_types(view: ProjectView, path: str, text: str, data: dict) -> None:
    for keys, expected, description in EXPECTED_TYPES:
        value: object = data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None and not isinstance(value, expected):
            line = line_of(text, r"^\s*\"?" + re.escape(keys[-1]) + r"\"?\s*=")
            dotted = ".".join(keys)
            view.warn(f"{path}:{line or '?'}: {dotted} should be {description}, not {type(value).__name__}; ignored", Evidence(path, line))


def _from_pyproject(view: ProjectView, path: str, deps: Dependencies) -> None:
    text = view.read_text(path)
    data = load_toml(text, path)  # a malformed pyproject.toml is fatal: nothing else can be trusted
    deps.manifests.append(path)
    project = table(data, "project")
    _warn_wrong_types(view, path, text, data)
    uv = table(data, "tool", "uv")
    sources: dict[str, str] = {}
    for name, source in table(uv, "sources").items():
        if isinstance(source, dict):
            if isinstance(source.get("path"), str):
                sources[canonicalize_name(name)] = source["path"]
            elif source.get("workspace") is True:
                sources[canonicalize_name(name)] = "workspace"
    members = string_list(table(uv, "workspace").get("members"))
    for member in members:
        deps.workspace.append((member, Evidence(path, line_of(text, r"^\s*members\s*="), member[:80])))
    for value in string_list(project.get("dependencies")):
        _add_pep508(deps, text, path, value, "runtime", sources)
    for extra, values in table(project, "optional-dependencies").items():
        group = "dev" if DEV_WORDS.search(str(extra)) else "optional"
        for value in string_list(values):
            _add_pep508(deps, text, path, value, group, sources)
    for name, values in table(data, "dependency-groups").items():
        for value in string_list(values):
            _add_pep508(deps, text, path, value, "dev")
    for value in string_list(table(data, "tool", "uv").get("dev-dependencies")):
        _add_pep508(deps, text, path, value, "dev")
    for group_values in table(data, "tool", "pdm", "dev-dependencies").values():
        for value in string_list(group_values):
            _add_pep508(deps, text, path, value, "dev")
    poetry = table(data, "tool", "poetry")
    _poetry_table(deps, text, path, table(poetry, "dependencies"), "runtime")
    _poetry_table(deps, text, path, table(poetry, "dev-dependencies"), "dev")
    for name, group in table(poetry, "group").items():
        if isinstance(group, dict):
            _poetry_table(deps, text, path, table(group, "dependencies"), "runtime" if name == "main" else "dev")


def _poetry_table(deps: Dependencies, text: str, path: str, entries: dict, group: str) -> None:
    for name, spec in entries.items():
        if not isinstance(name, str) or name.lower() == "python":
            continue
        local = spec.get("path") if isinstance(spec, dict) and isinstance(spec.get("path"), str) else None
        version = spec if isinstance(spec, str) else (spec.get("version", "") if isinstance(spec, dict) else "")
        extras = tuple(string_list(spec.get("extras"))) if isinstance(spec, dict) else ()
        line = line_of(text, r"^\s*" + re.escape(name) + r"\s*=")
        deps.items.append(
            Dependency(canonicalize_name(name), str(version), group, Evidence(path, line), extras, local)
        )


def _from_pipfile(view: ProjectView, path: str, deps: Dependencies) -> None:
    text = view.read_text(path)
    data = load_toml(text, path)
    deps.manifests.append(path)
    for section, group in (("packages", "runtime"), ("dev-packages", "dev")):
        for name, spec in table(data, section).items():
            line = line_of(text, r"^\s*\"?" + re.escape(name) + r"\"?\s*=")
            version = spec if isinstance(spec, str) else (spec.get("version", "") if isinstance(spec, dict) else "")
            local = spec.get("path") if isinstance(spec, dict) and isinstance(spec.get("path"), str) else None
            extras = tuple(string_list(spec.get("extras"))) if isinstance(spec, dict) else ()
            deps.items.append(Dependency(canonicalize_name(name), "" if version == "*" else str(version), group, Evidence(path, line), extras, local))


def _from_setup_cfg(view: ProjectView, path: str, deps: Dependencies) -> None:
    text = view.try_read_text(path)
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as error:
        view.warn(f"skipped {path}: not a valid INI file ({str(error).splitlines()[0][:100]})", Evidence(path))
        return
    if parser.has_option("options", "install_requires"):
        deps.manifests.append(path)
        for value in parser.get("options", "install_requires").splitlines():
            value = value.split("#")[0].strip()
            if value:
                _add_pep508(deps, text, path, value, "runtime")


def _from_setup_py(view: ProjectView, path: str, deps: Dependencies) -> None:
    from scaffold.pyast import parse  # local import: pyast imports the view module too

    tree = parse(view, path)
    if tree is None:
        return
    text = view.read_text(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "install_requires" and isinstance(node.value, (ast.List, ast.Tuple)):
            if path not in deps.manifests:
                deps.manifests.append(path)
            for element in node.value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    _add_pep508(deps, text, path, element.value, "runtime")


def _from_lock(view: ProjectView, path: str, deps: Dependencies) -> None:
    text = view.try_read_text(path)
    if text is None:
        return
    try:
        if path.endswith("Pipfile.lock"):
            data = json.loads(text)
            names = [n for section in ("default", "develop") for n in (data.get(section) or {}) if isinstance(data, dict)]
        else:
            data = load_toml(text, path)
            packages = data.get("package", [])
            names = [p.get("name") for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)] if isinstance(packages, list) else []
    except (ManifestError, ValueError, AttributeError, TypeError) as error:
        reason = error.message if isinstance(error, ManifestError) else f"{path}: not valid JSON"
        view.warn(f"skipped {reason}", Evidence(path))
        return
    for name in names:
        if isinstance(name, str):
            deps.locked.setdefault(canonicalize_name(name), Evidence(path))
