"""The interactive questionnaire, driven for real: questionary on prompt_toolkit pipe input, and the CLI in a pseudo-terminal."""

from __future__ import annotations

import os
import re
import sys

import pexpect
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from scaffold.init import run_init
from tests.helpers import answers_file, copy_fixture, load_compose

ENTER, DOWN, SPACE, CLEAR_LINE = "\r", "\x1b[B", " ", "\x15"
# The questions asked for a FastAPI project with Postgres and Redis, in copier.yml's order.
FASTAPI_QUESTIONS = (
    "project_name", "app_dir", "python_version", "package_manager", "requirements_file", "install_project",
    "extra_packages", "framework", "app_module", "port", "command", "health_path", "services",
    "postgres_version", "redis_version", "service_env_vars", "url_schemes", "env_vars", "secret_env_vars",
    "migrate_command", "worker_command", "build_packages", "runtime_packages",
)


def drive(project, keys_by_question: dict[str, str]):
    keys = "".join(keys_by_question.get(name, ENTER) for name in FASTAPI_QUESTIONS)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # end of input after the keys: a question too many fails at once instead of waiting
        return run_init(project, interactive=True, prompt_io={"input": pipe, "output": DummyOutput()})


def test_enter_everywhere_accepts_the_detected_answers(tmp_path):
    project = copy_fixture("fastapi-postgres-redis", tmp_path)
    written = drive(project, {})
    assert "Dockerfile" in written and "compose.yaml" in written
    answers = answers_file(project)
    assert answers["python_version"] == "3.11"
    assert answers["framework"] == "fastapi"
    assert answers["app_module"] == "app.main:app"
    assert answers["services"] == ["postgres", "redis"]


def test_typed_answers_replace_the_defaults(tmp_path):
    project = copy_fixture("fastapi-postgres-redis", tmp_path)
    drive(
        project,
        {
            "port": CLEAR_LINE + "9000" + ENTER,
            # Cursor starts on PostgreSQL: move to Redis and untick it.
            "services": DOWN + DOWN + SPACE + ENTER,
            "python_version": DOWN + ENTER,  # from 3.11 (last) the list wraps to 3.14
        },
    )
    answers = answers_file(project)
    assert answers["port"] == 9000
    assert answers["services"] == ["postgres"]
    assert answers["python_version"] == "3.14"
    assert set(load_compose(project)["services"]) == {"app", "db"}


def test_invalid_typed_answer_is_refused_until_corrected(tmp_path):
    project = copy_fixture("fastapi-postgres-redis", tmp_path)
    # 'abc' is refused by the validator (the prompt stays), then corrected to 8080.
    drive(project, {"port": CLEAR_LINE + "abc" + ENTER + CLEAR_LINE + "8080" + ENTER})
    assert answers_file(project)["port"] == 8080


def test_ctrl_c_exits_130_and_writes_nothing(tmp_path):
    project = copy_fixture("fastapi-postgres-redis", tmp_path)
    before = sorted(p.name for p in project.iterdir())
    child = pexpect.spawn(sys.executable, ["-m", "scaffold.cli", "init"], cwd=str(project), env={**os.environ, "COLUMNS": "200"}, encoding="utf-8", timeout=30)
    child.expect("Project name")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "nothing was written" in child.before
    assert sorted(p.name for p in project.iterdir()) == before


def test_the_cli_in_a_terminal_says_why_each_default_was_chosen(tmp_path):
    project = copy_fixture("fastapi-postgres-redis", tmp_path)
    child = pexpect.spawn(sys.executable, ["-m", "scaffold.cli", "init"], cwd=str(project), env={**os.environ, "COLUMNS": "250"}, encoding="utf-8", timeout=60, dimensions=(60, 400))
    transcript = ""
    for _ in range(120):  # press Enter at each prompt until the command ends
        try:
            child.expect(pexpect.EOF, timeout=0.7)
            transcript += child.before
            break
        except pexpect.TIMEOUT:
            transcript += child.before
            child.send(ENTER)
    child.close()
    assert child.exitstatus == 0, transcript[-2000:]
    transcript = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]", "", transcript)
    assert "detected: from .python-version (.python-version:1)" in transcript
    assert "detected: the module-level app object (app/main.py:" in transcript
    assert "detected: postgres: psycopg is a dependency (requirements.txt:3)" in transcript
    assert (project / "compose.yaml").is_file()
