"""Detectors: small, pure functions of a read-only ProjectView, each returning findings with evidence.

Each module exposes ``detect(view) -> list[Finding]``. Adding a framework or a
service is one new module here (listed in DETECTORS) plus a fixture project in
tests/fixtures/. ``scaffold.profile`` merges all findings into the profile.
"""

from __future__ import annotations

from scaffold.detectors import (
    container_files,
    django,
    entrypoints,
    env_vars,
    frontend,
    health,
    manifests,
    migrations,
    package_manager,
    procfile,
    project_name,
    python_version,
    services,
    system_packages,
    web_apps,
)
from scaffold.findings import Finding
from scaffold.project import ProjectView

DETECTORS = (
    project_name,
    manifests,
    python_version,
    package_manager,
    procfile,
    web_apps,
    django,
    entrypoints,
    health,
    migrations,
    services,
    env_vars,
    system_packages,
    frontend,
    container_files,
)


def run_detectors(view: ProjectView) -> list[Finding]:
    findings: list[Finding] = []
    for module in DETECTORS:
        name = module.__name__.rsplit(".", 1)[-1]
        for found in module.detect(view):
            findings.append(found if found.detector else _with_detector(found, name))
    return findings


def _with_detector(found: Finding, name: str) -> Finding:
    from dataclasses import replace

    return replace(found, detector=name)
