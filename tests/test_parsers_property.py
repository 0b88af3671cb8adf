"""Property-based tests: no input makes a manifest parser, or the whole inspection, fail with
anything but scaffold's own error type (ScaffoldError, which the CLI prints as one line).

Inputs: random bytes decoded, random unicode, real manifests mutated (slices
deleted, duplicated, garbage inserted), deeply nested TOML, huge lines.
"""

from __future__ import annotations

import json
import os
import re
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
FAST = settings(max_examples=1000 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=200 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

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


# Structured documents built from the keys real manifests use, with values of any type: they get
# past the TOML/JSON parsers and exercise the code that reads the parsed data.
KEYS = (
    "project", "name", "dependencies", "optional-dependencies", "scripts", "requires-python", "tool", "poetry", "uv",
    "pdm", "sources", "workspace", "members", "group", "dev-dependencies", "dependency-groups", "build-system",
    "build-backend", "python", "path", "extras", "version", "dev", "main", "packages", "dev-packages", "requires",
    "python_version", "tools", "http_service", "internal_port", "services", "deploy", "release_command", "default",
    "develop", "_meta", "package", "image", "scripts", "devDependencies", "packageManager", "next", "vite", "react",
    "build", "flask", "fastapi", "psycopg2", "celery", "gunicorn", "uvicorn",
)
scalars = st.one_of(
    st.text(max_size=30), st.sampled_from(["fastapi>=0.1", "psycopg[binary]", "^3.11", ">=3.12", "3.8", "*", "./lib", "x @ file:///a"]),
    st.integers(min_value=-(2**40), max_value=2**40), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml_string(str(k))} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _toml_string(value: str) -> str:
    escaped = "".join(f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F else c for c in value)
    return f'"{escaped}"'


def toml_document(data: object) -> str:
    if not isinstance(data, dict):
        data = {"project": data}
    return "".join(f"{_toml_string(str(k))} = {_toml_value(v)}\n" for k, v in data.items())


structured_toml = st.dictionaries(st.sampled_from(KEYS), documents, max_size=6).map(toml_document)
structured_json = documents.map(json.dumps)

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
        _assert_valid_answers(profile.answers())


COMMAND = re.compile(r"[A-Za-z0-9_./:=,@%+()\[\]{}\- ]+")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DEBIAN = re.compile(r"[a-z0-9][a-z0-9+.-]+")


def _assert_valid_answers(answers: dict) -> None:
    """The answers pass copier.yml's validators (the same patterns, checked here independently)."""
    assert re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", answers["project_name"]), answers["project_name"]
    assert re.fullmatch(r"(\.|[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)", answers["app_dir"]) and ".." not in answers["app_dir"]
    assert answers.get("python_version", "3.12") in ("3.14", "3.13", "3.12", "3.11")
    assert answers.get("package_manager", "pip") in ("pip", "uv", "poetry", "pipenv", "pdm")
    if answers.get("requirements_file"):
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_./-]*", answers["requirements_file"]), answers["requirements_file"]
    if "app_module" in answers:
        assert re.fullmatch(
            r"([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_.]*(\(\))?|[A-Za-z0-9_][A-Za-z0-9_./-]*\.py)",
            answers["app_module"],
        ), answers["app_module"]
    if "port" in answers:
        assert isinstance(answers["port"], int) and 1 <= answers["port"] <= 65535
    for key in ("command", "migrate_command", "worker_command"):
        if answers.get(key) or key == "command" and key in answers:
            assert COMMAND.fullmatch(answers[key]) and answers[key].strip(), (key, answers[key])
    if answers.get("health_path"):
        assert re.fullmatch(r"/[A-Za-z0-9_./~-]*", answers["health_path"]), answers["health_path"]
    assert set(answers["services"]) <= {"postgres", "mysql", "redis", "rabbitmq", "mongodb"}
    for name, service in answers["service_env_vars"].items():
        assert NAME.fullmatch(name) and service in answers["services"]
    for name, value in answers["env_vars"].items():
        assert NAME.fullmatch(name), name
        assert isinstance(value, (str, int)) and not any(c in str(value) for c in "'\\\n"), (name, value)
    for name in answers["secret_env_vars"]:
        assert NAME.fullmatch(name), name
    for key in ("build_packages", "runtime_packages"):
        assert all(DEBIAN.fullmatch(p) for p in answers[key]), answers[key]


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


TOML_MANIFESTS = ("pyproject.toml", "Pipfile", "uv.lock", "poetry.lock", "pdm.lock", "mise.toml", "fly.toml", "settings.toml")
JSON_MANIFESTS = ("Pipfile.lock", "package.json", "docker-compose.yml", "environment.yml")


@SLOW
@given(st.sampled_from(TOML_MANIFESTS + JSON_MANIFESTS), st.data())
def test_inspection_survives_structured_nonsense(name: str, data: st.DataObject) -> None:
    content = data.draw(structured_toml if name in TOML_MANIFESTS else structured_json, label=name)
    _inspect({name: content, "main.py": "from fastapi import FastAPI\napp = FastAPI()\n", "manage.py": "import os\n"})


@SLOW
@given(structured_toml)
def test_toml_loader_structured(text: str) -> None:
    data = load_toml(text, "pyproject.toml")
    string_list(table(data, "project").get("dependencies"))
