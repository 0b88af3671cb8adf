"""Bad input, at the CLI: every broken or hostile project gives one clear line and a known exit code, never a traceback.

The corpus lives in tests/bad_input/<case>/ (small committed files). Cases that
need a special file-system state (symlink loops, FIFOs, unreadable files, a
100,000-file tree, 10 MB lines) are built at test time by ``build_<case>``.
Each row of CASES names the command, the exact exit code, and a regex for the
one line that explains what happened: for exit 2 the ``scaffold: error:``
line (the only one, and the last on stderr); for exit 0 a warning on stderr
(init) or on stdout (inspect's report). The repo is never changed by
``inspect`` or by a failed ``init``, and a successful ``init --defaults``
changes no existing file (except .gitignore, which only grows).

Then hypothesis: generated project trees and mutated manifests through
``inspect`` and ``init --defaults --dry-run``: exit 0 or 2, no traceback, repo unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffold.cli import main

CORPUS = Path(__file__).resolve().parent / "bad_input"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FLASK_APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/health")\ndef health():\n    return "ok"\n'
ERROR = "scaffold: error: "
WARNING = "scaffold: warning: "


@dataclass(frozen=True)
class Case:
    name: str  # tests/bad_input/<name>/ and/or build_<name>()
    command: str  # "inspect" or "init" (init --defaults)
    exit_code: int
    pattern: str  # the message line, matched in full
    stream: str = "stderr"  # where the line is: stderr, or stdout (inspect's report)
    xfail: str = ""  # a known problem outside this suite's files, reported to the lead
    shape: str = "scaffold"  # "click": a usage error click reports before scaffold runs

    @property
    def id(self) -> str:
        return f"{self.name}-{self.command}"


CASES = [
    # ---- malformed manifests: fatal when nothing else can be trusted (pyproject.toml, Pipfile)
    Case("pyproject_bad_syntax", "inspect", 2, r"scaffold: error: pyproject\.toml:2: invalid TOML: .+"),
    Case("pyproject_bad_syntax", "init", 2, r"scaffold: error: pyproject\.toml:2: invalid TOML: .+"),
    Case("pyproject_nul_bytes", "init", 2, r"scaffold: error: pyproject\.toml:2: binary content \(NUL bytes\), not a text file"),
    Case("pyproject_latin1", "init", 2, r"scaffold: error: pyproject\.toml:3: not valid UTF-8 \(byte 0xe9\); save it as UTF-8"),
    Case("pyproject_utf16", "inspect", 2, r"scaffold: error: pyproject\.toml: UTF-16 encoded; save it as UTF-8"),
    Case("pyproject_too_large", "init", 2, r"scaffold: error: pyproject\.toml: too large to read \([\d,]+ bytes; the limit is [\d,]+\)"),
    Case("pyproject_deep_nesting", "inspect", 2, r"scaffold: error: pyproject\.toml: invalid TOML: nested too deeply"),
    Case("pyproject_wrong_types", "init", 0, r"created\s+Dockerfile", stream="stdout"),
    Case("pyproject_is_folder", "init", 0, r"scaffold: warning: skipped pyproject\.toml: a folder, where a file was expected.*"),
    Case("unreadable_pyproject", "init", 2, r"scaffold: error: pyproject\.toml: permission denied"),
    Case("pipfile_bad_syntax", "init", 2, r"scaffold: error: Pipfile:1: invalid TOML: .+"),
    Case("pipfile_wrong_types", "init", 0, r"scaffold: warning: Pipfile has no Pipfile\.lock: .+"),
    # ---- lock files and requirements: skipped with a warning, detection goes on
    Case("pipfile_lock_bad_json", "init", 0, r"scaffold: warning: skipped Pipfile\.lock: not valid JSON.*"),
    Case("poetry_lock_bad_toml", "init", 0, r"scaffold: warning: skipped poetry\.lock:3: invalid TOML: .+"),
    Case("uv_lock_wrong_types", "init", 0, r"created\s+Dockerfile", stream="stdout"),
    Case("requirements_latin1", "init", 0, r"scaffold: warning: skipped requirements\.txt:1: not valid UTF-8 \(byte 0xe4\); save it as UTF-8.*"),
    Case("requirements_latin1", "inspect", 0, r"warning: skipped requirements\.txt:1: not valid UTF-8 \(byte 0xe4\); save it as UTF-8.*", stream="stdout"),
    Case("requirements_nul_bytes", "init", 0, r"scaffold: warning: skipped requirements\.txt:2: binary content \(NUL bytes\), not a text file.*"),
    Case("requirements_10mb_line", "init", 0, r"scaffold: warning: skipped requirements\.txt: too large to read \([\d,]+ bytes; the limit is [\d,]+\).*"),
    Case("requirements_long_line", "init", 0, r"scaffold: warning: requirements\.txt:2: skipped a line: line too long.*"),
    Case("requirements_garbage", "init", 0, r"scaffold: warning: requirements\.txt:2: skipped a line: not a requirement .+"),
    Case("requirements_include_loop", "init", 0, r"created\s+Dockerfile", stream="stdout"),
    Case("requirements_include_outside", "init", 0, r"scaffold: warning: requirements\.txt:1: includes \.\./\.\./\.\./\.\./etc/passwd, which does not exist.*"),
    Case("requirements_crlf_bom", "init", 0, r"created\s+Dockerfile", stream="stdout"),
    Case("unreadable_requirements", "init", 0, r"scaffold: warning: skipped requirements\.txt: permission denied.*"),
    Case("fifo_requirements", "init", 0, r"scaffold: warning: skipped requirements\.txt: not a regular file.*"),
    # ---- Python sources and other files
    Case("python_syntax_error", "init", 0, r"scaffold: warning: skipped app\.py:5: Python syntax error \(.+\).*"),
    Case("python_nul_bytes", "init", 0, r"scaffold: warning: skipped app\.py:2: binary content \(NUL bytes\), not a text file.*"),
    Case("python_deep_nesting", "init", 0, r"scaffold: warning: skipped app\.py:1: Python syntax error \(too many nested parentheses\).*"),
    Case("python_10mb_line", "init", 0, r"scaffold: warning: skipped app\.py: too large to read \([\d,]+ bytes; the limit is [\d,]+\).*"),
    Case("python_version_garbage", "init", 0, r"scaffold: warning: \.python-version: 'banana' is not a Python version; ignored.*"),
    Case("python_version_rich_markup", "inspect", 0, r"warning: \.python-version: '\[/red\]' is not a Python version; ignored.*", stream="stdout"),
    Case("setup_cfg_bad_ini", "init", 0, r"scaffold: warning: skipped setup\.cfg: not a valid INI file \(.+\).*"),
    Case("setup_py_syntax_error", "init", 0, r"scaffold: warning: skipped setup\.py:2: Python syntax error \(.+\).*"),
    Case("compose_bad_yaml", "init", 0, r"scaffold: warning: skipped docker-compose\.yml: not valid YAML.*"),
    Case("dockerfile_binary", "init", 0, r"kept\s+Dockerfile \(yours differs; .+\)", stream="stdout"),
    # ---- the file system
    Case("not_a_directory", "inspect", 2, r"scaffold: error: .+/not_a_directory/app\.py: not a directory"),
    Case("missing_path", "init", 2, r"scaffold: error: .+/missing_path/nowhere: no such directory"),
    Case("root_symlink_loop", "inspect", 2, r"scaffold: error: .+/root_symlink_loop/loop: a symlink loop, not a directory"),
    # click checks the PATH argument first: its usage error is three lines, not scaffold's one (reported to the lead).
    Case("unreadable_root", "init", 2, r"scaffold: error: .+/unreadable_root: permission denied"),
    Case("empty_directory", "init", 2, r"scaffold: error: no Python project found here \(no pyproject\.toml, requirements\.txt, setup\.py or \.py files\)"),
    Case("empty_directory", "inspect", 0, r"warning: no Python project found here .+", stream="stdout"),
    Case("only_docs", "init", 2, r"scaffold: error: no Python project found here .+"),
    Case("symlink_loop", "init", 0, r"scaffold: warning: skipped loop_a: broken or looping symlink.*"),
    Case("symlink_dangling_manifest", "init", 0, r"scaffold: warning: skipped requirements\.txt: broken or looping symlink.*"),
    Case("symlink_to_outside", "init", 0, r"scaffold: warning: skipped passwd\.py: a symlink to outside the project.*"),
    Case("unreadable_folder", "init", 0, r"scaffold: warning: skipped pkg/: permission denied.*"),
    Case("control_char_names", "init", 0, r"scaffold: warning: skipped 2 file\(s\) with control characters or non-UTF-8 bytes in the name \(e\.g\. .+\).*"),
    Case("hundred_thousand_files", "inspect", 0, r"warning: stopped indexing after 20,000 files: detection looked at part of the tree only.*", stream="stdout"),
    Case("gitignore_odd_patterns", "init", 0, r"created\s+Dockerfile", stream="stdout"),
    Case("gitignore_ignores_app", "init", 2, r"scaffold: error: no Python project found here .+"),
    Case("gitignore_too_large", "init", 0, r"scaffold: warning: \.gitignore: too large to read \([\d,]+ bytes\); nothing ignored.*"),
    Case("gitignore_is_fifo", "init", 0, r"scaffold: warning: \.env not written: \.gitignore cannot be updated to keep it out of git \(\.gitignore: exists and is not a regular file; move it away\)"),
    # ---- what init would write is in the way
    Case("dockerfile_is_folder", "init", 2, r"scaffold: error: Dockerfile: a folder is in the way of the file scaffold writes; move it away"),
    Case("dockerfile_dangling_symlink", "init", 2, r"scaffold: error: Dockerfile: a broken or looping symlink is in the way; remove it or move it away"),
    Case("env_file_is_folder", "init", 0, r"created\s+Dockerfile", stream="stdout"),
    # A folder named like a number gives a project name YAML would read as one: compose.yaml quotes it.
    Case("folder_named_number", "init", 0, r"created\s+compose\.yaml", stream="stdout"),
]


# Every test renders the template from a plain folder (see conftest.template_copy).
pytestmark = pytest.mark.usefixtures("fast_template")


# ---- builders for file-system states that are not committed ---------------------------------------------
def build_pyproject_too_large(root: Path, monkeypatch) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\ndescription = "' + "x" * 10_000_000 + '"\n')


def build_pyproject_deep_nesting(root: Path, monkeypatch) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")


def build_unreadable_pyproject(root: Path, monkeypatch) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\ndependencies = ["flask"]\n')
    (root / "app.py").write_text(FLASK_APP)
    _deny_open(monkeypatch, root / "pyproject.toml")


def build_requirements_10mb_line(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask" + "a" * 10_000_000 + "\n")
    (root / "app.py").write_text(FLASK_APP)


def build_requirements_long_line(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n" + "b" * 1_500_000 + "\n")
    (root / "app.py").write_text(FLASK_APP)


def build_unreadable_requirements(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)
    _deny_open(monkeypatch, root / "requirements.txt")


def build_fifo_requirements(root: Path, monkeypatch) -> None:
    os.mkfifo(root / "requirements.txt")
    (root / "app.py").write_text(FLASK_APP)


def build_python_10mb_line(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text('x = "' + "a" * 10_000_000 + '"\n')


def build_python_version_rich_markup(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / ".python-version").write_text("[/red]\n")


def build_not_a_directory(root: Path, monkeypatch) -> Path:
    (root / "app.py").write_text(FLASK_APP)
    return root / "app.py"


def build_missing_path(root: Path, monkeypatch) -> Path:
    return root / "nowhere"


def build_root_symlink_loop(root: Path, monkeypatch) -> Path:
    os.symlink("loop", root / "loop")
    return root / "loop"


def build_unreadable_root(root: Path, monkeypatch) -> None:
    (root / "app.py").write_text(FLASK_APP)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if Path(path) == root else real_access(path, mode, *a, **k))


def build_empty_directory(root: Path, monkeypatch) -> None:
    pass


def build_symlink_loop(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    os.symlink(".", root / "self")  # a folder link: never followed
    (root / "pkg").mkdir()
    os.symlink("..", root / "pkg" / "up")


def build_symlink_dangling_manifest(root: Path, monkeypatch) -> None:
    os.symlink("does-not-exist.txt", root / "requirements.txt")
    (root / "app.py").write_text(FLASK_APP)


def build_symlink_to_outside(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)
    os.symlink("/etc/passwd", root / "passwd.py")


def build_unreadable_folder(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)
    (root / "pkg").mkdir()
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    real_scandir = os.scandir

    def scandir(path=".", *args, **kwargs):
        if isinstance(path, (str, os.PathLike)) and Path(path) == root / "pkg":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)


def build_control_char_names(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)
    (root / "evil\nname.py").write_text("def (:\n")
    os.close(os.open(os.fsencode(root) + b"/latin\xe9.py", os.O_CREAT | os.O_WRONLY, 0o644))


def build_hundred_thousand_files(root: Path, monkeypatch) -> None:
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)
    for folder in range(100):
        path = root / f"data{folder:03d}"
        path.mkdir()
        (path / "f0.py").write_text("import os\nVALUE = os.environ.get('X', '1')\n")
        for number in range(1, 1000):
            # Hard links (one inode per folder): ~10x faster to create than 100,000 files.
            os.link(path / "f0.py", path / f"f{number}.py")


def build_gitignore_odd_patterns(root: Path, monkeypatch) -> None:
    (root / ".gitignore").write_text("[\n**/***\n!\n\\\n" + "x" * 2000 + "\n*.log\n\x00\n[z-a]\n")
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)


def build_gitignore_ignores_app(root: Path, monkeypatch) -> None:
    (root / ".gitignore").write_text("app.py\nrequirements.txt\n")
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)


def build_gitignore_too_large(root: Path, monkeypatch) -> None:
    (root / ".gitignore").write_text("*.log\n" * 400_000)
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)


def build_gitignore_is_fifo(root: Path, monkeypatch) -> None:
    os.mkfifo(root / ".gitignore")
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)


def build_dockerfile_dangling_symlink(root: Path, monkeypatch) -> None:
    os.symlink("docker/Dockerfile.prod", root / "Dockerfile")
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)


def build_env_file_is_folder(root: Path, monkeypatch) -> None:
    (root / ".env").mkdir()
    (root / ".env" / "README").write_text("a folder called .env\n")
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text(FLASK_APP)


def build_folder_named_number(root: Path, monkeypatch) -> Path:
    project = root / "2024"
    project.mkdir()
    (project / "requirements.txt").write_text("flask==3.0.3\n")
    (project / "app.py").write_text(FLASK_APP)
    return project


def _deny_open(monkeypatch, denied: Path) -> None:
    """Tests run as root, where chmod 000 blocks nothing: refuse to open this one file instead."""
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):
        if Path(os.fsdecode(path)) == denied:
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


# ---- running and checking ---------------------------------------------------------------------------------
@contextmanager
def time_limit(seconds: int):
    """Fail instead of hanging (a FIFO read by mistake blocks forever)."""

    def expire(signum, frame):
        raise TimeoutError(f"no answer within {seconds}s (a blocking read?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def invoke(args: list[str], timeout: int = 120) -> Result:
    with time_limit(timeout):
        result = CliRunner().invoke(main, args, env={"COLUMNS": "500"}, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"an exception escaped: {result.exception!r}\n{result.stderr}") from result.exception
    return result


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry below root (symlinks not followed): its kind, mode and content (or link target)."""
    state: dict[str, tuple] = {}
    digests: dict[tuple[int, int, int, int], str] = {}  # per inode: hard links are hashed once
    if not os.path.lexists(root):
        return state
    if not os.path.isdir(root) or os.path.islink(root):
        info = os.lstat(root)
        return {".": (stat.S_IFMT(info.st_mode), info.st_size)}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                state[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
                if key not in digests:
                    digests[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest() if info.st_size else ""
                digest = digests[key]
                state[rel] = ("file", stat.S_IMODE(info.st_mode), info.st_size, digest)
            else:
                state[rel] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode))
    return state


