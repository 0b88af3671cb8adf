"""Shared test helpers: copying fixture projects, running the CLI, reading rendered files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from dockerfile_parse import DockerfileParser

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
GENERATED = ("Dockerfile", "compose.yaml", ".env.example", ".dockerignore", ".copier-answers.yml")


def copy_fixture(name: str, destination: Path) -> Path:
    source = FIXTURES / name if (FIXTURES / name).is_dir() else REPO / name
    target = destination / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("expected.json", "__pycache__", "*.pyc"))
    return target


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real `scaffold` command, in a subprocess (stdin is not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "scaffold.cli", *args], cwd=cwd, env={**os.environ, **(env or {})},
        input=input if input is not None else "", capture_output=True, text=True, timeout=timeout,
    )


def load_compose(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / "compose.yaml").read_text())


def dockerfile(project: Path) -> DockerfileParser:
    parser = DockerfileParser(fileobj=open(project / "Dockerfile", "rb"))
    return parser


def instructions(project: Path) -> list[tuple[str, str]]:
    return [(i["instruction"], i["value"]) for i in dockerfile(project).structure]


def env_example(project: Path) -> dict[str, str]:
    values = {}
    for line in (project / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


def answers_file(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def as_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True)
