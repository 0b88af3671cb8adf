"""Human-readable output: the inspect report and warnings."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from scaffold.profile import Profile

ORDER = (
    "project_name", "app_dir", "python_version", "package_manager", "requirements_file", "install_project",
    "framework", "app_module", "server", "port", "command", "health_path", "migrate_command", "worker_command",
    "collectstatic", "django_settings", "celery_app", "extra_packages",
)


def print_warnings(profile: Profile) -> None:
    for warning in profile.warnings:
        where = f" [{warning.evidence[0]}]" if warning.evidence and str(warning.evidence[0]) not in warning.message else ""
        click.echo(f"scaffold: warning: {warning.message}{where}", err=True)


def print_profile(profile: Profile, path: Path) -> None:
    console = Console(highlight=False, soft_wrap=False)
    table = Table(title=f"scaffold inspect {path}", show_lines=False, expand=False)
    table.add_column("finding")
    table.add_column("value", overflow="fold")
    table.add_column("because", overflow="fold")
    keys = [k for k in ORDER if k in profile.facts] + sorted(k for k in profile.facts if k not in ORDER and k != "is_python")
    for key in keys:
        fact = profile.facts[key]
        where = ", ".join(str(e) for e in fact.evidence[:2])
        table.add_row(key, str(fact.value), f"{fact.reason}" + (f" ({where})" if where else ""))
    for name, fact in profile.services.items():
        where = ", ".join(str(e) for e in fact.evidence[:2])
        table.add_row("service", name, f"{fact.reason} ({where})")
    for name, var in sorted(profile.env_vars.items()):
        kind = "secret" if var["secret"] else f"from {var['service']}" if var["service"] else "required" if var["required"] else f"default {var['default']!r}"
        where = ", ".join(f"{e['file']}:{e.get('line', '')}".rstrip(":") for e in var["evidence"][:2]) or var.get("note", "")
        table.add_row("env var", name, f"{kind} ({where})")
    for stage in ("build", "runtime"):
        for package in profile.system_packages.get(stage, []):
            table.add_row(f"apt ({stage})", package["name"], package["reason"])
    for item in profile.container_files:
        details = {k: v for k, v in item.items() if k not in ("file", "evidence")}
        table.add_row("existing file", item["file"], ", ".join(f"{k}={v}" for k, v in details.items()) or "present")
    runtime = profile.dependencies.to_json()["runtime"]
    if runtime:
        table.add_row("dependencies", ", ".join(d["name"] for d in runtime[:12]) + (" …" if len(runtime) > 12 else ""), f"{len(runtime)} runtime")
    console.print(table)
    for warning in profile.warnings:
        where = f" [{warning.evidence[0]}]" if warning.evidence and str(warning.evidence[0]) not in warning.message else ""
        console.print(f"[yellow]warning:[/yellow] {warning.message}{where}", markup=True)
