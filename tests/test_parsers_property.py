"""Property-based tests: no input makes a manifest parser, or the whole inspection, fail with
anything but scaffold's own error type (ScaffoldError, which the CLI prints as one line).

Inputs: random bytes decoded, random unicode, real manifests mutated (slices
deleted, duplicated, garbage inserted), deeply nested TOML, huge lines.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffold.errors import ScaffoldError
from scaffold.parsers.procfile import parse_procfile
from scaffold.parsers.requirements import logical_lines, parse_requirements, require_text_file
from scaffold.parsers.toml import line_of, load_toml, string, string_list, table
from scaffold.profile import build_profile
from scaffold.project import ProjectView

FIXTURES = Path(__file__).parent / "fixtures"
# SCAFFOLD_PROPERTY_SCALE=10 runs ten times as many examples (a longer hunt; the default keeps this file well under a minute).
SCALE = max(1, int(os.environ.get("SCAFFOLD_PROPERTY_SCALE", "1") or 1))
FAST = settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Real manifests to mutate: every file of these names in the fixtures.
MANIFEST_NAMES = (
    "pyproject.toml", "requirements.txt", "Pipfile", "Pipfile.lock", "setup.cfg", "setup.py", "poetry.lock", "uv.lock",
    "pdm.lock", "package.json", "Procfile", ".python-version", "runtime.txt", "mise.toml", ".tool-versions",
    "alembic.ini", "fly.toml", "docker-compose.yml", "Dockerfile", ".env.example", "environment.yml", "settings.toml",
)


def _samples() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in MANIFEST_NAMES:
        texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob(name)) if "node_modules" not in p.parts]
        found[name] = texts or [""]
    found["requirements.txt"].append("-r base.txt\n-c constraints.txt\n-e ./libs/x#egg=x\nflask[async]>=3; python_version>'3.8' \\\n  --hash=sha256:00\n")
    return found


SAMPLES = _samples()

text_inputs = st.one_of(
    st.text(max_size=2000),
    st.binary(max_size=2000).map(lambda b: b.decode("utf-8", errors="replace")),
    st.binary(max_size=500).map(lambda b: b.decode("latin-1")),
    st.integers(min_value=1, max_value=3000).map(lambda n: "a = " + "[" * n + "]" * n + "\n"),
    st.integers(min_value=1, max_value=3000).map(lambda n: "a = " + "{b = " * n + "1" + "}" * n + "\n"),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n),
    st.sampled_from(["[", "\\", "-r", "-r \n", "--hash", "#egg=", "a==1 \\", "\ufeff[project]\n", "\r\n\r", "web:", "[[package]]\nname = 1\n"]),
)


@st.composite
def mutated(draw, name: str | None = None) -> str:
    """A real manifest with a few random edits."""
    text = draw(st.sampled_from(SAMPLES[name])) if name else draw(st.sampled_from([t for v in SAMPLES.values() for t in v]))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        operation = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate", "swap"]))
        if not text:
            text = draw(st.text(max_size=50))
            continue
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 80)))
        if operation == "delete":
            text = text[:start] + text[end:]
        elif operation == "insert":
            text = text[:start] + draw(st.text(max_size=30) | st.sampled_from(['"', "'''", "[", "]", "{", "=", "\n", "\\", "\x00", "::"])) + text[start:]
        elif operation == "duplicate":
            text = text[:end] + text[start:end] * draw(st.integers(min_value=1, max_value=50)) + text[end:]
        elif operation == "truncate":
            text = text[:start]
        else:
            text = text[start:] + text[:start]
    return text


any_text = st.one_of(text_inputs, mutated())


def _only_scaffold_errors(function, *args) -> None:  # noqa: ANN001
    try:
        function(*args)
    except ScaffoldError:
        pass


@FAST
@given(any_text)
def test_requirements_parser(text: str) -> None:
    parsed = parse_requirements(text, "requirements.txt")
    for requirement in parsed.requirements:
        assert requirement.line >= 1
    logical_lines(text)
    _only_scaffold_errors(require_text_file, text, "requirements.txt")


@FAST
@given(st.one_of(text_inputs, mutated("requirements.txt")))
def test_requirements_parser_on_requirements(text: str) -> None:
    parse_requirements(text, "requirements.txt")


@FAST
@given(any_text)
def test_procfile_parser(text: str) -> None:
    for command, line in parse_procfile(text).values():
        assert command and line >= 1


@FAST
@given(st.one_of(text_inputs, mutated("pyproject.toml"), mutated("Pipfile"), mutated("uv.lock"), mutated("poetry.lock")))
def test_toml_loader(text: str) -> None:
    try:
        data = load_toml(text, "pyproject.toml")
    except ScaffoldError as error:
        assert error.message.startswith("pyproject.toml")
        return
    table(data, "project")
    table(data, "tool", "poetry", "dependencies")
    string(data, "project", "name")
    string_list(table(data, "project").get("dependencies"))


@FAST
@given(st.text(max_size=300), st.text(max_size=20))
def test_line_of(text: str, needle: str) -> None:
    import re

    line = line_of(text, re.escape(needle))
    assert line is None or 1 <= line <= text.count("\n") + 1


def _inspect(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            profile = build_profile(ProjectView(root))
        except ScaffoldError:
            return
        profile.to_json()
        profile.answers()


@SLOW
@given(st.sampled_from(MANIFEST_NAMES), st.data())
def test_inspection_survives_mutated_manifests(name: str, data: st.DataObject) -> None:
    content = data.draw(st.one_of(mutated(name), text_inputs), label=name)
    app = "from fastapi import FastAPI\napp = FastAPI()\n"
    _inspect({name: content, "main.py": app})


@SLOW
@given(st.sampled_from(MANIFEST_NAMES), st.binary(max_size=3000))
def test_inspection_survives_binary_manifests(name: str, content: bytes) -> None:
    _inspect({name: content, "app.py": b"import flask\n"})


@SLOW
@given(st.sampled_from(["app.py", "manage.py", "settings.py", "tasks.py", "pkg/__init__.py", "mysite/settings.py"]), mutated())
def test_inspection_survives_odd_python(name: str, content: str) -> None:
    source = SAMPLES["setup.py"][0] + "\n" + content
    _inspect({name: source, "requirements.txt": "django\ncelery[redis]\nfastapi\n", "manage.py": "import os\n"})


@SLOW
@given(st.lists(st.sampled_from(MANIFEST_NAMES), min_size=2, max_size=6, unique=True), st.data())
def test_inspection_survives_several_mutated_manifests(names: list[str], data: st.DataObject) -> None:
    files: dict[str, str | bytes] = {name: data.draw(mutated(name), label=name) for name in names}
    prefix = data.draw(st.sampled_from(["", "backend/", "src/app/"]))
    _inspect({prefix + name: content for name, content in files.items()})