def prepare(case: str, tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / case
    if (CORPUS / case).is_dir():
        shutil.copytree(CORPUS / case, root, symlinks=True)
    else:
        root.mkdir()
    builder = globals().get(f"build_{case}")
    target = builder(root, monkeypatch) if builder else None
    assert builder or (CORPUS / case).is_dir(), f"no corpus folder and no builder for {case}"
    return target or root


def check_shape(result: Result, exit_code: int) -> None:
    """No traceback; stderr holds only scaffold's own lines; an error is exactly one line, the last."""
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
    lines = result.stderr.splitlines()
    stray = [line for line in lines if not line.startswith("scaffold: ")]
    assert not stray, f"stderr lines that are not scaffold's: {stray}"
    errors = [line for line in lines if line.startswith(ERROR) or line.startswith("scaffold: internal error")]
    if exit_code == 0:
        assert not errors, errors
    else:
        assert len(errors) == 1 and lines[-1] == errors[0], result.stderr


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else []) for c in CASES]
)
def test_bad_input(case: Case, tmp_path, monkeypatch):
    target = prepare(case.name, tmp_path, monkeypatch)
    project = target if target.is_dir() and not target.is_symlink() else target.parent
    before = snapshot(project)
    args = ["inspect", str(target)] if case.command == "inspect" else ["init", str(target), "--defaults"]
    started = time.perf_counter()
    result = invoke(args)
    elapsed = time.perf_counter() - started
    assert result.exit_code == case.exit_code, f"exit {result.exit_code}\nstdout: {result.stdout[-2000:]}\nstderr: {result.stderr}"
    if case.shape == "click":
        assert "Traceback" not in result.output
    else:
        check_shape(result, case.exit_code)
    text = result.stderr if case.stream == "stderr" else result.stdout
    if case.exit_code == 2:
        assert re.fullmatch(case.pattern, result.stderr.splitlines()[-1]), result.stderr
    else:
        assert any(re.fullmatch(case.pattern, line.strip()) for line in text.splitlines()), f"no line matches {case.pattern!r} in:\n{text[-3000:]}"
    after = snapshot(project)
    if case.command == "inspect" or result.exit_code != 0:
        assert after == before, "the repo changed"
    else:
        assert_nothing_lost(before, after)
    if case.name == "hundred_thousand_files":
        print(f"inspect of 100,000 files: {elapsed:.2f}s")
        assert elapsed < 10, f"inspecting 100,000 files took {elapsed:.1f}s"
        shutil.rmtree(project)  # 100,000 entries: do not leave them to pytest's tmp cleanup


