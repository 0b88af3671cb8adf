"""`scaffold inspect` vs a bare `os.walk` of the same tree, alternated, reported as a ratio.

    python benchmarks/bench_inspect.py [N_FILES] [ROUNDS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scaffold.profile import build_profile  # noqa: E402
from scaffold.project import ProjectView  # noqa: E402

APP = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "fastapi-postgres-redis"


def make_tree(root: Path, files: int) -> None:
    shutil.copytree(APP, root, dirs_exist_ok=True)
    per_folder = 100
    for index in range(files):
        folder = root / "data" / f"d{index // per_folder:04d}"
        if index % per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{index}.txt").write_text("x")


def walk(root: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(root))


def inspect(root: Path) -> int:
    profile = build_profile(ProjectView(root))
    assert profile.value("framework") == "fastapi"
    return len(profile.facts)


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "repo"
        make_tree(root, files)
        timings: dict[str, list[float]] = {"os.walk": [], "scaffold inspect": []}
        for _ in range(rounds):  # alternate, so drift hits both alike
            for name, function in (("os.walk", walk), ("scaffold inspect", inspect)):
                started = time.perf_counter()
                function(root)
                timings[name].append(time.perf_counter() - started)
    walk_median = statistics.median(timings["os.walk"])
    inspect_median = statistics.median(timings["scaffold inspect"])
    print(f"tree: {files:,} files + the FastAPI sample app, {rounds} alternated rounds")
    for name, values in timings.items():
        print(f"  {name:<17} median {statistics.median(values) * 1000:8.1f} ms")
    print(f"ratio inspect / os.walk: {inspect_median / walk_median:.2f}x")


if __name__ == "__main__":
    main()
