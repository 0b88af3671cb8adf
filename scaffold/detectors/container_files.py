"""Existing container files (Dockerfile, compose files, .dockerignore, fly.toml) and their notable choices."""

from __future__ import annotations

import re

from scaffold.findings import Evidence, Finding, finding
from scaffold.project import ProjectView

CONTAINER_FILES = (
    "Dockerfile", "Containerfile", "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
    ".dockerignore", "fly.toml", "Procfile", "app.json", "railway.json", "nixpacks.toml", "render.yaml",
)


def detect(view: ProjectView) -> list[Finding]:
    found: list[Finding] = []
    for name in CONTAINER_FILES:
        for rel in view.find_name(name, max_depth=1):
            details: dict[str, object] = {"file": rel}
            if name in ("Dockerfile", "Containerfile") and (text := view.try_read_text(rel)) is not None:
                details.update(_dockerfile_choices(text))
            found.append(finding("container_file", details, Evidence(rel), reason="existing container setup", rank=10))
    return found


def _dockerfile_choices(text: str) -> dict[str, object]:
    """Base image, exposed ports and apt packages a hand-written Dockerfile chose."""
    joined = re.sub(r"\\\r?\n", " ", text)
    choices: dict[str, object] = {}
    bases = re.findall(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", joined, re.MULTILINE | re.IGNORECASE)
    if bases:
        choices["base_images"] = bases
    ports = [int(p) for p in re.findall(r"^\s*EXPOSE\s+(\d+)", joined, re.MULTILINE | re.IGNORECASE) if 0 < int(p) < 65536]
    if ports:
        choices["ports"] = ports
    packages: list[str] = []
    for match in re.finditer(r"apt-get\s+install\s+([^&;|\n]+)", joined):
        packages += [w for w in match.group(1).split() if not w.startswith("-") and re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", w)]
    if packages:
        choices["apt_packages"] = sorted(set(packages))
    version = next((m.group(1) for b in bases if (m := re.match(r"python:(\d+\.\d+)", b))), None)
    if version:
        choices["python_version"] = version
    return choices
