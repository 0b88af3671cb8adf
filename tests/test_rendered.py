"""Every fixture project rendered with `--defaults`: a snapshot of each generated file, and every
Dockerfile through hadolint and every compose file through the Compose Specification schema."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scaffold.errors import ScaffoldError
from scaffold.init import run_init
from tests.helpers import FIXTURES, REPO
from tests.snapshot_util import assert_snapshot

RENDERED = ("Dockerfile", "compose.yaml", ".env.example", ".dockerignore")
PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path | str]:
    """fixture name -> the rendered project folder, or the error message init gave."""
    root = tmp_path_factory.mktemp("rendered")
    # The template as a plain folder: copier copies it instead of cloning a git repo (10x faster).
    template = root / "_template"
    template.mkdir()
    shutil.copy(REPO / "copier.yml", template)
    shutil.copytree(REPO / "templates", template / "templates")
    results: dict[str, Path | str] = {}
    for name in PROJECTS:
        project = root / name
        shutil.copytree(FIXTURES / name, project, ignore=shutil.ignore_patterns("expected.json"))
        try:
            run_init(project, interactive=False, force=True, write_env=False, template=str(template))
            results[name] = project
        except ScaffoldError as error:
            results[name] = error.message
    return results


@pytest.mark.parametrize("name", PROJECTS)
def test_rendered_files_match_snapshots(rendered, name):
    result = rendered[name]
    if isinstance(result, str):
        assert_snapshot(Path(name) / "rendered" / "error.txt", result + "\n")
        return
    for file in RENDERED:
        assert_snapshot(Path(name) / "rendered" / file, (result / file).read_text())


def test_every_dockerfile_passes_hadolint(rendered):
    dockerfiles = [str(p / "Dockerfile") for p in rendered.values() if isinstance(p, Path)]
    assert len(dockerfiles) > 30
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, *dockerfiles], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_compose_file_matches_the_compose_specification(rendered):
    compose_files = [str(p / "compose.yaml") for p in rendered.values() if isinstance(p, Path)]
    checker = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    result = subprocess.run([checker, "--builtin-schema", "vendor.compose-spec", *compose_files], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in compose_files:  # and they load as plain YAML, anchors resolved
        assert "app" in yaml.safe_load(Path(path).read_text())["services"]
