"""A read-only view of the project: a cached index of its files, and safe reads.

Detectors never touch the file system themselves: they ask this view, which
skips what is not the project's own code (.git, virtualenvs, node_modules,
caches, what .gitignore ignores), never follows symlinked folders (no loops),
refuses binary or oversized files, and turns every OS error into a
``ManifestError`` naming the file.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from functools import cached_property
from pathlib import Path, PurePosixPath

import pathspec

from scaffold.errors import ManifestError, ScaffoldError
from scaffold.findings import Evidence, Finding, warning

# Folders that never hold the project's own code.
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".idea",
        ".vscode", "site-packages", ".eggs", "htmlcov", ".cache",
    }
)
MAX_FILES = 20_000  # an app repo has far fewer; past this, the index stops with a warning
MAX_DEPTH = 8
MAX_READ_BYTES = 2 * 1024 * 1024  # manifests and modules larger than this are not read


class ProjectView:
    """The project below ``root``, as detectors may see it."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        path = Path(root)
        if not path.exists():
            raise ScaffoldError(f"{root}: no such directory")
        if not path.is_dir():
            raise ScaffoldError(f"{root}: not a directory")
        if not os.access(path, os.R_OK | os.X_OK):
            raise ScaffoldError(f"{root}: permission denied")
        self.root = path.resolve()
        self.warnings: list[Finding] = []
        self._texts: dict[str, str] = {}
        self.memo = Memo()

    # ---- the index -------------------------------------------------------
    @cached_property
    def files(self) -> tuple[str, ...]:
        """Relative POSIX paths of the project's files, sorted."""
        ignore = self._gitignore()
        found: list[str] = []
        stack: list[tuple[Path, str, int]] = [(self.root, "", 0)]
        while stack:
            folder, rel, depth = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as error:
                self.warnings.append(warning(f"skipped {rel or '.'}/: {_reason(error)}", Evidence(rel or ".")))
                continue
            subfolders = []
            for entry in entries:
                rel_path = f"{rel}{entry.name}"
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_link = entry.is_symlink()
                except OSError:
                    continue
                if is_dir:
                    if entry.name in SKIPPED_DIRS or _is_virtualenv(entry.path):
                        continue
                    if ignore and ignore.match_file(rel_path + "/"):
                        continue
                    if depth + 1 < MAX_DEPTH:
                        subfolders.append((Path(entry.path), rel_path + "/", depth + 1))
                    continue
                if is_link:
                    # Only links to regular files inside the project; never folders (loops).
                    try:
                        target = Path(entry.path).resolve(strict=True)
                        if not target.is_file() or not target.is_relative_to(self.root):
                            continue
                    except (OSError, RuntimeError):
                        self.warnings.append(warning(f"skipped {rel_path}: broken or looping symlink", Evidence(rel_path)))
                        continue
                if ignore and ignore.match_file(rel_path):
                    continue
                found.append(rel_path)
                if len(found) >= MAX_FILES:
                    self.warnings.append(
                        warning(f"stopped indexing after {MAX_FILES:,} files: detection looked at part of the tree only", Evidence("."))
                    )
                    return tuple(sorted(found))
            stack.extend(reversed(subfolders))
        return tuple(sorted(found))

    def _gitignore(self) -> pathspec.GitIgnoreSpec | None:
        path = self.root / ".gitignore"
        if not path.is_file():
            return None
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            self.warnings.append(warning(f".gitignore: {_reason(error)}; nothing ignored", Evidence(".gitignore")))
            return None
        lines = [line for line in text.splitlines() if len(line) < 1000]
        try:
            return pathspec.GitIgnoreSpec.from_lines(lines)
        except Exception:  # a pattern pathspec cannot compile: ignore the file, say so
            self.warnings.append(warning(".gitignore: could not be parsed; nothing ignored", Evidence(".gitignore")))
            return None

    @cached_property
    def _file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    def exists(self, rel: str) -> bool:
        return rel in self._file_set

    def glob(self, pattern: str) -> list[str]:
        """Files matching a glob on the whole relative path (``*`` crosses no '/')."""
        if "/" not in pattern:
            return [f for f in self.files if "/" not in f and fnmatch.fnmatchcase(f, pattern)]
        return [f for f in self.files if PurePosixPath(f).match(pattern) and f.count("/") == pattern.count("/")]

    def find_name(self, name: str, *, max_depth: int = 3) -> list[str]:
        """Files called ``name`` at most ``max_depth`` folders deep, shallowest first."""
        hits = [f for f in self.files if f.rsplit("/", 1)[-1] == name and f.count("/") <= max_depth]
        return sorted(hits, key=lambda f: (f.count("/"), f))

    def python_files(self, under: str = "") -> list[str]:
        prefix = "" if under in ("", ".") else under.rstrip("/") + "/"
        return [f for f in self.files if f.endswith(".py") and f.startswith(prefix)]

    def folders(self) -> set[str]:
        return {f.rsplit("/", 1)[0] for f in self.files if "/" in f}

    # ---- reading -----------------------------------------------------------
    def read_text(self, rel: str) -> str:
        """The file's text; ``ManifestError`` when it is missing, binary, too large or undecodable."""
        if rel in self._texts:
            return self._texts[rel]
        path = self.root / rel
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise ManifestError(rel, "not a regular file")
            if info.st_size > MAX_READ_BYTES:
                raise ManifestError(rel, f"too large to read ({info.st_size:,} bytes; the limit is {MAX_READ_BYTES:,})")
            data = path.read_bytes()
        except ManifestError:
            raise
        except RecursionError:
            raise ManifestError(rel, "symlink loop") from None
        except OSError as error:
            raise ManifestError(rel, _reason(error)) from None
        if b"\x00" in data:
            raise ManifestError(rel, "binary content (NUL bytes), not a text file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ManifestError(rel, f"not valid UTF-8 (byte {error.start})") from None
        self._texts[rel] = text
        return text

    def try_read_text(self, rel: str) -> str | None:
        """Like ``read_text``, but a problem becomes a warning and None (for optional reads)."""
        try:
            return self.read_text(rel)
        except ManifestError as error:
            self.warn(f"skipped {error.message}", Evidence(rel))
            return None

    def warn(self, message: str, *evidence: Evidence) -> None:
        if not any(w.value == message for w in self.warnings):
            self.warnings.append(warning(message, *evidence))


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if error.strerror:
        return error.strerror.lower()
    return str(error)


class Memo:
    """Per-view cache for what several detectors derive from the same files."""

    def __init__(self) -> None:
        self._values: dict[str, object] = {}

    def get(self, key: str, compute):  # noqa: ANN001 - a zero-argument callable
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]
