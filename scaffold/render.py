"""Render the template with copier into a temporary folder, then bring the result into the repo safely.

Nothing is written into the user's repo until every file is rendered and
every decision is made; then all files are written atomically (temp file +
rename) and all-or-nothing: if any write fails, or the run is interrupted,
the files already replaced are restored and the new ones removed.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import secrets
import shutil
import stat
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError, os_error_reason

PLACEHOLDER = re.compile(r"change-this-[a-z0-9-]+")
MAX_EXISTING_BYTES = 16 * 1024 * 1024  # an existing file larger than this is not one to diff


@dataclass
class FileChange:
    path: str  # relative to the repo
    new: bytes
    old: bytes | None  # None: the file does not exist yet

    @property
    def status(self) -> str:
        if self.old is None:
            return "create"
        return "identical" if self.old == self.new else "differs"

    def diff(self) -> str:
        old = (self.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = self.new.decode("utf-8", "replace").splitlines(keepends=True)
        before = f"a/{self.path}" if self.old is not None else "/dev/null"
        return "".join(difflib.unified_diff(old, new, before, f"b/{self.path}"))


@contextmanager
def rendered(template: str, answers: dict[str, Any], folder_name: str, vcs_ref: str | None = None) -> Iterator[Path]:
    """Copier's output for these answers, in a temporary folder that is removed afterwards."""
    import copier  # imported here: it is slow to import and not every command needs it

    workdir = Path(tempfile.mkdtemp(prefix="scaffold-render-"))
    target = workdir / (folder_name or "project")
    chatter = io.StringIO()  # copier prints notes ("No git tags found...") to stderr even when quiet
    try:
        try:
            with warnings.catch_warnings(), redirect_stderr(chatter):
                warnings.simplefilter("ignore")  # copier's DirtyLocalWarning for a checkout with local changes
                copier.run_copy(
                    template, target, data=answers, defaults=True, quiet=True, overwrite=True, unsafe=False, vcs_ref=vcs_ref,
                )
        except ScaffoldError:
            raise
        except Exception as error:  # copier raises many types; each is a failed render, reported in one line
            message = " ".join(str(error).split()) or type(error).__name__
            raise ScaffoldError(f"rendering the template failed: {message[:300]}") from error
        yield target
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def plan(rendered_dir: Path, repo: Path) -> list[FileChange]:
    """What writing the rendered files into the repo would change, file by file (nothing is written)."""
    changes = []
    for path in sorted(p for p in rendered_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(rendered_dir).as_posix()
        changes.append(FileChange(rel, path.read_bytes(), read_existing(repo, rel)))
    return changes


def read_existing(repo: Path, rel: str) -> bytes | None:
    """The bytes of the repo's file at ``rel``, None when there is none; ScaffoldError when something
    that cannot be compared or safely replaced (a folder, FIFO, broken symlink...) is in the way."""
    target = repo / rel
    try:
        info = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):  # (a file where a folder of the path would be: nothing to read)
        return None
    except OSError as error:
        raise ScaffoldError(f"{rel}: cannot read the existing file ({os_error_reason(error)})") from None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(target)
        except OSError:
            raise ScaffoldError(f"{rel}: a broken or looping symlink is in the way; remove it or move it away") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScaffoldError(f"{rel}: a folder is in the way of the file scaffold writes; move it away")
    if not stat.S_ISREG(info.st_mode):
        raise ScaffoldError(f"{rel}: exists and is not a regular file; move it away")
    if info.st_size > MAX_EXISTING_BYTES:
        raise ScaffoldError(f"{rel}: the existing file is too large to compare ({info.st_size:,} bytes); move it away")
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ScaffoldError(f"{rel}: exists and is not a regular file; move it away")
            chunks = []
            while chunk := os.read(fd, 1024 * 1024):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as error:
        raise ScaffoldError(f"{rel}: cannot read the existing file ({os_error_reason(error)})") from None


def env_file_from_example(example: bytes) -> bytes:
    """.env content: the example with each change-this-* placeholder replaced by its own random secret."""
    text = example.decode("utf-8")
    values: dict[str, str] = {}
    return PLACEHOLDER.sub(lambda m: values.setdefault(m.group(0), secrets.token_hex(24)), text).encode("utf-8")


def gitignore_addition(repo: Path) -> FileChange | None:
    """A .gitignore change that keeps .env out of git, or None when it already is.

    ScaffoldError when .gitignore exists but cannot be read or replaced (a
    folder, FIFO, broken symlink): the caller then must not write .env.
    """
    import pathspec

    old = read_existing(repo, ".gitignore")
    if old is not None:
        try:
            spec = pathspec.GitIgnoreSpec.from_lines(old.decode("utf-8", "replace").splitlines())
            if spec.match_file(".env"):
                return None
        except Exception:  # a pattern pathspec cannot compile: add the line anyway
            pass
    prefix = old or b""
    if prefix and not prefix.endswith(b"\n"):
        prefix += b"\n"
    return FileChange(".gitignore", prefix + b"# Local secrets for docker compose (written by scaffold)\n.env\n", old)


