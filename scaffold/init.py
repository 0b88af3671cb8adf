"""`scaffold init`: inspect, answer, render, then write safely."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any

import click

from scaffold.answering import require_python_project, resolve_answers
from scaffold.errors import ScaffoldError
from scaffold.findings import Evidence
from scaffold.profile import WEB, Fact, Profile, build_profile
from scaffold.project import ProjectView
from scaffold.questions import Questionnaire, parse_data_args
from scaffold.render import FileChange, apply, env_file_from_example, gitignore_addition, plan, read_existing, rendered
from scaffold.report import print_warnings
from scaffold.template_source import local_copy, template_source

CONFLICT_CHOICES = ("overwrite", "keep", "side", "all")
DEBIAN_PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")
# Packages an existing Dockerfile installs that only building needs (they go to the build stage).
BUILD_ONLY_PACKAGE = re.compile(
    r"^(build-essential|gcc|g\+\+|cpp|make|cmake|ninja-build|clang|llvm|pkg-config|pkgconf|autoconf|automake|libtool"
    r"|cargo|rustc|gfortran|swig|[a-z0-9+.-]+-dev)$"
)
# Packages the python:<version>-slim base already provides in its own way.
NOT_ADOPTED_PACKAGE = re.compile(r"^(python3?(-[a-z0-9.-]+)?|python-is-python3|pip)$")


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
    for note in adopt_container_choices(profile, questionnaire):
        click.echo(f"scaffold: note: {note}", err=True)
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
    writes, kept, sides = _decide(view.root, changes, interactive=interactive, force=force, prompt_io=prompt_io)
    apply(view.root, writes)
    _report(writes, kept, sides, changes, answers, view.root)
    return [c.path for c in writes]


def adopt_container_choices(profile: Profile, questionnaire: Questionnaire | None = None) -> list[str]:
    """Take an existing Dockerfile's choices as defaults where the profile has no better evidence.

    From each ``profile.container_files`` entry (the container_files detector's
    ``python_version``, ``ports``, ``apt_packages``, ``base_images``): the Python
    version when nothing pins one, the first port when only the framework's
    default was known, and the apt packages (compilers and -dev headers to the
    build stage, the rest to the runtime stage). The profile is changed in
    place, so the interactive prompt shows these as defaults with the file as
    the reason; ``--data`` still wins. Returns notes for the user.
    """
    notes: list[str] = []
    offered = {q.name: q.values for q in questionnaire.questions if q.choices} if questionnaire else {}
    app_prefix = "" if profile.value("app_dir", ".") in (".", "", None) else str(profile.value("app_dir")).rstrip("/") + "/"
    for entry in profile.container_files:
        if not isinstance(entry, dict) or entry.get("generated_by_scaffold"):
            continue  # scaffold's own files hold earlier answers, which .copier-answers.yml records
        file = str(entry.get("file") or "Dockerfile")
        if "/" in file and file.rpartition("/")[0] + "/" != app_prefix:
            continue  # a container file of another part of the repository
        evidence = (Evidence(file),)
        version = entry.get("python_version")
        if isinstance(version, str) and _no_better_evidence(profile.facts.get("python_version")):
            allowed = offered.get("python_version")
            if allowed and version not in allowed:
                notes.append(f"{file} uses Python {version}, which the template does not offer ({', '.join(map(str, allowed))}); not adopted")
            else:
                profile.facts["python_version"] = Fact(version, f"from the existing {file}", evidence, "container_files", "medium")
        ports = [p for p in _list(entry.get("ports")) if isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536]
        if ports and profile.value("framework") in WEB and _no_better_evidence(profile.facts.get("port")):
            profile.facts["port"] = Fact(ports[0], f"EXPOSEd by the existing {file}", evidence, "container_files", "medium")
        known = {p.get("name") for stage in profile.system_packages.values() for p in _list(stage) if isinstance(p, dict)}
        for name in sorted({p for p in _list(entry.get("apt_packages")) if isinstance(p, str)}):
            if name in known or not DEBIAN_PACKAGE.match(name) or NOT_ADOPTED_PACKAGE.match(name):
                continue
            stage = "build" if BUILD_ONLY_PACKAGE.match(name) else "runtime"
            profile.system_packages.setdefault(stage, []).append(
                {"name": name, "reason": f"installed by the existing {file}", "evidence": [e.to_json() for e in evidence]}
            )
            known.add(name)
        adopted = _adopted_from(profile, file)
        bases = [b for b in _list(entry.get("base_images")) if isinstance(b, str)]
        if bases and _is_image(bases[-1]) and not re.match(r"^((docker\.io/)?(library/)?python)(:|@|$)", bases[-1]):
            notes.append(f"{file} builds on {bases[-1][:80]}; the template builds on the official python:<version>-slim image")
        if adopted:
            notes.append(f"adopted from the existing {file}: {', '.join(adopted)}")
    return notes


def _adopted_from(profile: Profile, file: str) -> list[str]:
    """What the profile now takes from this container file (here, or in detection): for the user's note."""
    adopted = [
        f"{label} {profile.facts[key].value}"
        for key, label in (("python_version", "Python"), ("port", "port"), ("command", "command"))
        if key in profile.facts and profile.facts[key].detector == "container_files"
        and any(getattr(e, "file", None) == file for e in profile.facts[key].evidence)
    ]
    for stage in ("build", "runtime"):
        names = sorted(
            str(package.get("name"))
            for package in _list(profile.system_packages.get(stage))
            if isinstance(package, dict) and "existing" in str(package.get("reason", ""))
            and any(isinstance(e, dict) and e.get("file") == file for e in _list(package.get("evidence")))
        )
        if names:
            adopted.append(f"{stage} packages {' '.join(names)}")
    return adopted