def assert_nothing_lost(before: dict[str, tuple], after: dict[str, tuple]) -> None:
    """Every file that existed is untouched, except .gitignore, which may only grow at its end."""
    for rel, state in before.items():
        if rel == ".gitignore" and state[0] == "file":
            assert after[rel][0] == "file" and after[rel][2] >= state[2]
            continue
        assert after.get(rel) == state, f"{rel} changed"


def test_the_corpus_has_at_least_30_cases():
    names = {case.name for case in CASES}
    assert len(names) >= 30
    committed = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    built = {name.removeprefix("build_") for name in globals() if name.startswith("build_")}
    assert committed | built >= names
    assert not (committed - names), f"corpus folders no case uses: {committed - names}"


def test_debug_shows_the_traceback(tmp_path):
    root = prepare("pyproject_bad_syntax", tmp_path, None)
    plain = invoke(["inspect", str(root)])
    debug = invoke(["--debug", "inspect", str(root)])
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr and "ManifestError" in debug.stderr
    assert debug.stderr.rstrip().splitlines()[-1] == plain.stderr.rstrip()


def test_an_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch):
    import scaffold.profile

    root = prepare("requirements_garbage", tmp_path, monkeypatch)

    def broken(view):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(scaffold.profile, "build_profile", broken)
    result = invoke(["inspect", str(root)])
    assert result.exit_code == 3
    assert result.stderr == "scaffold: internal error: RuntimeError: a bug over two lines (rerun with --debug for details)\n"


