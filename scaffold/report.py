"""Human-readable output: the inspect report and warnings.

Everything shown comes from the project's files, so it is printed as plain
text: never interpreted as rich markup ('[/red]' in a file is just text).
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from scaffold.profile import Profile

ORDER = (
    "project_name", "app_dir", "python_version", "package_manager", "requirements_file", "install_project",
    "build_backend", "requirements_hashes", "requirements_constraints", "needs_full_source",
    "framework", "app_module", "server", "port", "command", "health_path", "migrations", "migrate_command",
    "worker_command", "celery_app", "celery_broker", "celery_beat", "collectstatic", "static_server",
    "django_settings", "django_asgi", "django_channels", "extra_packages", "postgres_version", "redis_version",
)
HIDDEN = ("is_python", "frontend")


def print_warnings(profile: Profile) -> None:
    for warning in profile.warnings:
        click.echo(f"scaffold: warning: {warning.message}{_where(warning)}", err=True)


def _where(warning) -> str:  # noqa: ANN001 - a Warning_
    return f" [{warning.evidence[0]}]" if warning.evidence and str(warning.evidence[0]) not in warning.message else ""


def _evidence(items, limit: int = 2) -> str:  # noqa: ANN001 - evidence objects or their JSON
    parts = []
    for item in list(items)[:limit]:
        if isinstance(item, dict):
            parts.append(f"{item['file']}:{item['line']}" if item.get("line") else item["file"])
        else:
            parts.append(str(item))
    return ", ".join(parts)


def print_profile(profile: Profile, path: Path) -> None:
    console = Console(highlight=False, soft_wrap=False)
    table = Table(title=Text(f"scaffold inspect {path}"), show_lines=False, expand=False)
    table.add_column("finding")
    table.add_column("value", overflow="fold")
    table.add_column("because", overflow="fold")

    def row(key: str, value: object, because: str) -> None:
        table.add_row(Text(key), Text(str(value)), Text(because))

    keys = [k for k in ORDER if k in profile.facts] + sorted(k for k in profile.facts if k not in ORDER and k not in HIDDEN)
    for key in keys:
        fact = profile.facts[key]
        where = _evidence(fact.evidence)
        row(key, fact.value, fact.reason + (f" ({where})" if where else ""))
    for name, fact in profile.services.items():
        row("service", name, f"{fact.reason} ({_evidence(fact.evidence)})")
    schemes = profile.url_schemes()
    for name, var in sorted(profile.env_vars.items()):
        scheme = schemes.get(name)
        service = f"{var['service']}, as {scheme}://" if scheme else var["service"]
        kind = "secret" if var["secret"] else f"from {service}" if service else "required" if var["required"] else f"default {var['default']!r}"
        where = _evidence(var["evidence"]) or var.get("note", "")
        row("env var", name, f"{kind} ({where})")
    for stage in ("build", "runtime"):
        for package in profile.system_packages.get(stage, []):
            row(f"apt ({stage})", package["name"], f"{package['reason']} ({_evidence(package['evidence'], 1)})")
    for frontend in profile.value("frontend", None) or []:
        details = ", ".join(f"{k}={v}" for k, v in frontend.items() if k not in ("dir", "framework") and v is not None)
        row("frontend", f"{frontend['dir']} ({frontend['framework']})", details)
    for item in profile.container_files:
        details = {k: v for k, v in item.items() if k not in ("file", "evidence")}
        row("existing file", item["file"], ", ".join(f"{k}={v}" for k, v in details.items()) or "present")
    deps = profile.dependencies.to_json()
    runtime, dev = deps["runtime"], deps["dev"]
    if runtime:
        row("dependencies", ", ".join(d["name"] for d in runtime[:12]) + (" …" if len(runtime) > 12 else ""), f"{len(runtime)} runtime")
    if dev:
        row("dev dependencies", ", ".join(d["name"] for d in dev[:8]) + (" …" if len(dev) > 8 else ""), f"{len(dev)} dev, not installed")
    console.print(table)
    for warning in profile.warnings:
        line = Text("warning:", style="yellow")
        line.append(f" {warning.message}{_where(warning)}")
        console.print(line)
