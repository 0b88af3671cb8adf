"""Render the template with copier into a temporary folder, then bring the result into the repo safely.

Nothing is written into the user's repo until every file is rendered and
every decision is made; then all files are written atomically (temp file +
rename) and all-or-nothing: if any write fails, or the run is interrupted,
the files already replaced are restored and the new ones removed.
"""

from __future__ import annotations

import difflib
import os
import re
import secrets
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError

PLACEHOLDER = re.compile(r"change-this-[a-z0-9-]+")


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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # copier's DirtyLocalWarning for a checkout with local changes
            copier.run_copy(
                template, target, data=answers, defaults=True, quiet=True, overwrite=True, unsafe=False, vcs_ref=vcs_ref,
            )
        yield target
    except ScaffoldError:
        raise
    except Exception as error:  # copier raises many types; each is a failed render, reported in one line
        message = " ".join(str(error).split()) or type(error).__name__
        raise ScaffoldError(f"rendering the template failed: {message[:300]}") from error
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def plan(rendered_dir: Path, repo: Path) -> list[FileChange]:
    changes = []
    for path in sorted(p for p in rendered_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(rendered_dir).as_posix()
        target = repo / rel
        try:
            old = target.read_bytes() if target.exists() or target.is_symlink() else None
        except OSError as error:
            raise ScaffoldError(f"{rel}: cannot read the existing file ({error.strerror or error})") from None
        changes.append(FileChange(rel, path.read_bytes(), old))
    return changes


def env_file_from_example(example: bytes) -> bytes:
    """.env content: the example with each change-this-* placeholder replaced by its own random secret."""
    text = example.decode("utf-8")
    values: dict[str, str] = {}
    return PLACEHOLDER.sub(lambda m: values.setdefault(m.group(0), secrets.token_hex(24)), text).encode("utf-8")


def gitignore_addition(repo: Path) -> FileChange | None:
    """A .gitignore change that keeps .env out of git, or None when it already is."""
    import pathspec

    path = repo / ".gitignore"
    try:
        old = path.read_bytes() if path.exists() else None
    except OSError:
        return None
    if old is not None:
        spec = pathspec.GitIgnoreSpec.from_lines(old.decode("utf-8", "replace").splitlines())
        if spec.match_file(".env"):
            return None
    prefix = old or b""
    if prefix and not prefix.endswith(b"\n"):
        prefix += b"\n"
    return FileChange(".gitignore", prefix + b"# Local secrets for docker compose (written by scaffold)\n.env\n", old)


def apply(repo: Path, writes: list[FileChange]) -> None:
    """Write every change atomically, all or nothing."""
    staged: list[tuple[Path, Path, FileChange]] = []
    done: list[tuple[Path, FileChange]] = []
    try:
        for change in writes:
            target = repo / change.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or (target.exists() and not target.is_file()):
                raise ScaffoldError(f"{change.path}: exists and is not a regular file; not replaced")
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".scaffold-tmp", dir=target.parent)
            temp = Path(temp_name)
            staged.append((temp, target, change))
            with os.fdopen(handle, "wb") as stream:
                stream.write(change.new)
                stream.flush()
                os.fsync(stream.fileno())
            mode = target.stat().st_mode & 0o7777 if target.exists() else (0o600 if change.path == ".env" else 0o644)
            os.chmod(temp, mode)
        for temp, target, change in staged:
            os.replace(temp, target)
            done.append((target, change))
    except BaseException as error:
        _roll_back(done)
        for temp, _, _ in staged:
            temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ScaffoldError(f"writing the files failed ({error.strerror or error}); nothing was changed") from None
        raise


def _roll_back(done: list[tuple[Path, FileChange]]) -> None:
    for target, change in reversed(done):
        try:
            if change.old is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(change.old)
        except OSError:
            pass  # best effort: the error that got us here is what the user sees
