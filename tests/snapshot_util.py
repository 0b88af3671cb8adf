"""Snapshot files: compare generated text with a file under tests/snapshots/, or rewrite it.

Set SCAFFOLD_UPDATE_SNAPSHOTS=1 to (re)write every snapshot instead of
comparing (the test then passes); review the diff with git before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

SNAPSHOTS = Path(__file__).parent / "snapshots"


def updating() -> bool:
    return os.environ.get("SCAFFOLD_UPDATE_SNAPSHOTS", "") not in ("", "0", "false", "no")


def assert_snapshot(path: Path, content: str) -> None:
    """``content`` must equal the snapshot at ``path`` (relative paths are under tests/snapshots/)."""
    path = path if path.is_absolute() else SNAPSHOTS / path
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"missing snapshot {path}: run with SCAFFOLD_UPDATE_SNAPSHOTS=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if expected != content:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), content.splitlines(keepends=True),
                fromfile=f"{path} (snapshot)", tofile="generated", n=2,
            )
        )
        raise AssertionError(f"{path} differs from the generated content "
                             f"(SCAFFOLD_UPDATE_SNAPSHOTS=1 rewrites it):\n{diff[:6000]}")
