"""Writes are atomic and all-or-nothing: whatever fails mid-run (render, disk full, permission, Ctrl-C), the repo is exactly as before.

Each test prepares a repo where one run of ``init --force`` replaces files
(Dockerfile, compose.yaml), creates files (.dockerignore, .env) and extends
.gitignore, injects a failure at a chosen step, and compares every byte,
mode and symlink of the repo with a snapshot taken before.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import scaffold.init
import scaffold.render
from scaffold.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


# Every test renders the template from a plain folder (see conftest.template_copy).
pytestmark = pytest.mark.usefixtures("fast_template")


@pytest.fixture
def repo(tmp_path) -> Path:
    """A project scaffold has run in before, then edited by its owner; .dockerignore and .env since removed."""
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "fastapi-postgres-redis", project)
    assert cli("init", str(project), "--defaults").exit_code == 0
    with open(project / "Dockerfile", "a") as stream:
        stream.write("# my own change\n")
    (project / "compose.yaml").write_text("services: {app: {build: .}}\n")
    os.chmod(project / "compose.yaml", 0o640)
    (project / ".dockerignore").unlink()
    (project / ".env").unlink()
    (project / ".gitignore").write_text("*.log\n")
    return project


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def snapshot(root: Path) -> dict[str, tuple]:
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            rel = os.path.relpath(path, root)
            if stat.S_ISLNK(info.st_mode):
                state[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                state[rel] = ("file", stat.S_IMODE(info.st_mode), hashlib.sha256(Path(path).read_bytes()).hexdigest())
            else:
                state[rel] = ("dir", stat.S_IMODE(info.st_mode))
    return state


def during_apply(monkeypatch, name: str, replacement_factory) -> None:
    """Patch ``os.<name>`` only while scaffold applies its changes (copier's own file operations are left alone)."""
    real_apply = scaffold.render.apply

    def apply(repo, writes):
        real = getattr(os, name)
        monkeypatch.setattr(os, name, replacement_factory(real))
        try:
            return real_apply(repo, writes)
        finally:
            monkeypatch.setattr(os, name, real)

    monkeypatch.setattr(scaffold.init, "apply", apply)


def fail_on_call(number: int, error: BaseException):
    def factory(real):
        calls = {"n": 0}

        def replacement(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == number:
                raise error
            return real(*args, **kwargs)

        return replacement

    return factory


def assert_untouched(repo: Path, before: dict) -> None:
    after = snapshot(repo)
    leftovers = [p for p in after if p.endswith((".scaffold-tmp", ".scaffold-backup"))]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    assert after == before


def test_the_repo_fixture_plans_replacements_creations_and_an_append(repo):
    result = cli("init", str(repo), "--defaults", "--force", "--dry-run")
    assert result.exit_code == 0
    for expected in ("a/Dockerfile", "a/compose.yaml", "/dev/null", "a/.gitignore", "create     .env"):
        assert expected in result.stdout


@pytest.mark.parametrize("nth", [1, 2, 3, 4, 5])
def test_rename_failing_at_any_step_leaves_the_repo_as_before(repo, monkeypatch, nth):
    before = snapshot(repo)
    during_apply(monkeypatch, "replace", fail_on_call(nth, OSError(errno.EIO, "Input/output error")))
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1].startswith("scaffold: error: ")
    assert result.stderr.splitlines()[-1].endswith(": writing failed (input/output error); nothing was changed")
    assert_untouched(repo, before)


def test_disk_full_while_writing_a_file_changes_nothing(repo, monkeypatch):
    before = snapshot(repo)
    during_apply(monkeypatch, "fsync", fail_on_call(3, OSError(errno.ENOSPC, "No space left on device")))
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(": writing failed (no space left on device); nothing was changed")
    assert_untouched(repo, before)


def test_disk_full_on_write_itself_changes_nothing(repo, monkeypatch):
    before = snapshot(repo)
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(scaffold.render.os, "fdopen", lambda fd, mode="r", *a, **k: FullDisk(real_fdopen(fd, mode, *a, **k)))
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 2
    assert "no space left on device" in result.stderr
    assert_untouched(repo, before)


def test_permission_denied_on_the_folder_changes_nothing(repo, monkeypatch):
    before = snapshot(repo)
    calls = {"n": 0}
    real_mkstemp = scaffold.render.tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(scaffold.render.tempfile, "mkstemp", mkstemp)
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(": writing failed (permission denied); nothing was changed")
    assert_untouched(repo, before)


@pytest.mark.parametrize("nth", [1, 4])
def test_ctrl_c_mid_apply_exits_130_with_nothing_written(repo, monkeypatch, nth):
    before = snapshot(repo)
    during_apply(monkeypatch, "replace", fail_on_call(nth, KeyboardInterrupt()))
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 130
    assert result.stderr == "scaffold: interrupted; nothing was written\n"
    assert_untouched(repo, before)


def test_ctrl_c_while_staging_exits_130_with_nothing_written(repo, monkeypatch):
    before = snapshot(repo)
    during_apply(monkeypatch, "chmod", fail_on_call(2, KeyboardInterrupt()))
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 130
    assert_untouched(repo, before)


@pytest.mark.parametrize("error", [RuntimeError("template exploded"), ValueError("bad\nanswer"), OSError(errno.ENOSPC, "No space left on device")])
def test_copier_failing_renders_nothing_and_cleans_up(repo, monkeypatch, error):
    import copier

    before = snapshot(repo)
    made: list[str] = []
    real_mkdtemp = scaffold.render.tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(real_mkdtemp(*args, **kwargs))
        return made[-1]

    def run_copy(*args, **kwargs):
        raise error

    monkeypatch.setattr(scaffold.render.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(copier, "run_copy", run_copy)
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 2
    line = result.stderr.splitlines()[-1]
    assert line.startswith("scaffold: error: rendering the template failed: ")
    assert "\n" not in line and "Traceback" not in result.output
    assert made and not any(os.path.exists(p) for p in made), "the render folder must be removed"
    assert_untouched(repo, before)


def test_ctrl_c_while_copier_renders_exits_130(repo, monkeypatch):
    import copier

    before = snapshot(repo)

    def run_copy(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(copier, "run_copy", run_copy)
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 130
    assert_untouched(repo, before)


def test_a_file_changed_during_the_run_is_not_overwritten(repo, monkeypatch):
    real_decide = scaffold.init._decide

    def decide(*args, **kwargs):
        decision = real_decide(*args, **kwargs)
        with open(repo / "Dockerfile", "a") as stream:
            stream.write("# edited in another window meanwhile\n")
        return decision

    monkeypatch.setattr(scaffold.init, "_decide", decide)
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "scaffold: error: Dockerfile: changed while scaffold was running; nothing was written, run it again"
    assert (repo / "Dockerfile").read_text().endswith("# edited in another window meanwhile\n")
    assert not (repo / ".env").exists() and not (repo / ".dockerignore").exists()


def test_a_failed_restore_is_reported_honestly(repo, monkeypatch):
    """If even the rollback fails, the message says which files and where their old content is: no false 'nothing changed'."""
    calls = {"n": 0}

    def factory(real):
        def replacement(src, dst, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 4 or str(src).endswith(".scaffold-backup"):
                raise OSError(errno.EIO, "Input/output error")
            return real(src, dst, *args, **kwargs)

        return replacement

    during_apply(monkeypatch, "replace", factory)
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 2
    line = result.stderr.splitlines()[-1]
    assert "could not be restored" in line and ".scaffold-backup" in line
    assert "nothing was changed" not in line
    backups = list(repo.glob(".*.scaffold-backup"))
    assert backups, "the old content must still exist somewhere"


def test_success_goes_through_temp_files_and_renames(repo, monkeypatch):
    renames: list[tuple[str, str]] = []

    def factory(real):
        def replacement(src, dst, *args, **kwargs):
            renames.append((os.path.basename(src), os.path.basename(dst)))
            return real(src, dst, *args, **kwargs)

        return replacement

    during_apply(monkeypatch, "replace", factory)
    result = cli("init", str(repo), "--defaults", "--force")
    assert result.exit_code == 0, result.output
    targets = {dst for _, dst in renames}
    assert {"Dockerfile", "compose.yaml", ".dockerignore", ".env", ".gitignore"} <= targets
    assert all(src.endswith(".scaffold-tmp") for src, _ in renames)
    after = snapshot(repo)
    assert not [p for p in after if p.endswith((".scaffold-tmp", ".scaffold-backup"))]
    assert after["compose.yaml"][1] == 0o640, "a replaced file keeps its mode"
    assert after[".env"][1] == 0o600, ".env is private"
    assert after[".dockerignore"][1] == 0o644
    assert (repo / ".gitignore").read_text().startswith("*.log\n"), ".gitignore is only appended to"


def test_identical_files_are_left_alone(repo):
    assert cli("init", str(repo), "--defaults", "--force").exit_code == 0
    inodes = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in repo.iterdir() if p.is_file()}
    result = cli("init", str(repo), "--defaults")
    assert result.exit_code == 0
    for name in ("Dockerfile", "compose.yaml", ".dockerignore", ".env.example", ".copier-answers.yml"):
        assert f"unchanged  {name}" in result.stdout
    assert "created" not in result.stdout and "updated" not in result.stdout
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in repo.iterdir() if p.is_file()} == inodes


def test_dry_run_touches_nothing_and_prints_the_diff(repo, monkeypatch):
    before = snapshot(repo)
    made: list[str] = []
    real_mkdtemp = scaffold.render.tempfile.mkdtemp
    monkeypatch.setattr(scaffold.render.tempfile, "mkdtemp", lambda *a, **k: made.append(real_mkdtemp(*a, **k)) or made[-1])
    result = cli("init", str(repo), "--defaults", "--force", "--dry-run")
    assert result.exit_code == 0
    assert "--- a/Dockerfile\n+++ b/Dockerfile\n" in result.stdout
    assert "-# my own change" in result.stdout
    assert "create     .env (random secrets; content not shown)" in result.stdout
    assert result.stdout.rstrip().endswith("dry run: nothing was written")
    assert snapshot(repo) == before
    assert made and not any(os.path.exists(p) for p in made)


def test_created_folders_are_removed_on_failure(tmp_path):
    """apply() itself: a change in a new sub-folder, then a failure: the folder goes too."""
    from scaffold.errors import ScaffoldError
    from scaffold.render import FileChange, apply

    (tmp_path / "keep.txt").write_text("mine\n")
    writes = [
        FileChange("deploy/nested/file.txt", b"new\n", None),
        FileChange("keep.txt", b"replaced\n", b"mine\n"),
        FileChange("blocked/x", b"x", None),
    ]
    (tmp_path / "blocked").write_text("a file where a folder is needed\n")
    before = snapshot(tmp_path)
    with pytest.raises(ScaffoldError, match=r"^blocked/x: writing failed \(.+\); nothing was changed$"):
        apply(tmp_path, writes)
    assert snapshot(tmp_path) == before
