"""`scaffold verify` on the sample apps (real builds, real stacks) and on a deliberately broken app."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import DOCKER
from tests.helpers import copy_fixture, run_cli

pytestmark = pytest.mark.docker

SAMPLE_APPS = ("fastapi-postgres-redis", "django-postgres", "flask-redis", "worker-cli")


def prepared(name: str, tmp_path):
    from tests.images.standins import ensure_images_for

    project = copy_fixture(name, tmp_path)
    result = run_cli("init", "--defaults", cwd=project)
    assert result.returncode == 0, result.stderr
    ensure_images_for([project / "Dockerfile", project / "compose.yaml"])
    return project


def no_leftovers(project_prefix: str) -> None:
    names = subprocess.run([DOCKER, "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True, check=True).stdout
    volumes = subprocess.run([DOCKER, "volume", "ls", "--format", "{{.Name}}"], capture_output=True, text=True, check=True).stdout
    assert project_prefix not in names and project_prefix not in volumes


@pytest.mark.parametrize("name", SAMPLE_APPS)
def test_verify_reports_the_figures(name, tmp_path, docker_engine):
    project = prepared(name, tmp_path)
    result = run_cli("verify", str(project), timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"build\s+\d+\.\d s", out)
    assert re.search(r"image\s+\d+ MB, \d+ layers", out)
    assert re.search(r"image user\s+10001:10001", out)
    assert re.search(r"healthy after\s+\d+\.\d s", out)
    assert re.search(r"runs as\s+app", out)
    if name != "worker-cli":
        assert re.search(r"http\s+200 from GET /health", out)
    assert "verify: ok" in out
    no_leftovers(f"scaffold-verify-{project.name}")


def test_verify_fails_on_an_import_error_with_the_log_tail(tmp_path, docker_engine):
    project = prepared("fastapi-postgres-redis", tmp_path)
    main = project / "app" / "main.py"
    main.write_text("import no_such_module_anywhere  # deliberately broken\n" + main.read_text())
    result = run_cli("verify", str(project), "--timeout", "60", timeout=600)
    assert result.returncode == 1
    assert "verify: FAILED at start (app)" in result.stderr
    assert "ModuleNotFoundError: No module named 'no_such_module_anywhere'" in result.stderr
    no_leftovers(f"scaffold-verify-{project.name}")


def test_a_missing_production_server_is_added_to_the_image(tmp_path, docker_engine):
    from tests.images.standins import ensure_images_for

    project = copy_fixture("fastapi-postgres-redis", tmp_path)
    requirements = project / "requirements.txt"
    requirements.write_text("".join(line for line in requirements.read_text().splitlines(keepends=True) if not line.startswith("uvicorn")))
    result = run_cli("init", "--defaults", cwd=project)
    assert result.returncode == 0, result.stderr
    assert 'pip install "uvicorn==' in (project / "Dockerfile").read_text()
    ensure_images_for([project / "Dockerfile", project / "compose.yaml"])
    result = run_cli("verify", str(project), timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"http\s+200 from GET /health", result.stdout)
