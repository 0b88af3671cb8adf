"""Existing files: never overwritten silently. The per-file prompt (overwrite / keep / beside as .scaffold / all),
--defaults keeping what differs, --force, identical files left alone, and adopting an existing Dockerfile's choices.

The conflict prompt is questionary on prompt_toolkit's pipe input; the
template's questions are answered with their defaults by a stub, so the keys
sent drive only the conflict prompts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

import scaffold.prompts
from scaffold.cli import main
from scaffold.findings import Evidence
from scaffold.init import adopt_container_choices, run_init
from scaffold.profile import Fact, Profile

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ENTER, UP, DOWN = "\r", "\x1b[A", "\x1b[B"
# The conflict prompt's cursor starts on "keep mine"; overwrite is above it, beside and all below.
KEEP, OVERWRITE, SIDE, ALL = ENTER, UP + ENTER, DOWN + ENTER, DOWN + DOWN + ENTER
MY_DOCKERFILE = "FROM python:3.12\n# hand-written\n"
MY_COMPOSE = "services:\n  web:\n    build: .\n"


# Every test renders the template from a plain folder (see conftest.template_copy).
pytestmark = pytest.mark.usefixtures("fast_template")


@pytest.fixture
def repo(tmp_path) -> Path:
    """The FastAPI fixture after a first `scaffold init`, with Dockerfile and compose.yaml then edited by hand."""
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "fastapi-postgres-redis", project)
    assert CliRunner().invoke(main, ["init", str(project), "--defaults"]).exit_code == 0
    rendered = {name: (project / name).read_bytes() for name in ("Dockerfile", "compose.yaml")}
    (project / "Dockerfile").write_text(MY_DOCKERFILE)
    (project / "compose.yaml").write_text(MY_COMPOSE)
    project = RepoPath(project)
    project.rendered = rendered
    return project


class RepoPath(type(Path())):
    """A Path that also carries what the first run rendered (``rendered[name]``)."""

    rendered: dict[str, bytes]


@pytest.fixture
def defaults_for_questions(monkeypatch):
    """Answer every template question with its (detected) default, so the pipe drives only the conflict prompts."""

    class Defaults:
        def __init__(self, questionnaire, **io):
            pass

        def __call__(self, question, default, why, answers):
            return default

    monkeypatch.setattr(scaffold.prompts, "Prompter", Defaults)


def resolve(repo: Path, keys: str, capsys) -> tuple[list[str], str]:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        written = run_init(repo, interactive=True, prompt_io={"input": pipe, "output": DummyOutput()})
    return written, capsys.readouterr().out


def test_keep_leaves_my_file(repo, defaults_for_questions, capsys):
    written, out = resolve(repo, KEEP + KEEP, capsys)
    assert (repo / "Dockerfile").read_text() == MY_DOCKERFILE
    assert (repo / "compose.yaml").read_text() == MY_COMPOSE
    assert "Dockerfile" not in written and "compose.yaml" not in written
    assert "kept       Dockerfile (yours differs" in out and "kept       compose.yaml (yours differs" in out
    assert "--- a/Dockerfile\n+++ b/Dockerfile\n" in out, "the diff is shown before asking"
    assert "-# hand-written" in out


def test_overwrite_replaces_only_that_file(repo, defaults_for_questions, capsys):
    written, out = resolve(repo, OVERWRITE + KEEP, capsys)
    assert (repo / "Dockerfile").read_bytes() == repo.rendered["Dockerfile"]
    assert (repo / "compose.yaml").read_text() == MY_COMPOSE
    assert "Dockerfile" in written and "compose.yaml" not in written
    assert "updated    Dockerfile" in out and "kept       compose.yaml" in out


def test_side_writes_the_new_file_beside_mine(repo, defaults_for_questions, capsys):
    written, out = resolve(repo, SIDE + KEEP, capsys)
    assert (repo / "Dockerfile").read_text() == MY_DOCKERFILE
    assert (repo / "Dockerfile.scaffold").read_bytes() == repo.rendered["Dockerfile"]
    assert "Dockerfile.scaffold" in written
    assert "beside     Dockerfile.scaffold (compare with Dockerfile and merge by hand)" in out


def test_side_again_updates_the_earlier_side_file(repo, defaults_for_questions, capsys):
    (repo / "Dockerfile.scaffold").write_text("an older suggestion\n")
    written, out = resolve(repo, SIDE + KEEP, capsys)
    assert (repo / "Dockerfile.scaffold").read_bytes() == repo.rendered["Dockerfile"]
    assert "updated    Dockerfile.scaffold" in out
    assert (repo / "Dockerfile").read_text() == MY_DOCKERFILE


def test_all_overwrites_this_and_every_later_file_without_asking_again(repo, defaults_for_questions, capsys):
    # One keypress sequence only: a second prompt would read past the end of the pipe and fail.
    written, out = resolve(repo, ALL, capsys)
    assert (repo / "Dockerfile").read_bytes() == repo.rendered["Dockerfile"]
    assert (repo / "compose.yaml").read_bytes() == repo.rendered["compose.yaml"]
    assert out.count("exists and differs") <= 1
    assert {"Dockerfile", "compose.yaml"} <= set(written)


def test_identical_files_are_not_asked_about(repo, defaults_for_questions, capsys):
    (repo / "compose.yaml").write_bytes(repo.rendered["compose.yaml"])
    written, out = resolve(repo, KEEP, capsys)  # one prompt: Dockerfile only
    assert "unchanged  compose.yaml" in out
    assert "--- a/compose.yaml" not in out
    assert written == []


def test_defaults_keeps_what_differs_and_says_so(repo):
    result = CliRunner().invoke(main, ["init", str(repo), "--defaults"])
    assert result.exit_code == 0
    assert (repo / "Dockerfile").read_text() == MY_DOCKERFILE
    assert (repo / "compose.yaml").read_text() == MY_COMPOSE
    assert "kept       Dockerfile (yours differs; see `scaffold init --dry-run`, or --force to overwrite)" in result.stdout
    assert "kept       compose.yaml (yours differs" in result.stdout
    assert "unchanged  .dockerignore" in result.stdout


def test_force_overwrites_what_differs(repo):
    result = CliRunner().invoke(main, ["init", str(repo), "--defaults", "--force"])
    assert result.exit_code == 0
    assert (repo / "Dockerfile").read_bytes() == repo.rendered["Dockerfile"]
    assert "updated    Dockerfile" in result.stdout and "updated    compose.yaml" in result.stdout


def test_existing_env_is_never_touched(repo):
    (repo / ".env").write_text("POSTGRES_PASSWORD=my-real-one\n")
    result = CliRunner().invoke(main, ["init", str(repo), "--defaults", "--force"])
    assert result.exit_code == 0
    assert (repo / ".env").read_text() == "POSTGRES_PASSWORD=my-real-one\n"


def test_symlinked_dockerfile_is_kept_not_replaced(repo):
    (repo / "docker").mkdir()
    (repo / "Dockerfile").rename(repo / "docker" / "Dockerfile")
    (repo / "Dockerfile").symlink_to("docker/Dockerfile")
    kept = CliRunner().invoke(main, ["init", str(repo), "--defaults"])
    assert kept.exit_code == 0 and "kept       Dockerfile" in kept.stdout
    forced = CliRunner().invoke(main, ["init", str(repo), "--defaults", "--force"])
    assert forced.exit_code == 2
    assert forced.stderr.splitlines()[-1] == "scaffold: error: Dockerfile: is a symlink; not replaced (nothing was written)"
    assert (repo / "Dockerfile").is_symlink() and (repo / "docker" / "Dockerfile").read_text() == MY_DOCKERFILE
    assert (repo / "compose.yaml").read_text() == MY_COMPOSE, "all or nothing: compose.yaml was not replaced either"


# ---- adopting an existing Dockerfile's choices ------------------------------------------------------------
def profile_with(container_file: dict, **facts: Fact) -> Profile:
    profile = Profile()
    profile.facts.update({"framework": Fact("flask", "flask app", (Evidence("app.py"),), "web_apps")}, **facts)
    profile.container_files.append(container_file)
    return profile


def test_adopts_python_version_port_and_packages_where_nothing_better_is_known():
    profile = profile_with(
        {"file": "Dockerfile", "base_images": ["python:3.11-slim"], "python_version": "3.11", "ports": [9000, 9001],
         "apt_packages": ["ffmpeg", "gcc", "libpq-dev", "python3-pip", "Bad_Name"]},
        port=Fact(8000, "the default for flask", (), "profile", "medium"),
    )
    notes = adopt_container_choices(profile)
    answers = profile.answers()
    assert answers["python_version"] == "3.11"
    assert answers["port"] == 9000
    assert answers["runtime_packages"] == ["ffmpeg"]
    assert answers["build_packages"] == ["gcc", "libpq-dev"], "compilers and -dev headers only build"
    assert profile.facts["port"].reason == "EXPOSEd by the existing Dockerfile"
    assert notes == ["adopted from the existing Dockerfile: Python 3.11, port 9000, build packages gcc libpq-dev, runtime packages ffmpeg"]


def test_project_evidence_wins_over_the_dockerfile():
    profile = profile_with(
        {"file": "Dockerfile", "python_version": "3.11", "ports": [9000]},
        python_version=Fact("3.13", "from .python-version", (Evidence(".python-version", 1),), "python_version"),
        port=Fact(5000, "app.run(port=5000)", (Evidence("app.py", 9),), "web_apps"),
    )
    assert adopt_container_choices(profile) == []
    assert profile.value("python_version") == "3.13" and profile.value("port") == 5000


def test_only_offered_versions_ports_of_web_apps_and_own_files_are_adopted():
    from scaffold.questions import Questionnaire

    questionnaire = Questionnaire(ROOT)
    profile = profile_with({"file": "Dockerfile", "python_version": "3.8", "ports": [8080], "base_images": ["ubuntu:22.04"]})
    profile.facts["framework"] = Fact("python", "no web framework found", (), "profile", "medium")
    notes = adopt_container_choices(profile, questionnaire)
    assert "python_version" not in profile.facts and "port" not in profile.facts
    assert notes == [
        "Dockerfile uses Python 3.8, which the template does not offer (3.14, 3.13, 3.12, 3.11); not adopted",
        "Dockerfile builds on ubuntu:22.04; the template builds on the official python:<version>-slim image",
    ]
    for entry in ({"file": "services/other/Dockerfile", "python_version": "3.11"},
                  {"file": "Dockerfile", "python_version": "3.11", "generated_by_scaffold": True},
                  "not a dict", {"file": "Dockerfile", "ports": "9000", "apt_packages": {"a": 1}, "base_images": None}):
        profile = profile_with(entry)  # type: ignore[arg-type]
        assert adopt_container_choices(profile) == []
        assert "python_version" not in profile.facts


def test_init_adopts_an_existing_dockerfile_end_to_end(tmp_path):
    project = tmp_path / "legacy"
    project.mkdir()
    (project / "requirements.txt").write_text("flask==3.0.3\ngunicorn==23.0.0\n")
    (project / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (project / "Dockerfile").write_text(
        "FROM python:3.11-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends \\\n    libpq5 ffmpeg gcc \\\n && rm -rf /var/lib/apt/lists/*\n"
        "EXPOSE 9000\n"
        'CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:9000"]\n'
    )
    result = CliRunner().invoke(main, ["init", str(project), "--defaults"])
    assert result.exit_code == 0, result.output
    assert "scaffold: note: adopted from the existing Dockerfile: Python 3.11, port 9000" in result.stderr
    assert "kept       Dockerfile" in result.stdout, "the user's Dockerfile itself is not replaced"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["python_version"] == "3.11"
    assert answers["port"] == 9000
    assert "ffmpeg" in answers["runtime_packages"] and "libpq5" in answers["runtime_packages"]
    assert "gcc" in answers["build_packages"]
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    assert compose["services"]["app"]["ports"] == ["${APP_PORT:-9000}:9000"]
    # --data still wins over what was adopted.
    (project / ".copier-answers.yml").unlink()
    result = CliRunner().invoke(main, ["init", str(project), "--defaults", "--data", "python_version=3.13", "--data", "port=7000"])
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["python_version"] == "3.13" and answers["port"] == 7000
