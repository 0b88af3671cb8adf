"""The bundled example, the News Aggregator API, containerized by scaffold and used for real:
articles written through the API land in Postgres, and reads are cached in Redis."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import urllib.request

import pytest

from tests.conftest import DOCKER
from tests.helpers import copy_fixture, run_cli

pytestmark = pytest.mark.docker


def request(port: int, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), None


def test_news_aggregator_stores_in_postgres_and_caches_in_redis(tmp_path, docker_engine):
    from tests.images.standins import ensure_images_for

    project = copy_fixture("examples/news-aggregator", tmp_path)
    result = run_cli("init", "--defaults", cwd=project)
    assert result.returncode == 0, result.stderr
    ensure_images_for([project / "Dockerfile", project / "compose.yaml"])
    api_key = next(line.split("=", 1)[1] for line in (project / ".env").read_text().splitlines() if line.startswith("API_KEY="))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    name = f"scaffold-example-{secrets.token_hex(3)}"
    env = {**os.environ, "APP_PORT": str(port), "DOCKER_BUILDKIT": "1"}

    def compose(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([DOCKER, "compose", "-p", name, *args], cwd=project, env=env, capture_output=True, text=True, timeout=900)

    try:
        up = compose("up", "-d", "--build", "--wait", "--wait-timeout", "180")
        assert up.returncode == 0, up.stderr[-3000:] + compose("logs", "--tail", "30").stdout[-3000:]
        assert request(port, "GET", "/health")[0] == 200
        article = {"title": "Containers, kept current", "url": "https://example.invalid/a1", "source": "scaffold"}
        assert request(port, "POST", "/articles", article, {"X-API-Key": "wrong"})[0] == 401
        status, _, created = request(port, "POST", "/articles", article, {"X-API-Key": api_key})
        assert status == 201, created
        status, headers, listed = request(port, "GET", "/articles?limit=5")
        assert status == 200 and headers["x-cache"] == "miss"
        assert [a["url"] for a in listed] == [article["url"]]
        status, headers, again = request(port, "GET", "/articles?limit=5")
        assert headers["x-cache"] == "hit" and again == listed
        rows = compose("exec", "-T", "db", "sh", "-c", 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "select count(*) from articles"')
        assert rows.stdout.strip() == "1", rows.stderr
    finally:
        compose("down", "-v", "--remove-orphans", "--timeout", "10")
        subprocess.run([DOCKER, "image", "rm", "-f", f"{name}-app"], capture_output=True)
