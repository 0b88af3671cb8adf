"""Procfile: the web (else worker) process wins over inferred commands; `release:` is the migration step."""

from __future__ import annotations

import re
import shlex

from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.layout import layout
from scaffold.parsers.procfile import parse_procfile
from scaffold.project import ProjectView

PORT_VARIABLE = re.compile(r"\$\{?PORT(?::-?(\d+))?\}?")


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    path = next((p for p in (prefix + "Procfile", "Procfile") if view.exists(p)), None)
    if path is None:
        return []
    text = view.try_read_text(path)
    if text is None:
        return []
    processes = parse_procfile(text)
    found: list[Finding] = []
    for process, kind, rank in (("web", "command", 5), ("worker", "worker_command", 10), ("release", "migrate_command", 10)):
        if process not in processes:
            continue
        command, line = processes[process]
        evidence = Evidence(path, line, f"{process}: {command}"[:160])
        cleaned = exec_form(command)
        if cleaned is None:
            found.append(warning(f"{path}:{line}: the {process} command needs a shell ({command[:60]}); not used", evidence))
            continue
        found.append(finding(kind, cleaned, evidence, reason=f"Procfile {process} process", rank=rank))
        if process == "web":
            port = re.search(r"(?:--port[ =]|-p |--bind[ =](?:[\d.]+|\$\{?HOST\}?)?:|-b (?:[\d.]+)?:)(\d{2,5})\b", command)
            if port:
                found.append(finding("port", int(port.group(1)), evidence, reason="port in the Procfile command", rank=10))
    if "web" not in processes and "worker" in processes:
        command, line = processes["worker"]
        cleaned = exec_form(command)
        if cleaned:
            found.append(finding("command", cleaned, Evidence(path, line), reason="Procfile worker process (no web process)", rank=5))
            found.append(finding("framework", "python", Evidence(path, line), reason="only a worker process in the Procfile", rank=5))
    return found


def exec_form(command: str) -> str | None:
    """The command without shell features, with $PORT turned into the {port} placeholder; None if a shell is needed."""
    command = PORT_VARIABLE.sub("{port}", command)
    if re.search(r"[|&;<>`]|\$\(|\$[A-Za-z_{]", command):
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if any(re.search(r"[\s'\"\\]", word) for word in words):
        return None
    return " ".join(words)


_exec_form = exec_form  # the name other detectors used before it was public
