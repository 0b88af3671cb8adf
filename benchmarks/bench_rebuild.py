"""What the generated Dockerfile's layer order buys: cold build vs code-only change vs dependency change.

    python benchmarks/bench_rebuild.py [ROUNDS]

Renders the FastAPI sample app with `scaffold init --defaults`, then per round:
a cold build (no cache: `--no-cache`), a rebuild after a code-only edit, and a
rebuild after a requirements edit; reports medians and the ratios to the cold
build. Needs a Docker engine and the stand-in images (tests/images/standins.py).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKER = os.environ.get("SCAFFOLD_DOCKER") or ("/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker")


def build(project: Path, tag: str, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([DOCKER, "build", *extra, "-t", tag, "."], cwd=project, check=True, capture_output=True, env={**os.environ, "DOCKER_BUILDKIT": "1"})
    return time.perf_counter() - started


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as temp:
        project = Path(temp) / "app"
        shutil.copytree(ROOT / "tests" / "fixtures" / "fastapi-postgres-redis", project)
        subprocess.run([sys.executable, "-m", "scaffold.cli", "init", "--defaults"], cwd=project, check=True, capture_output=True)
        sys.path.insert(0, str(ROOT))
        from tests.images.standins import ensure_images_for

        ensure_images_for([project / "Dockerfile"])
        tag = "scaffold-bench-rebuild:latest"
        timings: dict[str, list[float]] = {"cold (no cache)": [], "code-only change": [], "dependency change": []}
        requirements = project / "requirements.txt"
        original = requirements.read_text()
        for index in range(rounds):
            timings["cold (no cache)"].append(build(project, tag, "--no-cache"))
            (project / "app" / "main.py").write_text((project / "app" / "main.py").read_text() + f"\n# edit {index}\n")
            timings["code-only change"].append(build(project, tag))
            # A new requirements file every round, so the install step really re-runs (pip's wheel cache stays warm).
            requirements.write_text(original + f"six==1.17.0  # round {index}\n")
            timings["dependency change"].append(build(project, tag))
        subprocess.run([DOCKER, "image", "rm", "-f", tag], capture_output=True)
    cold = statistics.median(timings["cold (no cache)"])
    print(f"FastAPI sample app, {rounds} rounds (pip's download cache mount stays warm across builds)")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:<18} median {median:6.1f} s   {median / cold:5.2f}x of cold")


if __name__ == "__main__":
    main()
