"""End to end on a real Docker engine: scaffold's files for each sample app build, come up healthy,
answer HTTP after really querying Postgres/Redis, run as non-root, keep secrets and junk out of the
image, reuse the dependency layer on a code change, and leave nothing behind."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import DOCKER
from tests.helpers import copy_fixture, run_cli

pytestmark = pytest.mark.docker


@dataclass(frozen=True)
class App:
    fixture: str
    health_body: dict | None  # None: no HTTP port (a worker)
    services: tuple[str, ...]
    extra_paths: tuple[str, ...] = ()  # more GETs that must answer 200
    code_file: str = ""  # a module to touch for the rebuild test
    # Distributions that must not be in the image: dev/test tools and every package manager.
    not_installed: tuple[str, ...] = ("pytest", "uv", "poetry", "pipenv", "pdm")


APPS = {
    "fastapi-postgres-redis": App("fastapi-postgres-redis", {"status": "ok", "database": "ok", "cache": "ok"}, ("app", "db", "redis"), ("/",), "app/main.py"),
    "django-postgres": App("django-postgres", {"status": "ok", "database": "ok"}, ("app", "db"), ("/static/admin/css/base.css",), "health/views.py"),
    "flask-redis": App("flask-redis", {"status": "ok", "cache": "ok"}, ("app", "redis"), ("/",), "src/hitcounter/__init__.py"),
    "worker-cli": App("worker-cli", None, ("app",), (), "worker/__main__.py"),
    # SQLAlchemy URLs naming their driver: PyMySQL on MariaDB; asyncpg, with an Alembic migration run first.
    "flask-mariadb": App("flask-mariadb", {"status": "ok", "database": "ok"}, ("app", "db"), ("/",), "guestbook/__init__.py"),
    "async-alembic": App("async-alembic", {"status": "ok", "database": "ok"}, ("app", "db"), ("/notes",), "app/main.py"),
    # One app per lock-file package manager (real lock files, made by the tools themselves).
    "uv-app": App("uv-app", {"status": "ok", "cache": "ok"}, ("app", "redis"), ("/",), "app/main.py"),
    "poetry-app": App("poetry-app", {"status": "ok", "database": "ok"}, ("app", "db"), ("/notes",), "notes/__init__.py"),
    "pipenv-app": App("pipenv-app", {"status": "ok", "cache": "ok"}, ("app", "redis"), ("/hits/e2e",), "app.py"),
    "pdm-app": App("pdm-app", {"status": "ok", "database": "ok"}, ("app", "db"), ("/bookmarks",), "service/app.py"),
}

# The Dockerfile's dependency-install step, per package manager (pipenv and PDM export to pip),
# told apart from the project's own install (`pip install --no-deps .`, `uv sync ... --no-editable`).
DEPENDENCY_INSTALL_STEPS = (
    "pip install -r",
    "uv sync --locked --no-dev --no-install-project",
    "poetry install --only main --no-root",
)


@dataclass
class Stack:
    app: App
    path: Path
    project: str
    port: int
    env: dict[str, str]
    build_seconds: float = 0.0
    healthy_seconds: float = 0.0
    secrets_in_env: list[str] = field(default_factory=list)

    def compose(self, *args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [DOCKER, "compose", "-p", self.project, *args], cwd=self.path, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"docker compose {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def get(self, path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
            return response.status, response.read()

    @property
    def image(self) -> str:
        return f"{self.project}-app"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def docker(*args: str) -> str:
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=120, check=True).stdout


def leftovers(project: str) -> dict[str, str]:
    label = f"label=com.docker.compose.project={project}"
    return {
        "containers": docker("ps", "-aq", "--filter", label).strip(),
        "networks": docker("network", "ls", "-q", "--filter", label).strip(),
        "volumes": docker("volume", "ls", "-q", "--filter", label).strip(),
    }


@pytest.fixture(scope="module", params=list(APPS), ids=list(APPS))
def stack(request, docker_engine, tmp_path_factory):
    from tests.images.standins import ensure_images_for

    app = APPS[request.param]
    path = copy_fixture(app.fixture, tmp_path_factory.mktemp(app.fixture))
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)  # a .git that must stay out of the image
    (path / "tests").mkdir(exist_ok=True)
    (path / "tests" / "test_marker.py").write_text("# must not reach the image\n")
    result = run_cli("init", "--defaults", cwd=path)
    assert result.returncode == 0, result.stderr
    ensure_images_for([path / "Dockerfile", path / "compose.yaml"])
    project = f"scaffold-e2e-{app.fixture}-{secrets.token_hex(3)}"
    port = free_port()
    env = {**os.environ, "APP_PORT": str(port), "DOCKER_BUILDKIT": "1"}
    stack = Stack(app, path, project, port, env)
    stack.secrets_in_env = [
        line.split("=", 1)[1] for line in (path / ".env").read_text().splitlines()
        if "PASSWORD=" in line or "SECRET" in line.split("=", 1)[0] or "KEY=" in line
    ]
    try:
        started = time.monotonic()
        stack.compose("build")
        stack.build_seconds = time.monotonic() - started
        started = time.monotonic()
        up = stack.compose("up", "-d", "--wait", "--wait-timeout", "180", check=False, timeout=400)
        if up.returncode != 0:
            logs = stack.compose("logs", "--tail", "40", check=False).stdout
            ids = stack.compose("ps", "-a", "-q", check=False).stdout.split()
            health = [(i["Name"], i["State"].get("Health")) for i in json.loads(docker("inspect", *ids))] if ids else []
            raise AssertionError(f"stack did not become healthy:\n{up.stderr[-1500:]}\n{logs[-4000:]}\nhealth: {health}")
        stack.healthy_seconds = time.monotonic() - started
        print(f"\n{app.fixture}: build {stack.build_seconds:.1f} s, healthy after {stack.healthy_seconds:.1f} s")
        yield stack
    finally:
        stack.compose("down", "-v", "--remove-orphans", "--timeout", "10", check=False)
        subprocess.run([DOCKER, "image", "rm", "-f", *[f"{project}-{s}" for s in ("app", "migrate", "worker")]], capture_output=True)
        left = leftovers(project)
        assert not any(left.values()), f"compose project {project} leaked: {left}"


def test_app_answers_after_reaching_its_services(stack):
    if stack.app.health_body is None:
        logs = stack.compose("logs", "app").stdout
        assert "worker started" in logs
        state = json.loads(docker("inspect", stack.compose("ps", "-q", "app").stdout.strip()))[0]["State"]
        assert state["Running"] and not state["Restarting"]
        return
    status, body = stack.get("/health")
    assert status == 200
    assert json.loads(body) == stack.app.health_body
    for path in stack.app.extra_paths:
        assert stack.get(path)[0] == 200, path
    # The non-root user can write where servers expect to (gunicorn's control socket in $HOME).
    assert "Permission denied" not in stack.compose("logs", "app").stdout


def test_backing_services_are_healthy_and_not_published(stack):
    ids = stack.compose("ps", "-q").stdout.split()
    states = {}
    for info in json.loads(docker("inspect", *ids)):
        service = info["Config"]["Labels"]["com.docker.compose.service"]
        states[service] = info
    assert set(stack.app.services) <= set(states)
    for service, info in states.items():
        health = (info["State"].get("Health") or {}).get("Status")
        if service != "app" or stack.app.health_body is not None:
            assert health == "healthy", f"{service} is {health}"
        if service not in ("app",):
            published = [b for bindings in (info["NetworkSettings"]["Ports"] or {}).values() if bindings for b in bindings]
            assert not published, f"{service} publishes {published}"


def test_app_runs_as_non_root(stack):
    uid = stack.compose("exec", "-T", "app", "id", "-u").stdout.strip()
    assert uid.isdigit() and int(uid) != 0
    config_user = json.loads(docker("image", "inspect", stack.image))[0]["Config"]["User"]
    assert config_user and config_user.split(":")[0] not in ("root", "0")


def test_image_holds_no_secrets_git_or_tests(stack):
    listing = docker("run", "--rm", "--entrypoint", "ls", stack.image, "-a", "/app").split()
    for unwanted in (".env", ".git", "tests", "compose.yaml", ".copier-answers.yml"):
        assert unwanted not in listing, f"{unwanted} is in the image"
    history = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", stack.image)
    config = docker("image", "inspect", "--format", "{{json .Config.Env}}", stack.image)
    for value in stack.secrets_in_env:
        assert value not in history and value not in config, "a secret from .env reached the image"


def test_image_holds_no_dev_dependencies_or_package_manager(stack):
    listing = docker(
        "run", "--rm", "--entrypoint", "python", stack.image, "-c",
        "import importlib.metadata as m; print('\\n'.join(d.metadata['Name'].lower() for d in m.distributions()))",
    ).split()
    assert "pip" in listing and len(listing) >= 2, listing  # the listing works: pip and the app's dependencies are there
    present = sorted(set(stack.app.not_installed) & set(listing))
    assert not present, f"{present} reached the image"


def test_code_change_reuses_the_dependency_layer(stack):
    code = stack.path / stack.app.code_file
    code.write_text(code.read_text() + "\n# a code-only change\n")
    result = stack.compose("build", "app")
    output = result.stdout + result.stderr
    # BuildKit's plain progress: '#N [app build 5/6] RUN ... pip install ...' then '#N CACHED'.
    # The dependency install (`pip install -r ...`, `uv sync ...`, `poetry install ...`), not the project's own.
    install_steps = [
        line.split()[0] for line in output.splitlines()
        if line.startswith("#") and "RUN" in line and any(step in line for step in DEPENDENCY_INSTALL_STEPS)
    ]
    assert install_steps, output[-3000:]
    for step in install_steps:
        assert f"{step} CACHED" in output, f"the dependency install step re-ran after a code-only change:\n{output[-3000:]}"
    assert any("COPY . ./" in line and "CACHED" not in line for line in output.splitlines()), "the code layer must be rebuilt"


def test_app_stops_gracefully_on_sigterm(stack):
    # Exec-form CMD: the server is PID 1 and gets SIGTERM itself (no shell in between).
    stack.compose("stop", "-t", "10", "app")
    container = stack.compose("ps", "-a", "-q", "app").stdout.strip()
    assert json.loads(docker("inspect", container))[0]["State"]["ExitCode"] == 0
    if stack.app.health_body is None:
        assert "worker stopping" in stack.compose("logs", "app").stdout
