"""The copier template stays plain copier: `copier copy`/`copier update` work without scaffold,
render the same files as `scaffold init`, and `scaffold update`/`check` keep projects current."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import GENERATED, REPO, copy_fixture, run_cli


def git(cwd: Path, *args: str) -> str:
    env_args = ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main"]
    return subprocess.run(["git", *env_args, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def copier(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "copier", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def template_repo(tmp_path) -> Path:
    """The template alone (copier.yml + templates/) in a git repo tagged v1: what a platform team forks."""
    repo = tmp_path / "template"
    repo.mkdir()
    shutil.copy(REPO / "copier.yml", repo / "copier.yml")
    shutil.copytree(REPO / "templates", repo / "templates")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "template v1")
    git(repo, "tag", "v1")
    return repo


def test_copier_copy_without_scaffold_renders_the_same_files(tmp_path, template_repo):
    with_scaffold = copy_fixture("fastapi-postgres-redis", tmp_path / "a")
    with_copier = copy_fixture("fastapi-postgres-redis", tmp_path / "b")
    result = run_cli("init", "--defaults", "--template", str(template_repo), cwd=with_scaffold)
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((with_scaffold / ".copier-answers.yml").read_text())
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump({k: v for k, v in answers.items() if not k.startswith("_")}))
    result = copier("copy", "--defaults", "--data-file", str(data_file), str(template_repo), str(with_copier))
    assert result.returncode == 0, result.stderr
    for name in GENERATED:
        assert (with_copier / name).read_text() == (with_scaffold / name).read_text(), name


def test_update_brings_template_changes_and_keeps_local_edits(tmp_path, template_repo):
    project = copy_fixture("fastapi-postgres-redis", tmp_path)
    assert run_cli("init", "--defaults", "--template", str(template_repo), cwd=project).returncode == 0
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "containerize")
    assert run_cli("check", cwd=project).returncode == 0
    # The user edits a generated file...
    compose = project / "compose.yaml"
    compose.write_text(compose.read_text().replace("    restart: unless-stopped\n", "    restart: always  # ours\n", 1))
    git(project, "commit", "-qam", "local tweak")
    # ... and the platform team improves the template.
    dockerfile = template_repo / "templates" / "Dockerfile.jinja"
    dockerfile.write_text(dockerfile.read_text().replace("WORKDIR /app\nCOPY --from=build", "WORKDIR /app\nLABEL org.opencontainers.image.title=\"{{ project_name }}\"\nCOPY --from=build", 1))
    git(template_repo, "commit", "-qam", "label the image")
    git(template_repo, "tag", "v2")

    check = run_cli("check", cwd=project)
    assert check.returncode == 1
    assert "behind    Dockerfile" in check.stdout

    update = run_cli("update", cwd=project)
    assert update.returncode == 0, update.stderr
    assert 'LABEL org.opencontainers.image.title="fastapi-postgres-redis"' in (project / "Dockerfile").read_text()
    assert "restart: always  # ours" in compose.read_text(), "the local edit must survive the update"
    assert yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2"
    git(project, "commit", "-qam", "update")
    assert run_cli("check", cwd=project).returncode == 0


def test_plain_copier_update_works_on_a_scaffold_project(tmp_path, template_repo):
    project = copy_fixture("flask-redis", tmp_path)
    assert run_cli("init", "--defaults", "--template", str(template_repo), cwd=project).returncode == 0
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "containerize")
    ignore = template_repo / "templates" / ".dockerignore.jinja"
    ignore.write_text(ignore.read_text() + "\n# Local notes.\nNOTES.md\n")
    git(template_repo, "commit", "-qam", "ignore notes")
    git(template_repo, "tag", "v2")
    result = copier("update", "--defaults", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "NOTES.md" in (project / ".dockerignore").read_text()


def test_update_refuses_a_dirty_repo(tmp_path, template_repo):
    project = copy_fixture("worker-cli", tmp_path)
    assert run_cli("init", "--defaults", "--template", str(template_repo), cwd=project).returncode == 0
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "containerize")
    (project / "Dockerfile").write_text("# edited, not committed\n")
    result = run_cli("update", cwd=project)
    assert result.returncode == 2
    assert "uncommitted changes; commit or stash them before updating" in result.stderr


def test_check_without_answers_file_says_what_to_do(tmp_path):
    project = copy_fixture("worker-cli", tmp_path)
    result = run_cli("check", cwd=project)
    assert result.returncode == 2
    assert ".copier-answers.yml not found: run `scaffold init` first" in result.stderr


def test_check_with_a_template_folder_without_git_compares_the_files(tmp_path):
    template = tmp_path / "plain-template"
    template.mkdir()
    shutil.copy(REPO / "copier.yml", template / "copier.yml")
    shutil.copytree(REPO / "templates", template / "templates")
    project = copy_fixture("worker-cli", tmp_path)
    assert run_cli("init", "--defaults", "--template", str(template), cwd=project).returncode == 0
    assert run_cli("check", cwd=project).returncode == 0
    dockerignore = template / "templates" / ".dockerignore.jinja"
    dockerignore.write_text(dockerignore.read_text() + "\nNOTES.md\n")
    check = run_cli("check", cwd=project)
    assert check.returncode == 1
    assert "behind    .dockerignore (differs from what the template renders now)" in check.stdout
