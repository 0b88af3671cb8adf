"""A read-only view of the project: a cached index of its files, and safe reads.

Detectors never touch the file system themselves: they ask this view, which
skips what is not the project's own code (.git, virtualenvs, node_modules,
caches, what .gitignore ignores), never follows symlinked folders (no loops),
refuses binary or oversized files, and turns every OS error into a
``ManifestError`` naming the file.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections import deque
from functools import cached_property
from pathlib import Path, PurePosixPath

import pathspec

from scaffold.errors import ManifestError, ScaffoldError, os_error_reason
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
MAX_FOLDERS = 10_000  # folders visited (empty ones included); past this, the index stops with a warning
MAX_DEPTH = 8
MAX_READ_BYTES = 2 * 1024 * 1024  # manifests and modules larger than this are not read
MAX_PYTHON_FILES = 2_000  # modules the detectors analyse: the shallowest ones, past this a warning
MAX_GITIGNORE_BYTES = 1024 * 1024
MAX_GITIGNORE_PATTERNS = 2_000
# Names that must be regular files: a folder (or FIFO, device...) by that name is reported, not used.
EXPECTED_FILES = frozenset(
    {
        "pyproject.toml", "requirements.txt", "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock", "poetry.lock",
        "uv.lock", "pdm.lock", ".python-version", "manage.py", "Dockerfile", "compose.yaml", "docker-compose.yml",
        ".gitignore", ".dockerignore", "Procfile", "runtime.txt",
    }
)
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")  # control characters, or bytes that are not UTF-8


class ProjectView:
    """The project below ``root``, as detectors may see it."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        path = Path(root)
        shown = _show(str(root))
        try:
            info = os.stat(path)
        except FileNotFoundError:
            if os.path.islink(path):
                raise ScaffoldError(f"{shown}: a broken symlink, not a directory") from None
            raise ScaffoldError(f"{shown}: no such directory") from None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise ScaffoldError(f"{shown}: a symlink loop, not a directory") from None
            raise ScaffoldError(f"{shown}: cannot be read ({os_error_reason(error)})") from None
        except ValueError:  # an embedded NUL byte
            raise ScaffoldError(f"{shown}: not a valid path") from None
        if not stat.S_ISDIR(info.st_mode):
            raise ScaffoldError(f"{shown}: not a directory")
        if not os.access(path, os.R_OK | os.X_OK):
            raise ScaffoldError(f"{shown}: permission denied")
        self.root = path.resolve()
        self.warnings: list[Finding] = []
        self._texts: dict[str, str] = {}
        self.memo = Memo()

    # ---- the index -------------------------------------------------------
    @cached_property
    def files(self) -> tuple[str, ...]:
        """Relative POSIX paths of the project's files, sorted.

        Breadth first, so that when a cap is hit (MAX_FILES, MAX_FOLDERS) the
        shallow files, where manifests live, are the ones indexed.
        """
        ignore = self._gitignore()
        found: list[str] = []
        bad_names: list[str] = []
        queue: deque[tuple[str, str, int]] = deque([(str(self.root), "", 0)])
        folders = 0
        while queue:
            folder, rel, depth = queue.popleft()
            folders += 1
            if folders > MAX_FOLDERS:
                self.warn(f"stopped indexing after {MAX_FOLDERS:,} folders: detection looked at part of the tree only", Evidence("."))
                break
            try:
                with os.scandir(folder) as iterator:
                    entries = sorted(iterator, key=lambda e: e.name)
            except OSError as error:
                self.warn(f"skipped {rel or './'}: {os_error_reason(error)}", Evidence(rel.rstrip("/") or "."))
                continue
            for entry in entries:
                if _BAD_NAME.search(entry.name):
                    bad_names.append(rel + entry.name)
                    continue
                rel_path = f"{rel}{entry.name}"
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_link = not is_dir and entry.is_symlink()
                except OSError:
                    continue
                if is_dir:
                    if entry.name in SKIPPED_DIRS or _is_virtualenv(entry.path):
                        continue
                    if ignore and ignore.match(rel_path + "/"):
                        continue
                    if entry.name in EXPECTED_FILES and depth <= 1:
                        self.warn(f"skipped {rel_path}: a folder, where a file was expected", Evidence(rel_path))
                    if depth + 1 < MAX_DEPTH:
                        queue.append((entry.path, rel_path + "/", depth + 1))
                    continue
                if is_link:
                    # Only links to regular files inside the project; never folders (loops).
                    try:
                        target = Path(entry.path).resolve(strict=True)
                        if not target.is_relative_to(self.root):
                            self.warn(f"skipped {rel_path}: a symlink to outside the project", Evidence(rel_path))
                            continue
                        if not target.is_file():
                            continue
                    except (OSError, RuntimeError):
                        self.warn(f"skipped {rel_path}: broken or looping symlink", Evidence(rel_path))
                        continue
                if ignore and ignore.match(rel_path):
                    continue
                found.append(rel_path)
                if len(found) >= MAX_FILES:
                    self.warn(f"stopped indexing after {MAX_FILES:,} files: detection looked at part of the tree only", Evidence("."))
                    queue.clear()
                    break
        if bad_names:
            example = _show(bad_names[0])
            self.warn(
                f"skipped {len(bad_names)} file(s) with control characters or non-UTF-8 bytes in the name (e.g. {example})",
                Evidence("."),
            )
        return tuple(sorted(found))

    def _gitignore(self) -> _Ignore | None:
        path = self.root / ".gitignore"
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                return None  # a folder, FIFO...: reported by the index when it is a folder
            if info.st_size > MAX_GITIGNORE_BYTES:
                self.warn(f".gitignore: too large to read ({info.st_size:,} bytes); nothing ignored", Evidence(".gitignore"))
                return None
            text = path.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return None
        except OSError as error:
            self.warn(f".gitignore: {os_error_reason(error)}; nothing ignored", Evidence(".gitignore"))
            return None
        lines = [line for line in text.splitlines() if len(line) < 1000 and "\x00" not in line]
        patterns = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
        if len(patterns) > MAX_GITIGNORE_PATTERNS:
            self.warn(
                f".gitignore: {len(patterns):,} patterns; only the first {MAX_GITIGNORE_PATTERNS:,} are applied", Evidence(".gitignore")
            )
            lines = patterns[:MAX_GITIGNORE_PATTERNS]
        try:
            return _Ignore(pathspec.GitIgnoreSpec.from_lines(lines))
        except Exception:  # a pattern pathspec cannot compile: ignore the file, say so
            self.warn(".gitignore: could not be parsed; nothing ignored", Evidence(".gitignore"))
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
        """The Python modules below ``under``, sorted; at most MAX_PYTHON_FILES, the shallowest (with a warning)."""
        prefix = "" if under in ("", ".") else under.rstrip("/") + "/"
        found = [f for f in self.files if f.endswith(".py") and f.startswith(prefix)]
        if len(found) <= MAX_PYTHON_FILES:
            return found
        self.warn(
            f"{len(found):,} Python files: only the {MAX_PYTHON_FILES:,} shallowest were analysed", Evidence(prefix.rstrip("/") or ".")
        )
        kept = set(sorted(found, key=lambda f: (f.count("/"), f))[:MAX_PYTHON_FILES])
        return [f for f in found if f in kept]

    def folders(self) -> set[str]:
        return {f.rsplit("/", 1)[0] for f in self.files if "/" in f}

    # ---- reading -----------------------------------------------------------
    def read_text(self, rel: str) -> str:
        """The file's text; ``ManifestError`` when it is missing, binary, too large or undecodable."""
        if rel in self._texts:
            return self._texts[rel]
        path = self.root / rel
        try:
            data = _read_regular_file(path, rel)
        except ManifestError:
            raise
        except RecursionError:
            raise ManifestError(rel, "symlink loop") from None
        except OSError as error:
            raise ManifestError(rel, os_error_reason(error)) from None
        except ValueError:  # an embedded NUL byte in the path
            raise ManifestError(_show(rel), "not a valid path") from None
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ManifestError(rel, "UTF-16 encoded; save it as UTF-8")
        if b"\x00" in data:
            raise ManifestError(rel, "binary content (NUL bytes), not a text file", data.count(b"\n", 0, data.index(b"\x00")) + 1)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise ManifestError(rel, f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8", line) from None
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


class _Ignore:
    """A .gitignore matcher: pathspec's, behind one combined regex that most paths fail fast.

    Only a path matched by some ignoring pattern can be ignored (negations only
    re-include), so a path no ignoring pattern matches needs no further look.
    """

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self.prefilter: re.Pattern[str] | None = None
        try:
            includes = [p.regex.pattern for p in spec.patterns if p.include and p.regex is not None]
            self.nothing = not includes
            if includes:
                self.prefilter = re.compile("|".join(f"(?:{x})" for x in includes).replace("(?P<ps_d>", "(?:"))
        except (AttributeError, TypeError, re.error, RecursionError, OverflowError):
            self.nothing = False  # no shortcut: ask pathspec for every path

    def match(self, path: str) -> bool:
        if self.nothing:
            return False
        if self.prefilter is not None and not self.prefilter.match(path):
            return False
        return self.spec.match_file(path)


def _show(text: str) -> str:
    """A path as one printable line: control characters and undecodable bytes escaped."""
    if not _BAD_NAME.search(text):
        return text
    return "".join(repr(c)[1:-1] if _BAD_NAME.match(c) else c for c in text)


def _read_regular_file(path: Path, rel: str) -> bytes:
    """The bytes of a regular file of at most MAX_READ_BYTES; never blocks on a FIFO or device."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ManifestError(rel, "not a regular file")
        if info.st_size > MAX_READ_BYTES:
            raise ManifestError(rel, f"too large to read ({info.st_size:,} bytes; the limit is {MAX_READ_BYTES:,})")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1024 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_READ_BYTES:
                raise ManifestError(rel, f"too large to read (more than {MAX_READ_BYTES:,} bytes)")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


class Memo:
    """Per-view cache for what several detectors derive from the same files."""

    def __init__(self) -> None:
        self._values: dict[str, object] = {}

    def get(self, key: str, compute):  # noqa: ANN001 - a zero-argument callable
        if key not in self._values:
            self._values[key] = compute()
        return self._values[key]
