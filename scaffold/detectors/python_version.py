"""Python version, by documented precedence:

1. .python-version, .tool-versions, mise.toml     (what the developer pinned)
2. runtime.txt                                    (Heroku's pin)
3. Pipfile [requires] python_version, else Pipfile.lock's
4. pyproject requires-python (newest supported minor that satisfies it)
5. Poetry's python constraint
6. uv.lock requires-python
else the default (DEFAULT_VERSION). End-of-life versions get a warning.
"""

from __future__ import annotations

import json
import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from scaffold.errors import ManifestError
from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.layout import layout
from scaffold.parsers.toml import line_of, load_toml, string, table
from scaffold.project import ProjectView

SUPPORTED = ("3.14", "3.13", "3.12", "3.11")  # images the template offers, newest first
DEFAULT_VERSION = "3.12"
END_OF_LIFE = {"2.7", "3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10"}


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    found: list[Finding] = []
    candidates = [prefix + ".python-version", ".python-version"] if prefix else [".python-version"]
    for path in dict.fromkeys(candidates):
        if view.exists(path) and (text := view.try_read_text(path)) is not None:
            for number, line in enumerate(text.splitlines(), 1):
                line = line.split("#")[0].strip()
                if line:
                    found += _pinned(line, path, number, "from .python-version", rank=10)
                    break
    for path in dict.fromkeys([prefix + ".tool-versions", ".tool-versions"]):
        if view.exists(path) and (text := view.try_read_text(path)) is not None:
            for number, line in enumerate(text.splitlines(), 1):
                words = line.split("#")[0].split()
                if len(words) >= 2 and words[0] == "python":
                    found += _pinned(words[1], path, number, "from .tool-versions", rank=11)
    for path in dict.fromkeys([prefix + "mise.toml", "mise.toml", prefix + ".mise.toml"]):
        if view.exists(path) and (text := view.try_read_text(path)) is not None:
            try:
                value = table(load_toml(text, path), "tools").get("python")
            except ManifestError as error:
                view.warn(f"skipped {error.message}", Evidence(path))
                continue
            value = value[0] if isinstance(value, list) and value else value
            if isinstance(value, str):
                found += _pinned(value, path, line_of(text, r"^\s*python\s*="), "from mise.toml", rank=12)
    if view.exists(prefix + "runtime.txt") and (text := view.try_read_text(prefix + "runtime.txt")) is not None:
        match = re.search(r"python-(\d+\.\d+)", text)
        if match:
            found += _pinned(match.group(1), prefix + "runtime.txt", line_of(text, "python-"), "from runtime.txt", rank=20)
    if view.exists(prefix + "Pipfile") and (text := view.try_read_text(prefix + "Pipfile")) is not None:
        try:
            value = string(load_toml(text, prefix + "Pipfile"), "requires", "python_version")
        except ManifestError:
            value = None  # reported by the dependency reader
        if value:
            found += _pinned(value, prefix + "Pipfile", line_of(text, r"python_version"), "from Pipfile [requires]", rank=30)
    if view.exists(prefix + "Pipfile.lock") and (text := view.try_read_text(prefix + "Pipfile.lock")) is not None:
        value = _pipfile_lock_python(text)
        if value:
            found += _pinned(value, prefix + "Pipfile.lock", line_of(text, r"\"python_version\""), "from Pipfile.lock _meta.requires", rank=31)
    if view.exists(prefix + "pyproject.toml") and (text := view.try_read_text(prefix + "pyproject.toml")) is not None:
        try:
            data = load_toml(text, prefix + "pyproject.toml")
        except ManifestError:
            data = {}
        if spec := string(data, "project", "requires-python"):
            found += _range(spec, prefix + "pyproject.toml", line_of(text, r"requires-python"), "requires-python", rank=40, view=view)
        poetry_python = table(data, "tool", "poetry", "dependencies").get("python")
        if isinstance(poetry_python, str):
            found += _range(_poetry_spec(poetry_python), prefix + "pyproject.toml", line_of(text, r"^\s*python\s*="), "Poetry's python constraint", rank=45, view=view)
    if view.exists(prefix + "uv.lock") and (text := view.try_read_text(prefix + "uv.lock")) is not None:
        match = re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.MULTILINE)
        if match:
            found += _range(match.group(1), prefix + "uv.lock", line_of(text, "^requires-python"), "uv.lock requires-python", rank=50, view=view)
    if not any(f.kind == "python_version" for f in found):
        found.append(finding("python_version", DEFAULT_VERSION, reason="no version pinned or required: scaffold's default", rank=99, confidence="low"))
    return found


