"""`scaffold init`/`inspect` end to end on real fixture projects, through the real CLI: files parsed, not just present."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.helpers import GENERATED, answers_file, copy_fixture, env_example, instructions, load_compose, run_cli


@pytest.fixture
def fastapi_app(tmp_path):
    return copy_fixture("fastapi-postgres-redis", tmp_path)


def test_init_defaults_writes_the_five_files_and_a_private_env(fastapi_app):
    result = run_cli("init", "--defaults", cwd=fastapi_app)
    assert result.returncode == 0, result.stderr
    for name in GENERATED:
        assert (fastapi_app / name).is_file(), name
        assert re.search(rf"created\s+{re.escape(name)}", result.stdout)
    assert "Next: docker compose up --build" in result.stdout
    env = (fastapi_app / ".env").read_text()
    assert not re.search(r"=change-this-", env), "every placeholder gets a random secret"
    assert (fastapi_app / ".env").stat().st_mode & 0o077 == 0, ".env must not be world-readable"
    assert ".env" in (fastapi_app / ".gitignore").read_text().splitlines()


def test_compose_file_runs_app_db_and_redis_with_health_gates(fastapi_app):
    assert run_cli("init", "--defaults", cwd=fastapi_app).returncode == 0
    compose = load_compose(fastapi_app)
    services = compose["services"]
    assert set(services) == {"app", "db", "redis"}
    app = services["app"]
    assert app["build"] == "."
    assert app["env_file"] == ".env"
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}
    assert app["ports"] == ["${APP_PORT:-8000}:8000"]
    assert "/health" in " ".join(app["healthcheck"]["test"])
    db = services["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert db["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert "ports" not in db and "ports" not in services["redis"], "backing services must not be published"
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert set(compose["volumes"]) == {"postgres-data", "redis-data"}


def test_env_example_has_every_variable_with_compose_values(fastapi_app):
    assert run_cli("init", "--defaults", cwd=fastapi_app).returncode == 0
    env = env_example(fastapi_app)
    assert env["DATABASE_URL"] == "postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}"
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["POSTGRES_PASSWORD"].startswith("change-this-")


def test_dockerfile_is_multi_stage_non_root_with_cached_dependencies(fastapi_app):
    assert run_cli("init", "--defaults", cwd=fastapi_app).returncode == 0
    steps = instructions(fastapi_app)
    kinds = [kind for kind, _ in steps]
    assert ("ARG", "PYTHON_VERSION=3.11") in steps  # from .python-version
    assert [v for k, v in steps if k == "FROM"] == ["python:${PYTHON_VERSION}-slim AS build", "python:${PYTHON_VERSION}-slim AS runtime"]
    copy_requirements = next(i for i, (k, v) in enumerate(steps) if k == "COPY" and "requirements" in v)
    install = next(i for i, (k, v) in enumerate(steps) if k == "RUN" and "pip install -r requirements.txt" in v)
    copy_code = max(i for i, (k, v) in enumerate(steps) if k == "COPY" and v.startswith(". "))
    assert copy_requirements < install < copy_code, "dependencies must be installed before the code is copied"
    user = [v for k, v in steps if k == "USER"]
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert ("EXPOSE", "8000") in steps
    cmd = json.loads(next(v for k, v in steps if k == "CMD"))
    assert cmd[:2] == ["uvicorn", "app.main:app"] and "0.0.0.0" in cmd
    assert kinds[-1] == "CMD"
    text = (fastapi_app / "Dockerfile").read_text()
    assert "# syntax=" not in text  # builds air-gapped with the engine's bundled frontend


def test_data_overrides_answers(fastapi_app):
    result = run_cli("init", "--defaults", "--data", "services=postgres", "--data", "port=9000", cwd=fastapi_app)
    assert result.returncode == 0, result.stderr
    compose = load_compose(fastapi_app)
    assert set(compose["services"]) == {"app", "db"}
    assert compose["services"]["app"]["ports"] == ["${APP_PORT:-9000}:9000"]
    assert ("EXPOSE", "9000") in instructions(fastapi_app)
    assert answers_file(fastapi_app)["port"] == 9000
    assert "REDIS_URL" not in env_example(fastapi_app)


def test_a_driver_scheme_is_kept_in_the_connection_url(fastapi_app):
    result = run_cli("init", "--defaults", "--data", "url_schemes={DATABASE_URL: postgresql+psycopg}", cwd=fastapi_app)
    assert result.returncode == 0, result.stderr
    urls = env_example(fastapi_app)
    assert urls["DATABASE_URL"] == "postgresql+psycopg://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}"
    assert urls["REDIS_URL"] == "redis://redis:6379/0"
    assert answers_file(fastapi_app)["url_schemes"] == {"DATABASE_URL": "postgresql+psycopg"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("colour=blue", r"--data colour: unknown question; valid keys: project_name, .*python_version"),
        ("port=abc", r"port: 'abc' is not a whole number"),
        ("port=70000", r"port: must be between 1 and 65535"),
        ("framework=rails", r"framework: 'rails' is not one of: fastapi, starlette, .*python"),
        ("services=postgres,oracle", r"services: 'oracle' is not one of: postgres, mysql, redis, rabbitmq, mongodb"),
        ("project_name=Bad Name!", r"project_name: must be 1-63 lowercase letters"),
        ("novalue", r"--data 'novalue': expected KEY=VALUE"),
        ("url_schemes={DATABASE_URL: redis}", r"url_schemes: DATABASE_URL: 'redis' is not a postgres URL scheme \(one of postgresql, postgres, optionally with \+driver\)"),
        ("url_schemes={API_URL: postgresql+asyncpg}", r"url_schemes: API_URL: not one of the service_env_vars \(DATABASE_URL, REDIS_URL\)"),
    ],
)
def test_bad_data_is_one_clear_line_and_writes_nothing(fastapi_app, data, message):
    before = sorted(p.name for p in fastapi_app.iterdir())
    result = run_cli("init", "--defaults", "--data", data, cwd=fastapi_app)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert re.search(message, lines[-1]), result.stderr
    assert lines[-1].startswith("scaffold: error: ")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in fastapi_app.iterdir()) == before


def test_without_a_terminal_init_asks_for_defaults(fastapi_app):
    result = run_cli("init", cwd=fastapi_app)
    assert result.returncode == 2
    assert "no terminal to ask on: run with --defaults" in result.stderr
    assert not (fastapi_app / "Dockerfile").exists()


def test_second_run_is_idempotent(fastapi_app):
    assert run_cli("init", "--defaults", cwd=fastapi_app).returncode == 0
    before = {name: (fastapi_app / name).read_bytes() for name in GENERATED + (".env",)}
    result = run_cli("init", "--defaults", cwd=fastapi_app)
    assert result.returncode == 0, result.stderr
    assert {name: (fastapi_app / name).read_bytes() for name in before} == before
    assert "created" not in result.stdout and "updated" not in result.stdout


def test_inspect_json_names_evidence(fastapi_app):
    result = run_cli("inspect", "--json", str(fastapi_app))
    assert result.returncode == 0, result.stderr
    profile = json.loads(result.stdout)
    facts = profile["facts"]
    assert facts["python_version"]["value"] == "3.11"
    assert facts["python_version"]["evidence"][0] == {"file": ".python-version", "line": 1, "excerpt": "3.11"}
    assert facts["framework"]["value"] == "fastapi"
    assert facts["app_module"]["value"] == "app.main:app"
    assert facts["app_module"]["evidence"][0]["file"] == "app/main.py"
    assert [s["name"] for s in profile["services"]] == ["postgres", "redis"]


def test_inspect_report_is_readable(fastapi_app):
    result = run_cli("inspect", str(fastapi_app), env={"COLUMNS": "160"})
    assert result.returncode == 0, result.stderr
    assert re.search(r"python_version\s+│\s+3\.11\s+│\s+from \.python-version \(\.python-version:1\)", result.stdout)
    assert re.search(r"framework\s+│\s+fastapi", result.stdout)


@pytest.mark.parametrize("command", [[], ["init"], ["inspect"], ["update"], ["check"], ["verify"]])
def test_help_explains_every_option_with_an_example(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "Usage: " in result.stdout
    if command:
        assert "Examples:" in result.stdout and f"scaffold {command[0]}" in result.stdout
    options = re.findall(r"^\s+(--[a-z-]+)", result.stdout, re.MULTILINE)
    for option in options:
        line = next(l for l in result.stdout.splitlines() if l.strip().startswith(option) or f", {option}" in l)
        assert len(line.split(option, 1)[1].strip()) > 10 or "help" in option, f"{option} is not explained"


def test_verify_without_compose_file_says_what_to_do(tmp_path):
    project = copy_fixture("worker-cli", tmp_path)
    result = run_cli("verify", str(project))
    assert result.returncode == 2
    assert "no compose.yaml; run `scaffold init` first" in result.stderr


def test_python_dash_m_scaffold_is_the_same_cli():
    result = subprocess.run([sys.executable, "-m", "scaffold", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("scaffold, version ")
