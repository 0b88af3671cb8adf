"""Test configuration: the Docker engine requirement, and a count of the Docker tests that really ran."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests replay a fixed sequence of examples: a landing is not decided by luck.
# Locally they explore new examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Debian's client has buildx/BuildKit; another `docker` earlier on PATH may not.
if "SCAFFOLD_DOCKER" not in os.environ and os.path.exists("/usr/bin/docker"):
    os.environ["SCAFFOLD_DOCKER"] = "/usr/bin/docker"
os.environ.setdefault("DOCKER_BUILDKIT", "1")

REPO = Path(__file__).resolve().parent.parent
DOCKER = os.environ.get("SCAFFOLD_DOCKER") or shutil.which("docker") or "docker"
_docker_outcomes: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0}


def docker_engine_problem() -> str | None:
    """None when an engine with Compose v2 answers, else why not."""
    try:
        info = subprocess.run([DOCKER, "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True, timeout=30)
        if info.returncode != 0:
            return f"no Docker engine answers ({info.stderr.strip().splitlines()[-1] if info.stderr.strip() else 'docker info failed'})"
        compose = subprocess.run([DOCKER, "compose", "version"], capture_output=True, text=True, timeout=30)
        if compose.returncode != 0 or " v2." not in compose.stdout:
            return "the Docker Compose v2 plugin is missing (`docker compose version`)"
    except (OSError, subprocess.SubprocessError) as error:
        return f"docker cannot be run ({error})"
    return None


@pytest.fixture(scope="session")
def docker_engine() -> str:
    problem = docker_engine_problem()
    if problem:
        if os.environ.get("SCAFFOLD_REQUIRE_DOCKER") == "1":
            pytest.fail(f"SCAFFOLD_REQUIRE_DOCKER=1 but {problem}", pytrace=False)
        pytest.skip(f"Docker tests skipped: {problem} (set SCAFFOLD_REQUIRE_DOCKER=1 to fail instead)")
    return DOCKER


@pytest.fixture(scope="session")
def template_copy(tmp_path_factory) -> Path:
    """The template without its git checkout: copier copies it directly instead of cloning it (0.3s a render, not 1.5s)."""
    copy = tmp_path_factory.mktemp("template")
    shutil.copy(REPO / "copier.yml", copy)
    shutil.copytree(REPO / "templates", copy / "templates")
    return copy


@pytest.fixture
def fast_template(template_copy, monkeypatch):
    """Renders of this test come from template_copy (modules opt in with pytest.mark.usefixtures)."""
    monkeypatch.setenv("SCAFFOLD_TEMPLATE", str(template_copy))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "docker" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _docker_outcomes[report.outcome] = _docker_outcomes.get(report.outcome, 0) + 1
    elif report.when == "teardown" and report.outcome == "failed":
        _docker_outcomes["failed"] += 1


def pytest_terminal_summary(terminalreporter) -> None:
    ran = _docker_outcomes["passed"] + _docker_outcomes["failed"]
    terminalreporter.write_line(
        f"Docker tests run against a real engine: {ran} "
        f"(passed {_docker_outcomes['passed']}, failed {_docker_outcomes['failed']}, skipped {_docker_outcomes['skipped']})"
    )
