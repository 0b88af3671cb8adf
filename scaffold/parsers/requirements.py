"""pip requirements files: requirements, ``-r`` includes, ``-c`` constraints, options, hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from scaffold.errors import ManifestError

_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_OPTION_WITH_VALUE = re.compile(r"^(-r|--requirement|-c|--constraint|-e|--editable)(?:\s+|=)(\S+)")


@dataclass(frozen=True)
class RequirementLine:
    name: str  # PEP 503 normalised
    specifier: str
    line: int
    text: str
    extras: tuple[str, ...] = ()
    marker: str = ""
    local_path: str | None = None  # a path dependency ('.', './libs/x'): needs the source before install
    url: str | None = None


@dataclass
class RequirementsFile:
    requirements: list[RequirementLine] = field(default_factory=list)
    includes: list[tuple[str, int]] = field(default_factory=list)  # (-r target, line)
    constraints: list[tuple[str, int]] = field(default_factory=list)  # (-c target, line)
    has_hashes: bool = False
    skipped: list[tuple[int, str]] = field(default_factory=list)  # lines not understood (line, reason)


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Join backslash continuations and strip comments; keep the first line number."""
    result: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if not buffer:
            start = number
        # A comment starts at '#' preceded by whitespace or at the start of the line.
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0] if not line.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            result.append((start, buffer.strip()))
        buffer = ""
    if buffer.strip():
        result.append((start, buffer.strip()))
    return result


def parse_requirements(text: str, file: str) -> RequirementsFile:
    parsed = RequirementsFile()
    for number, line in logical_lines(text):
        if len(line) > 10_000:
            parsed.skipped.append((number, "line too long"))
            continue
        if "--hash" in line:
            parsed.has_hashes = True
            line = re.sub(r"\s--hash[=\s]\S+", "", line).strip()
        option = _OPTION_WITH_VALUE.match(line)
        if option:
            flag, value = option.groups()
            if flag in ("-r", "--requirement"):
                parsed.includes.append((value, number))
                continue
            if flag in ("-c", "--constraint"):
                parsed.constraints.append((value, number))
                continue
            line = value  # -e: the editable target itself
            if _is_local_path(value):
                parsed.requirements.append(_local(value, number, line))
                continue
        elif line.startswith("-"):
            continue  # --index-url, --extra-index-url, --find-links, --pre ...: install options
        if _is_local_path(line.split(";")[0].strip()):
            parsed.requirements.append(_local(line.split(";")[0].strip(), number, line))
            continue
        if re.match(r"^(git\+|hg\+|svn\+|bzr\+|https?://|file:)", line):
            egg = _EGG.search(line)
            if egg:
                parsed.requirements.append(
                    RequirementLine(name=canonicalize_name(egg.group(1)), specifier="", line=number, text=line, url=line)
                )
            else:
                parsed.skipped.append((number, "URL requirement without #egg=name"))
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            parsed.skipped.append((number, f"not a requirement ({str(error).splitlines()[0][:120]})"))
            continue
        parsed.requirements.append(
            RequirementLine(
                name=canonicalize_name(requirement.name),
                specifier=str(requirement.specifier),
                line=number,
                text=line[:200],
                extras=tuple(sorted(requirement.extras)),
                marker=str(requirement.marker or ""),
                url=requirement.url,
            )
        )
    return parsed


def _is_local_path(value: str) -> bool:
    return value in (".", "..") or value.startswith(("./", "../", "/", "file:")) or value.endswith((".whl", ".tar.gz", ".zip"))


def _local(value: str, number: int, text: str) -> RequirementLine:
    egg = _EGG.search(text)
    name = canonicalize_name(egg.group(1)) if egg else value
    return RequirementLine(name=name, specifier="", line=number, text=text[:200], local_path=value)


def require_text_file(text: str, file: str) -> None:
    """Reject content that is clearly not a requirements file."""
    if "\x00" in text:
        raise ManifestError(file, "binary content, not a requirements file")