def _pipfile_lock_python(text: str) -> str | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None  # reported by the dependency reader
    meta = data.get("_meta") if isinstance(data, dict) else None
    requires = meta.get("requires") if isinstance(meta, dict) else None
    value = requires.get("python_version") if isinstance(requires, dict) else None
    return value if isinstance(value, str) else None


def allows(spec: str, version: str) -> bool:
    """Whether a requires-python style range admits any patch release of the minor version."""
    try:
        specifier = SpecifierSet(spec)
        return any(specifier.contains(Version(f"{version}.{patch}"), prereleases=True) for patch in (0, 99))
    except (InvalidSpecifier, ValueError):
        return True


def _pinned(value: str, path: str, line: int | None, reason: str, rank: int) -> list[Finding]:
    match = re.match(r"^(?:python-|cpython-|python)?(\d+)\.(\d+)", value.strip())
    evidence = Evidence(path, line, value.strip()[:60])
    if not match:
        return [warning(f"{path}: '{value.strip()[:40]}' is not a Python version; ignored", evidence)]
    version = f"{match.group(1)}.{match.group(2)}"
    return _checked(version, evidence, reason, rank)


def _checked(version: str, evidence: Evidence, reason: str, rank: int) -> list[Finding]:
    results = []
    image_version = version
    if version in END_OF_LIFE:
        results.append(warning(f"Python {version} is end-of-life (no security fixes); upgrade", evidence))
    if version not in SUPPORTED:
        image_version = SUPPORTED[-1] if Version(version) < Version(SUPPORTED[-1]) else SUPPORTED[0]
        results.append(warning(f"Python {version} has no supported image here; using {image_version}", evidence))
    results.append(finding("python_version", image_version, evidence, reason=reason, rank=rank, extra={"declared": version}))
    return results


def _range(spec: str, path: str, line: int | None, reason: str, rank: int, view: ProjectView) -> list[Finding]:
    evidence = Evidence(path, line, spec[:80])
    try:
        specifier = SpecifierSet(spec)
    except InvalidSpecifier:
        return [warning(f"{path}: '{spec[:40]}' is not a valid version specifier; ignored", evidence)]
    for candidate in SUPPORTED:
        if specifier.contains(Version(candidate + ".0"), prereleases=True) or specifier.contains(Version(candidate + ".99"), prereleases=True):
            return [
                finding("python_version", candidate, evidence, reason=f"newest supported version allowed by {reason} {spec}",
                        rank=rank, confidence="medium", extra={"spec": spec})
            ]
    return [warning(f"{path}: {reason} {spec} allows none of the supported versions ({', '.join(SUPPORTED)})", evidence)]


def _poetry_spec(value: str) -> str:
    """Poetry's ^3.11 / ~3.11 / 3.11.* into PEP 440."""
    parts = []
    for part in value.split(","):
        part = part.strip()
        if part.startswith("^"):
            base = Version(part[1:]) if re.match(r"^\^\d+(\.\d+)*$", part) else None
            parts.append(f">={part[1:]},<{base.major + 1}" if base else part)
        elif part.startswith("~") and not part.startswith("~="):
            parts.append(f"~={part[1:]}.0" if part[1:].count(".") == 1 else f"~={part[1:]}")
        else:
            parts.append(part)
    return ",".join(parts)
