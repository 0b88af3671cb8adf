"""Debian packages for native dependencies, from the data table scaffold/data/system_packages.toml.

Build packages (compilers, -dev headers) stay in the build stage; runtime
packages (shared libraries, tools such as ffmpeg) go into the final image.
The table is data, not code: adding a dependency is a [[rule]] there.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from importlib import resources
from typing import Any

from packaging.utils import canonicalize_name

from scaffold import pyast
from scaffold.dependencies import dependencies
from scaffold.findings import Evidence, Finding, finding
from scaffold.parsers.toml import load_toml
from scaffold.project import ProjectView

STAGES = ("build", "runtime")


@lru_cache(maxsize=1)
def rules() -> tuple[dict[str, Any], ...]:
    """The [[rule]] entries of the data table (validated once: a broken table is a bug, not user input)."""
    text = resources.files("scaffold.data").joinpath("system_packages.toml").read_text(encoding="utf-8")
    table = load_toml(text, "scaffold/data/system_packages.toml")
    result = []
    for rule in table.get("rule", []):
        if not (("package" in rule) ^ ("signal" in rule)) or not isinstance(rule.get("why"), str):
            raise ValueError(f"system_packages.toml: bad rule {rule!r}")
        if "package" in rule:
            rule = {**rule, "package": canonicalize_name(rule["package"])}
        result.append(rule)
    return tuple(result)


def detect(view: ProjectView) -> list[Finding]:
    deps = dependencies(view)
    runtime = {d.name: d for d in deps.runtime()}
    signals = _signals(view)
    found: list[Finding] = []
    for rule in rules():
        evidence: Evidence | None = None
        if "package" in rule:
            dependency = runtime.get(rule["package"])
            if dependency is None:
                continue
            extras = {canonicalize_name(e) for e in dependency.extras}
            if "extras" in rule and not extras & {canonicalize_name(e) for e in rule["extras"]}:
                continue
            if extras & {canonicalize_name(e) for e in rule.get("unless_extras", ())}:
                continue
            if any(canonicalize_name(p) in runtime for p in rule.get("unless_packages", ())):
                continue
            evidence = dependency.evidence
        else:
            evidence = signals.get(rule["signal"])
            if evidence is None:
                continue
        for stage in STAGES:
            for name in rule.get(stage, ()):
                found.append(finding("system_package", name, evidence, reason=rule["why"], extra={"stage": stage}))
    return found


def _signals(view: ProjectView) -> dict[str, Evidence]:
    """Facts in the code that need system packages without a dependency saying so (GeoDjango)."""
    signals: dict[str, Evidence] = {}
    for rel, tree in pyast.app_sources(view, skip=("migrations/",)):
        for node in ast.walk(tree):
            value = pyast.constant(node)
            if isinstance(value, str) and (value == "django.contrib.gis" or value.startswith("django.contrib.gis.db.backends.")):
                signals.setdefault("geodjango", pyast.evidence(view, rel, node))
        if "geodjango" in signals:
            break
    return signals
