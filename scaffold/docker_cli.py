"""Running the Docker CLI (`docker compose`) and the Docker SDK, with errors as ScaffoldError."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from scaffold.errors import ScaffoldError


def docker_binary() -> str:
    """$SCAFFOLD_DOCKER, else `docker` on PATH."""
    binary = os.environ.get("SCAFFOLD_DOCKER") or shutil.which("docker")
    if not binary:
        raise ScaffoldError("docker was not found: install Docker (with the compose plugin) or set SCAFFOLD_DOCKER")
    return binary


@dataclass
class Result:
    returncode: int
    output: str  # stdout and stderr together, in order

    def tail(self, lines: int = 25) -> str:
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


def run(args: list[str], *, cwd: str | None = None, env: dict[str, str] | None = None, timeout: float = 1800) -> Result:
    environment = {**os.environ, "DOCKER_BUILDKIT": "1", "BUILDKIT_PROGRESS": "plain", **(env or {})}
    try:
        completed = subprocess.run(
            [docker_binary(), *args], cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace", timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        output = error.stdout if isinstance(error.stdout, str) else (error.stdout or b"").decode("utf-8", "replace")
        return Result(124, (output or "") + f"\n(timed out after {timeout:.0f} s)")
    except OSError as error:
        raise ScaffoldError(f"cannot run docker: {error.strerror or error}") from None
    return Result(completed.returncode, completed.stdout)


def sdk_client():
    import docker

    try:
        client = docker.from_env(timeout=60)
        client.ping()
        return client
    except Exception as error:  # docker.errors.DockerException and connection errors
        raise ScaffoldError(f"no Docker engine answers ({' '.join(str(error).split())[:160]}); start Docker and retry") from None