def apply(repo: Path, writes: list[FileChange]) -> None:
    """Write every change atomically, all or nothing.

    Phase 1 stages each new content in a temp file beside its target (fsynced,
    with the target's mode), and checks the target still holds what was
    planned. Phase 2 keeps a hard link to each file it replaces, then renames
    the temp file over it. If anything fails or the run is interrupted
    (KeyboardInterrupt included), every replaced file is put back from its
    link, created files and folders are removed, and temp files are deleted:
    the repo is exactly as before. The error is then re-raised (an OSError as
    a ScaffoldError naming the file).
    """
    staged: list[tuple[Path, Path, FileChange]] = []
    done: list[tuple[Path, FileChange, Path | None, Path]] = []  # (target, change, backup of the old file, temp)
    created_dirs: list[Path] = []
    current = ""
    try:
        for change in writes:
            current = change.path
            target = repo / change.path
            created_dirs += _make_parents(target.parent, repo)
            if read_existing(repo, change.path) != change.old:
                raise ScaffoldError(f"{change.path}: changed while scaffold was running; nothing was written, run it again")
            if target.is_symlink():
                raise ScaffoldError(f"{change.path}: is a symlink; not replaced (nothing was written)")
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".scaffold-tmp", dir=target.parent)
            temp = Path(temp_name)
            staged.append((temp, target, change))
            with os.fdopen(handle, "wb") as stream:
                stream.write(change.new)
                stream.flush()
                os.fsync(stream.fileno())
            if change.old is not None:  # the replacement keeps the file's mode and, where allowed, its owner
                info = target.stat()
                os.chmod(temp, stat.S_IMODE(info.st_mode))
                if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                    _quietly(os.chown, temp, info.st_uid, info.st_gid)
            else:
                os.chmod(temp, 0o600 if change.path.rsplit("/", 1)[-1] == ".env" else 0o644)
        for temp, target, change in staged:
            current = change.path
            backup = _backup(target) if change.old is not None else None
            # Recorded before the rename: undoing a rename that did not happen is harmless
            # (the backup is a link to the same file), missing one that did is not.
            done.append((target, change, backup, temp))
            os.replace(temp, target)
        _fsync_dirs({target.parent for _, target, _ in staged})
    except BaseException as error:
        failed = _roll_back(done)
        for temp, _, _ in staged:
            _quietly(temp.unlink, missing_ok=True)
        for folder in reversed(created_dirs):
            _quietly(folder.rmdir)
        if failed:
            raise ScaffoldError(
                f"writing {current} failed and these files could not be restored: {', '.join(failed)}; "
                f"copies of their old content are beside them as .*.scaffold-backup"
            ) from None
        if isinstance(error, OSError):
            raise ScaffoldError(f"{current}: writing failed ({os_error_reason(error)}); nothing was changed") from None
        raise
    for _, _, backup, _ in done:
        if backup is not None:
            _quietly(backup.unlink, missing_ok=True)


def _make_parents(folder: Path, repo: Path) -> list[Path]:
    """Create the missing folders up to ``folder``; returns those created, deepest last."""
    missing: list[Path] = []
    while not folder.exists() and folder != repo and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    created: list[Path] = []
    for path in reversed(missing):
        path.mkdir()
        created.append(path)
    return created


def _backup(target: Path) -> Path:
    """A hard link to the file about to be replaced (so it can be put back exactly), or a copy."""
    for attempt in range(100):
        backup = target.with_name(f".{target.name}.{os.getpid()}.{attempt}.scaffold-backup")
        try:
            os.link(target, backup)
            return backup
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system: a copy does
            shutil.copy2(target, backup)
            return backup
    raise ScaffoldError(f"{target.name}: cannot create a backup beside it")


def _roll_back(done: list[tuple[Path, FileChange, Path | None, Path]]) -> list[str]:
    """Undo the renames; returns the files that could not be restored."""
    failed: list[str] = []
    for target, change, backup, temp in reversed(done):
        try:
            if backup is None:
                if not os.path.lexists(temp):  # renamed into place: remove what scaffold created
                    target.unlink(missing_ok=True)
            elif _same_file(backup, target):  # not replaced yet (rename(2) would do nothing for two links)
                backup.unlink()
            else:
                os.replace(backup, target)
        except BaseException:  # keep restoring the others; report this one
            failed.append(change.path)
    return failed


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _fsync_dirs(folders: set[Path]) -> None:
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def _quietly(function: Any, *args: Any, **kwargs: Any) -> None:
    try:
        function(*args, **kwargs)
    except OSError:
        pass
