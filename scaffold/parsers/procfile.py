"""Heroku-style Procfile: ``name: command`` lines."""

from __future__ import annotations

import re


def parse_procfile(text: str) -> dict[str, tuple[str, int]]:
    """Process type -> (command, line). Unparseable lines are skipped."""
    processes: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^([A-Za-z0-9_-]+)\s*:\s*(.+?)\s*$", line)
        if match and not line.lstrip().startswith("#"):
            processes.setdefault(match.group(1), (match.group(2), number))
    return processes