def _no_better_evidence(fact: Fact | None) -> bool:
    """True when a fact is missing or only a default (no evidence in the project)."""
    return fact is None or not fact.evidence or fact.detector == "profile"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_image(name: str) -> bool:
    """A FROM argument that names an image (not a build stage like 'build' or a ${VARIABLE})."""
    if "$" in name:
        return False
    return any(c in name for c in ":/@.") or name in ("ubuntu", "debian", "alpine", "busybox", "scratch", "fedora", "centos")


def _extra_files(repo: Path, changes: list[FileChange], write_env: bool) -> list[FileChange]:
    """.env with random secrets (only when missing) and a .gitignore entry that keeps it out of git."""
    extra: list[FileChange] = []
    example = next((c for c in changes if c.path == ".env.example"), None)
    if not write_env or example is None or os.path.lexists(repo / ".env"):
        return extra
    try:
        addition = gitignore_addition(repo)
    except ScaffoldError as error:  # .gitignore cannot be updated: .env could end up in git
        click.echo(f"scaffold: warning: .env not written: .gitignore cannot be updated to keep it out of git ({error.message})", err=True)
        return extra
    extra.append(FileChange(".env", env_file_from_example(example.new), None))
    if addition is not None:
        extra.append(addition)
    return extra


def _decide(repo: Path, changes: list[FileChange], *, interactive: bool, force: bool, prompt_io: dict[str, Any] | None):
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
            side = FileChange(change.path + ".scaffold", change.new, read_existing(repo, change.path + ".scaffold"))
            if side.status != "identical":
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


def _report(writes: list[FileChange], kept: list[str], sides: list[str], changes: list[FileChange], answers: dict[str, Any], root: Path) -> None:
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
    where = "" if root == Path.cwd().resolve() else f"cd {shlex.quote(str(root))} && "
    click.echo(f"Next: {where}docker compose up --build")
    if answers.get("health_path") and answers.get("port"):
        click.echo(f"      curl http://localhost:{answers['port']}{answers['health_path']}")


