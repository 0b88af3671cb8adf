"""The `scaffold` command line: init, inspect, update, check, verify."""

from __future__ import annotations

import json
import sys
import traceback
from functools import wraps
from pathlib import Path
from typing import Any

import click

from scaffold import __version__
from scaffold.errors import ScaffoldError

EPILOG_INIT = """\b
Examples:
  scaffold init                         # ask, with what was detected as defaults
  scaffold init --defaults              # no questions: take every detected answer (CI)
  scaffold init --defaults --data services=postgres,redis --data port=9000
  scaffold init --dry-run               # show the diff, write nothing
  scaffold init path/to/repo --defaults --force   # overwrite files that differ
"""


def handle_errors(function):
    """One clear line on stderr and a non-zero exit for every failure; a traceback only with --debug."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        context = click.get_current_context()
        debug = bool(context.find_root().params.get("debug"))
        try:
            return function(*args, **kwargs)
        except ScaffoldError as error:
            if debug:
                traceback.print_exc()
            click.echo(f"scaffold: error: {_one_line(error.message)}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("scaffold: interrupted; nothing was written", err=True)
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except Exception as error:  # a bug of ours: still one line, unless --debug
            if debug:
                traceback.print_exc()
            click.echo(f"scaffold: internal error: {type(error).__name__}: {_one_line(str(error))[:300]} (rerun with --debug for details)", err=True)
            sys.exit(3)

    return wrapper


def _one_line(message: str) -> str:
    """An error message as exactly one printable line (a file name may hold a newline)."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in " ".join(message.splitlines()))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="scaffold")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def main(debug: bool) -> None:
    """Containerize an existing Python project: detect, ask, render, keep current.

    \b
    scaffold inspect   show what was detected in the project, with evidence
    scaffold init      write Dockerfile, compose.yaml, .env.example, .dockerignore
    scaffold update    bring template improvements into a project (copier update)
    scaffold check     exit 1 when the container files are behind the template (CI)
    scaffold verify    build the image, start the stack, probe it, report

    Files are rendered from a copier template, so `copier update` works on
    them without scaffold. Run `scaffold COMMAND --help` for examples.
    """


@main.command(epilog="\b\nExamples:\n  scaffold inspect\n  scaffold inspect path/to/repo --json > profile.json")
@click.argument("path", default=".", type=click.Path(path_type=Path, readable=False))
@click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON (schema: scaffold/schema/profile.schema.json).")
@handle_errors
def inspect(path: Path, as_json: bool) -> None:
    """Show what scaffold detects in PATH (default: .), and the evidence for each finding.

    Nothing is written. Each value names the file and line it came from, so a
    wrong guess is easy to spot; warnings list disagreements and skipped files.
    """
    from scaffold.profile import build_profile
    from scaffold.project import ProjectView
    from scaffold.report import print_profile

    profile = build_profile(ProjectView(path))
    if as_json:
        click.echo(json.dumps(profile.to_json(), indent=2, sort_keys=False))
    else:
        print_profile(profile, path)


@main.command(epilog=EPILOG_INIT)
@click.argument("path", default=".", type=click.Path(path_type=Path, readable=False))
@click.option("--defaults", is_flag=True, help="Ask nothing: take the detected answers (required without a terminal).")
@click.option("--data", "-d", "data", multiple=True, metavar="KEY=VALUE",
              help="Answer a question (repeatable), e.g. --data port=9000 --data services=postgres,redis. An unknown key lists the valid ones.")
@click.option("--force", is_flag=True, help="Overwrite existing files that differ, without asking.")
@click.option("--dry-run", is_flag=True, help="Render to a temporary folder and print the diff against PATH; change nothing.")
@click.option("--no-env", is_flag=True, help="Do not write .env (by default it is created from .env.example with random secrets, if missing).")
@click.option("--template", metavar="PATH_OR_GIT_URL", help="Copier template to render (default: scaffold's own; also $SCAFFOLD_TEMPLATE).")
@click.option("--vcs-ref", metavar="REF", help="Template git tag or commit to render (default: the latest).")
@handle_errors
def init(path: Path, defaults: bool, data: tuple[str, ...], force: bool, dry_run: bool, no_env: bool, template: str | None, vcs_ref: str | None) -> None:
    """Inspect PATH (default: .), ask the template's questions, and write the container files.

    Writes Dockerfile, compose.yaml, .env.example, .dockerignore and copier's
    .copier-answers.yml (so `copier update` / `scaffold update` work later),
    plus .env with random secrets when it does not exist. An existing file
    that differs is never overwritten silently: you are shown the diff and
    asked; with --defaults it is kept unless --force. Writes are atomic and
    all-or-nothing. Ctrl-C exits 130 with nothing written.
    """
    from scaffold.init import run_init

    interactive = not defaults
    if interactive and not sys.stdin.isatty():
        raise ScaffoldError("no terminal to ask on: run with --defaults (and --data KEY=VALUE to change answers)")
    run_init(path, interactive=interactive, data=data, force=force, dry_run=dry_run, write_env=not no_env, template=template, vcs_ref=vcs_ref)


@main.command(epilog="\b\nExamples:\n  scaffold update\n  scaffold update --vcs-ref v2.0.0 --data python_version=3.13")
@click.argument("path", default=".", type=click.Path(path_type=Path, readable=False))
@click.option("--data", "-d", "data", multiple=True, metavar="KEY=VALUE", help="Change an answer while updating (repeatable).")
@click.option("--vcs-ref", metavar="REF", help="Template git tag or commit to update to (default: the latest).")
@handle_errors
def update(path: Path, data: tuple[str, ...], vcs_ref: str | None) -> None:
    """Bring template changes into PATH (a `copier update` with the recorded answers).

    Your own edits to the generated files are kept: copier merges the
    template's changes into them and marks conflicts inline. PATH must be a
    git repository with the generated files committed.
    """
    from scaffold.update import run_update

    run_update(path, data=data, vcs_ref=vcs_ref)


@main.command(epilog="\b\nExamples:\n  scaffold check            # in CI: fails when `scaffold update` would change files")
@click.argument("path", default=".", type=click.Path(path_type=Path, readable=False))
@handle_errors
def check(path: Path) -> None:
    """Exit 1 when PATH's container files are behind the template (or missing); 0 when current.

    Renders the recorded answers at the template's latest version and at the
    version the project was last rendered from; if those differ, the project
    is behind and the diff is printed.
    """
    from scaffold.update import run_check

    sys.exit(run_check(path))


@main.command(epilog="\b\nExamples:\n  scaffold verify\n  scaffold verify path/to/repo --keep --timeout 300")
@click.argument("path", default=".", type=click.Path(path_type=Path, readable=False))
@click.option("--keep", is_flag=True, help="Leave the stack running afterwards (default: tear it down, volumes included).")
@click.option("--timeout", default=240, show_default=True, metavar="SECONDS", help="How long to wait for the stack to become healthy.")
@handle_errors
def verify(path: Path, keep: bool, timeout: int) -> None:
    """Build the image, start the compose stack, wait for health, probe the app, and report.

    Reports build time, image size and layers, time to healthy, the user the
    app runs as, and the HTTP answer of the app. On failure it names the
    first failing step with the tail of its log, and exits 1.
    """
    from scaffold.verify import run_verify

    sys.exit(run_verify(path, keep=keep, timeout=timeout))


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="scaffold")
