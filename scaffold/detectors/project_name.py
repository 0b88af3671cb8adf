"""Project name: [project].name, Poetry's name, setup.cfg metadata, else the folder name."""

from __future__ import annotations

import re

from scaffold.errors import ManifestError
from scaffold.findings import Evidence, Finding, finding
from scaffold.layout import layout
from scaffold.parsers.toml import line_of, load_toml, string
from scaffold.project import ProjectView


def slug(name: str) -> str:
    """A Compose-safe project name: lowercase letters, digits, '-' and '_'."""
    value = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return value[:63] or "app"


def detect(view: ProjectView) -> list[Finding]:
    path = layout(view).prefix + "pyproject.toml"
    if view.exists(path) and (text := view.try_read_text(path)) is not None:
        try:
            data = load_toml(text, path)
        except ManifestError:
            data = {}
        for keys in (("project", "name"), ("tool", "poetry", "name")):
            if name := string(data, *keys):
                return [finding("project_name", slug(name), Evidence(path, line_of(text, r"^\s*name\s*="), name[:80]), reason=f"from {path}", rank=10)]
    return [finding("project_name", slug(view.root.name), Evidence("."), reason="from the folder name", rank=90, confidence="medium")]