def test_skipped_folders_are_not_inspected(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "flask-redis", root)
    for folder in (".git", "node_modules/pkg", ".venv/lib", "venv", "custom-env", "build"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "pyproject.toml").write_text("[project\nbroken")  # fatal if it were read
        (root / folder / "app.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    (root / "custom-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / ".gitignore").write_text("build/\n")
    from scaffold.project import ProjectView

    files = ProjectView(root).files
    assert not [f for f in files if f.split("/")[0] in (".git", "node_modules", ".venv", "venv", "custom-env", "build")]
    result = invoke(["inspect", str(root), "--json"])
    assert result.exit_code == 0, result.stderr
    assert '"fastapi"' not in result.stdout


# ---- property-based: generated trees and mutated manifests through the CLI ---------------------------------
MANIFESTS = ("pyproject.toml", "requirements.txt", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "setup.cfg",
             "setup.py", ".python-version", "Procfile", "Dockerfile", "docker-compose.yml", "manage.py", "app.py", ".gitignore")
SEEDS = {
    "pyproject.toml": '[project]\nname = "demo"\nrequires-python = ">=3.11"\ndependencies = ["flask>=3", "redis", "psycopg[binary]"]\n\n[tool.poetry.dependencies]\npython = "^3.11"\n',
    "requirements.txt": "flask==3.0.3\n-r base.txt\ngunicorn ; python_version >= '3.8'\n-e .\n",
    "Pipfile": '[packages]\nflask = "*"\n\n[requires]\npython_version = "3.12"\n',
    "Pipfile.lock": '{"default": {"flask": {"version": "==3.0.3"}}, "develop": {}}',
    "poetry.lock": '[[package]]\nname = "flask"\nversion = "3.0.3"\n',
    "uv.lock": 'version = 1\nrequires-python = ">=3.12"\n\n[[package]]\nname = "flask"\n',
    "setup.cfg": "[options]\ninstall_requires =\n    flask\n",
    "setup.py": 'from setuptools import setup\nsetup(name="demo", install_requires=["flask"])\n',
    ".python-version": "3.12\n",
    "Procfile": "web: gunicorn app:app --bind 0.0.0.0:$PORT\nworker: celery -A app worker\n",
    "Dockerfile": "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y libpq5\nEXPOSE 9000\nCMD [\"gunicorn\", \"app:app\"]\n",
    "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n",
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
    "app.py": FLASK_APP + 'import os\nDB = os.environ.get("DATABASE_URL", "postgresql://x")\n',
    ".gitignore": "*.log\n__pycache__/\n",
}
NASTY = ["\x00", "\ufeff", "\r\n", "\\", '"', "'", "[", "]", "[/red]", "{{ 7*7 }}", "${X}", "\n[project]\n", "= = =", "\udcff", "é",
         "\t", "\u2028", "-r requirements.txt", "ç" * 3, "0" * 40, "#", ":", "*", "..", "../" * 8]


