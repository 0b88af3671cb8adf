"""`scaffold verify`: build the image, bring the stack up, wait for health, probe the app, report.

Uses the `docker compose` CLI for what users run (build, up --wait, down)
and the Docker SDK to read the results (image size and layers, the user the
app runs as, container states and logs).
"""

from __future__ import annotations

import re
import secrets
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml

from scaffold.docker_cli import run, sdk_client
from scaffold.errors import ScaffoldError
from scaffold.render import env_file_from_example

COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")


@dataclass
class Report:
    steps: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    failure: str | None = None
    log_tail: str = ""

    def add(self, label: str, value: str) -> None:
        self.steps.append((label, value))
        click.echo(f"  {label:<16} {value}")


def run_verify(path: Path, *, keep: bool = False, timeout: int = 240, project: str | None = None) -> int:
    repo = path.resolve()
    compose_file = next((repo / name for name in COMPOSE_FILES if (repo / name).is_file()), None)
    if compose_file is None:
        raise ScaffoldError(f"{path}: no compose.yaml; run `scaffold init` first")
    settings = _read_answers(repo)
    env_created = _ensure_env(repo)
    project = project or f"scaffold-verify-{repo.name.lower()[:30]}-{secrets.token_hex(3)}".replace("_", "-")
    host_port = _free_port()
    env = {"APP_PORT": str(host_port), "COMPOSE_PROJECT_NAME": project}
    compose = ["compose", "-f", str(compose_file), "-p", project]
    report = Report()
    click.echo(f"verifying {repo} (compose project {project})")
    if env_created:
        report.add("env", ".env created from .env.example with random secrets")
    try:
        started = time.monotonic()
        build = run([*compose, "build"], cwd=str(repo), env=env, timeout=1800)
        if build.returncode != 0:
            return _fail(report, "build", build.tail())
        report.add("build", f"{time.monotonic() - started:.1f} s")
        client = sdk_client()
        image = _app_image(client, project)
        if image is not None:
            size = image.attrs.get("Size", 0)
            report.add("image", f"{size / 1e6:.0f} MB, {len(image.history())} layers")
            user = (image.attrs.get("Config") or {}).get("User") or "root"
            report.add("image user", user + (" (root!)" if user in ("root", "0", "0:0") else ""))
        started = time.monotonic()
        up = run([*compose, "up", "-d", "--wait", "--wait-timeout", str(timeout)], cwd=str(repo), env=env, timeout=timeout + 120)
        if up.returncode != 0:
            service, logs = _first_failing(client, project, up.output)
            where = f" ({service})" if service else ""
            return _fail(report, f"start{where}", logs or up.tail())
        report.add("healthy after", f"{time.monotonic() - started:.1f} s")
        app = _container(client, project, "app")
        if app is not None:
            code, output = app.exec_run(["id", "-un"])
            report.add("runs as", output.decode().strip() if code == 0 else "unknown")
        if settings.get("port"):
            probe = _probe(host_port, settings.get("health_path") or "/")
            report.add("http", probe)
            if not probe.startswith(("2", "3")):
                logs = _logs(app) if app is not None else ""
                return _fail(report, "http probe", logs)
        click.echo("verify: ok")
        return 0
    finally:
        if keep:
            click.echo(f"left running: docker compose -p {project} down -v   # to stop it")
        else:
            run([*compose, "down", "-v", "--remove-orphans", "--timeout", "5"], cwd=str(repo), env=env, timeout=300)


def _fail(report: Report, step: str, log_tail: str) -> int:
    report.failure = step
    click.echo(f"verify: FAILED at {step}", err=True)
    if log_tail.strip():
        click.echo("---- last lines of its log ----", err=True)
        click.echo(log_tail.rstrip(), err=True)
    return 1


def _read_answers(repo: Path) -> dict:
    path = repo / ".copier-answers.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, yaml.YAMLError):
        data = {}
    return data if isinstance(data, dict) else {}


def _ensure_env(repo: Path) -> bool:
    env, example = repo / ".env", repo / ".env.example"
    if env.exists() or not example.is_file():
        return False
    env.write_bytes(env_file_from_example(example.read_bytes()))
    env.chmod(0o600)
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _containers(client, project: str):
    return client.containers.list(all=True, filters={"label": f"com.docker.compose.project={project}"})


def _container(client, project: str, service: str):
    for container in _containers(client, project):
        if container.labels.get("com.docker.compose.service") == service:
            return container
    return None


def _app_image(client, project: str):
    import docker

    for name in (f"{project}-app", f"{project}_app"):
        try:
            return client.images.get(name)
        except docker.errors.ImageNotFound:
            continue
    return None


def _first_failing(client, project: str, compose_output: str) -> tuple[str | None, str]:
    """The container that failed (the one compose names, else the first that exited non-zero,
    restarted or is unhealthy), and its log tail."""
    containers = sorted(_containers(client, project), key=lambda c: c.attrs.get("Created", ""))
    named = re.search(r"container (\S+) (?:is unhealthy|exited)", compose_output)
    for container in containers:
        if named and container.name == named.group(1):
            return container.labels.get("com.docker.compose.service"), _logs(container)
    for container in containers:
        container.reload()
        state = container.attrs.get("State", {})
        health = (state.get("Health") or {}).get("Status")
        failed = state.get("ExitCode", 0) != 0 or state.get("Restarting") or container.attrs.get("RestartCount", 0) > 0 or health == "unhealthy"
        if failed:
            return container.labels.get("com.docker.compose.service"), _logs(container)
    return None, ""


def _logs(container) -> str:
    return container.logs(tail=25).decode("utf-8", "replace")


def _probe(port: int, path: str) -> str:
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return f"{response.status} from GET {path}"
    except urllib.error.HTTPError as error:
        return f"{error.code} from GET {path}"
    except (urllib.error.URLError, OSError) as error:
        return f"no answer from GET {path} ({error})"
