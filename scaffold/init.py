"""`scaffold init`: inspect, answer, render, then write safely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scaffold.answering import require_python_project, resolve_answers
from scaffold.errors import ScaffoldError
from scaffold.profile import build_profile
from scaffold.project import ProjectView
from scaffold.questions import Questionnaire, parse_data_args
from scaffold.render import FileChange, apply, env_file_from_example, gitignore_addition, plan, rendered
from scaffold.report import print_warnings
from scaffold.template_source import local_copy, template_source

CONFLICT_CHOICES = ("overwrite", "keep", "side", "all")


def run_init(
    path: Path,
    *,
    interactive: bool,
    data: tuple[str, ...] | list[str] = (),
    force: bool = False,
    dry_run: bool = False,
    write_env: bool = True,
    template: str | None = None,
    vcs_ref: str | None = None,
    prompt_io: dict[str, Any] | None = None,
) -> list[str]:
    """Returns the relative paths written (empty on a dry run)."""
    view = ProjectView(path)
    profile = build_profile(view)
    require_python_project(profile)
    print_warnings(profile)
    source = template_source(template)
    questionnaire = Questionnaire(local_copy(source, vcs_ref))
    raw = parse_data_args(data, questionnaire)
    ask = None
    if interactive:
        from scaffold.prompts import Prompter

        ask = Prompter(questionnaire, **(prompt_io or {}))
    answers, notes = resolve_answers(questionnaire, profile, raw, ask=ask, context={"_folder_name": view.root.name})
    for note in notes:
        click.echo(f"scaffold: note: {note}", err=True)
    with rendered(source, answers, view.root.name, vcs_ref) as output:
        changes = plan(output, view.root)
    changes += _extra_files(view.root, changes, write_env)
    if dry_run:
        _print_dry_run(changes)
        return []
    writes, kept, sides = _decide(changes, interactive=interactive, force=force, prompt_io=prompt_io)
    apply(view.root, writes)
    _report(writes, kept, sides, changes, answers)
    return [c.path for c in writes]


def _extra_files(repo: Path, changes: list[FileChange], write_env: bool) -> list[FileChange]:
    """.env with random secrets (only when missing) and a .gitignore entry that keeps it out of git."""
    extra: list[FileChange] = []
    example = next((c for c in changes if c.path == ".env.example"), None)
    if write_env and example is not None and not (repo / ".env").exists():
        extra.append(FileChange(".env", env_file_from_example(example.new), None))
        addition = gitignore_addition(repo)
        if addition is not None:
            extra.append(addition)
    return extra


def _decide(changes: list[FileChange], *, interactive: bool, force: bool, prompt_io: dict[str, Any] | None):
    writes: list[FileChange] = []
    kept: list[str] = []
    sides: list[str] = []
    overwrite_all = force
    for change in changes:
        if change.status == "identical":
            continue
        if change.status == "create" or overwrite_all or change.path == ".gitignore":
            writes.append(change)
            continue
        if not interactive:
            kept.append(change.path)
            continue
        click.echo(change.diff())
        choice = _ask_conflict(change.path, prompt_io)
        if choice == "overwrite":
            writes.append(change)
        elif choice == "all":
            overwrite_all = True
            writes.append(change)
        elif choice == "side":
            side = FileChange(change.path + ".scaffold", change.new, None)
            writes.append(side)
            sides.append(side.path)
        else:
            kept.append(change.path)
    return writes, kept, sides


def _ask_conflict(path: str, prompt_io: dict[str, Any] | None) -> str:
    import questionary
    from questionary import Choice

    choices = [
        Choice("overwrite it", value="overwrite"),
        Choice("keep mine", value="keep"),
        Choice(f"write the new one beside it as {path}.scaffold", value="side"),
        Choice("overwrite this and every other file that differs", value="all"),
    ]
    return questionary.select(f"{path} exists and differs (diff above). What should happen?", choices=choices, default="keep", **(prompt_io or {})).unsafe_ask()


def _print_dry_run(changes: list[FileChange]) -> None:
    for change in changes:
        if change.status == "identical":
            click.echo(f"unchanged  {change.path}")
            continue
        if change.path == ".env":
            click.echo("create     .env (random secrets; content not shown)")
            continue
        click.echo(change.diff())
    click.echo("dry run: nothing was written")


def _report(writes: list[FileChange], kept: list[str], sides: list[str], changes: list[FileChange], answers: dict[str, Any]) -> None:
    for change in writes:
        verb = "created" if change.old is None else "updated"
        click.echo(f"{verb:<9}  {change.path}")
    for change in changes:
        if change.status == "identical":
            click.echo(f"{'unchanged':<9}  {change.path}")
    for path in kept:
        click.echo(f"{'kept':<9}  {path} (yours differs; see `scaffold init --dry-run`, or --force to overwrite)")
    for path in sides:
        click.echo(f"{'beside':<9}  {path} (compare with {path.removesuffix('.scaffold')} and merge by hand)")
    click.echo("")
    click.echo("Next: docker compose up --build")
    if answers.get("health_path") and answers.get("port"):
        click.echo(f"      curl http://localhost:{answers['port']}{answers['health_path']}")


