"""`scaffold update` (copier update with the recorded answers) and `scaffold check` (is the project current?)."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path
from typing import Any

import click
import yaml

from scaffold.errors import ScaffoldError
from scaffold.questions import Questionnaire, parse_data_args
from scaffold.render import plan, rendered
from scaffold.template_source import local_copy

ANSWERS_FILE = ".copier-answers.yml"


def recorded_answers(repo: Path) -> dict[str, Any]:
    path = repo / ANSWERS_FILE
    if not path.is_file():
        raise ScaffoldError(f"{repo}/{ANSWERS_FILE} not found: run `scaffold init` first")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ScaffoldError(f"{ANSWERS_FILE}: cannot be read ({str(error).splitlines()[0][:120]})") from None
    if not isinstance(data, dict) or "_src_path" not in data:
        raise ScaffoldError(f"{ANSWERS_FILE}: not a copier answers file (no _src_path)")
    return data


def run_update(path: Path, *, data: tuple[str, ...] = (), vcs_ref: str | None = None) -> None:
    import copier

    repo = path.resolve()
    answers = recorded_answers(repo)
    questionnaire = Questionnaire(local_copy(str(answers["_src_path"]), vcs_ref))
    raw = parse_data_args(data, questionnaire)
    _require_clean_git(repo)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_update(str(repo), data=raw, defaults=True, overwrite=True, quiet=True, vcs_ref=vcs_ref, conflict="inline", unsafe=False)
    except Exception as error:  # copier's errors, one line each
        raise ScaffoldError(f"copier update failed: {' '.join(str(error).split())[:300]}") from error
    changed = _git(repo, "status", "--porcelain").splitlines()
    if not changed:
        click.echo("already current: the template has nothing new")
        return
    for line in changed:
        click.echo(line)
    conflicts = _git(repo, "grep", "-l", "-e", "^<<<<<<< ", "--", ".", check=False).splitlines()
    if conflicts:
        click.echo(f"conflicts to resolve by hand (marked inline): {', '.join(conflicts)}")
    click.echo("Review with `git diff`, then commit.")


def run_check(path: Path) -> int:
    """0 when the files match what the current template renders from the recorded answers' version, else 1."""
    repo = path.resolve()
    answers = recorded_answers(repo)
    source = str(answers["_src_path"])
    data = {k: v for k, v in answers.items() if not k.startswith("_")}
    recorded_commit = answers.get("_commit")
    with rendered(source, data, repo.name, vcs_ref=None) as latest:
        latest_changes = {c.path: c.new for c in plan(latest, repo)}
    if recorded_commit:
        with rendered(source, data, repo.name, vcs_ref=str(recorded_commit)) as old:
            old_changes = {c.path: c.new for c in plan(old, repo)}
    else:
        # A template without git history has no versions to compare: compare with the files themselves.
        old_changes = {p: (repo / p).read_bytes() for p in latest_changes if (repo / p).is_file()}
    behind = sorted(p for p in latest_changes if p != ANSWERS_FILE and (repo / p).exists() and latest_changes[p] != old_changes.get(p))
    missing = sorted(p for p in latest_changes if p != ANSWERS_FILE and not (repo / p).exists())
    if not behind and not missing:
        click.echo(f"current: rendered from the template's latest version ({recorded_commit or 'unknown commit'})")
        return 0
    for p in missing:
        click.echo(f"missing   {p}")
    for p in behind:
        why = f"the template changed it since {recorded_commit}" if recorded_commit else "differs from what the template renders now"
        click.echo(f"behind    {p} ({why})")
    click.echo("Run `scaffold update` to bring the changes in.")
    return 1


def _require_clean_git(repo: Path) -> None:
    if not (repo / ".git").exists():
        raise ScaffoldError(f"{repo}: not a git repository; copier update needs the generated files committed in git")
    if _git(repo, "status", "--porcelain", "--untracked-files=no").strip():
        raise ScaffoldError(f"{repo}: uncommitted changes; commit or stash them before updating")


def _git(repo: Path, *args: str, check: bool = True) -> str:
    try:
        result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60, check=check)
    except (OSError, subprocess.SubprocessError) as error:
        raise ScaffoldError(f"git {args[0]} failed: {getattr(error, 'stderr', '') or error}") from None
    return result.stdout