def mutated(seed: str) -> st.SearchStrategy[bytes]:
    """The seed with slices cut, repeated or replaced by nasty fragments; or raw bytes."""
    def mutate(draw_ops):
        text = seed
        for position, length, fragment in draw_ops:
            position %= len(text) + 1
            text = text[:position] + fragment + text[position + length:]
        return text.encode("utf-8", "surrogateescape")

    op = st.tuples(st.integers(0, 400), st.integers(0, 20), st.one_of(st.sampled_from(NASTY), st.text(max_size=12)))
    return st.one_of(st.lists(op, max_size=6).map(mutate), st.binary(max_size=200))


# Well-formed manifests with values of every type where the known keys are: wrong types, not wrong syntax.
SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=16)
VALUES = st.recursive(
    st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | SAFE_TEXT
    | st.sampled_from(["flask", ">=3.11", "^3.12", "3.12", "*", "postgres:16", "gunicorn app:app", "{path = '.'}"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(SAFE_TEXT | st.sampled_from(["version", "path", "name", "extras", "python"]), children, max_size=3),
    max_leaves=8,
)
KNOWN_KEYS = {
    "pyproject.toml": {"project": ["name", "dependencies", "requires-python", "optional-dependencies", "scripts", "version"],
                       "tool": ["poetry", "uv", "pdm", "setuptools"], "dependency-groups": [], "build-system": []},
    "Pipfile": {"packages": [], "dev-packages": [], "requires": ["python_version", "python_full_version"], "source": []},
    "poetry.lock": {"package": [], "metadata": []},
    "uv.lock": {"package": [], "version": [], "requires-python": []},
    "mise.toml": {"tools": ["python"]},
    "fly.toml": {"http_service": ["internal_port"], "deploy": ["release_command"], "services": []},
}


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, but astral characters written as themselves (TOML has no surrogate pairs)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


@st.composite
def typed_manifest(draw, name: str) -> bytes:
    lines = []
    for table, keys in KNOWN_KEYS[name].items():
        if not draw(st.booleans()):
            continue
        if keys and draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
            value = {key: draw(VALUES) for key in chosen}
        else:
            value = draw(VALUES)
        lines.append(f"{json.dumps(table)} = {toml_value(value)}")
    return ("\n".join(lines) + "\n").encode()


@st.composite
def project_trees(draw) -> dict[str, bytes]:
    names = draw(st.lists(st.sampled_from(MANIFESTS + ("mise.toml", "fly.toml")), min_size=1, max_size=6, unique=True))
    tree = {}
    for name in names:
        if name in KNOWN_KEYS and (name not in SEEDS or draw(st.booleans())):
            tree[name] = draw(typed_manifest(name))
        elif name == "Pipfile.lock" and draw(st.booleans()):
            tree[name] = json.dumps({"default": draw(VALUES), "develop": draw(VALUES), "_meta": draw(VALUES)}).encode()
        else:
            tree[name] = draw(mutated(SEEDS[name]))
    if draw(st.booleans()):
        folder = draw(st.sampled_from(["backend", "app", "src/demo", "deep/a/b/c/d/e/f/g/h/i"]))
        tree[f"{folder}/{draw(st.sampled_from(MANIFESTS))}"] = draw(st.binary(max_size=64) | mutated(SEEDS["app.py"]))
    return tree


def write_tree(root: Path, tree: dict[str, bytes]) -> None:
    for name, content in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            continue
        path.write_bytes(content)


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(tree=project_trees())
def test_generated_trees_inspect_cleanly(tree, tmp_path_factory):
    root = tmp_path_factory.mktemp("tree")
    write_tree(root, tree)
    before = snapshot(root)
    for args in (["inspect", str(root)], ["inspect", str(root), "--json"]):
        result = invoke(args, timeout=60)
        assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
        check_shape(result, result.exit_code)
    assert snapshot(root) == before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tree=project_trees())
def test_generated_trees_dry_run_changes_nothing(tree, tmp_path_factory):
    root = tmp_path_factory.mktemp("tree")
    write_tree(root, tree)
    before = snapshot(root)
    result = invoke(["init", str(root), "--defaults", "--dry-run"], timeout=60)
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    check_shape(result, result.exit_code)
    if result.exit_code == 0:
        assert "dry run: nothing was written" in result.stdout
    assert snapshot(root) == before
