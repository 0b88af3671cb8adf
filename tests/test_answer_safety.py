"""Answers are data, never code; and what scaffold generates keeps secrets secret.

1. Hostile answers (quotes, $, newlines, {{ }}, YAML specials, shell syntax)
   given with ``init --defaults --data``: either a validator rejects them
   (exit 2, one line naming the question and the reason) or the rendered
   files still parse (YAML loads, the Dockerfile parses with CMD in exec form,
   hadolint and the compose-spec schema pass, docker compose resolves the
   environment) and every value survives literally; nothing is executed and
   ``{{ 7*7 }}`` never becomes 49.
2. File-level security of the rendered sample apps: secrets only in the
   git-ignored, private .env, with random values; .dockerignore keeps .env*
   (but not the example) out of the build context; no secrets in ARG/ENV or in
   committed files; the app runs as a numeric non-root user; backing
   services publish no ports.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from dockerfile_parse import DockerfileParser

from scaffold.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BIN = Path(sys.executable).parent  # hadolint, check-jsonschema, docker-compose: installed with the test extras
SAMPLES = ("fastapi-postgres-redis", "django-postgres", "flask-redis", "worker-cli")
MARKER = "/tmp/scaffold-answer-safety-pwned"

HOSTILE_ENV = {
    "DOLLAR": "x $y",
    "BRACES": "{{ 7*7 }}",
    "BLOCK": "{% if true %}yes{% endif %}",
    "YAML_COLON": "a: b #c",
    "DOUBLE_QUOTES": '"q"',
    "INTERPOLATION": "${HOME}",
    "BACKTICKS": "`id`",
    "SUBSHELL": f"$(touch {MARKER})",
    "SEQUENCE": "- [x]",
    "ANCHOR": "&a *b",
    "NULL": "null",
    "BOOL": "yes",
    "TILDE": "~",
    "UNICODE": "é ü ✓",
    "PERCENT": "%s {x} 100%",
    "EMPTY": "",
    "SEMICOLON": "a; rm -rf / &",
}
HOSTILE_COMMANDS = {
    "worker_command": "celery -A app worker {{7}} --x=%(y)s",
    "migrate_command": "python -m app.migrate --label={{ name }} [x]",
    "command": "uvicorn app.main:app --host 0.0.0.0 --port 8000 --root-path=/{x}",
    "extra_packages": "uvicorn[standard]==0.30.0 gunicorn==23.0.0",
}


# Every test renders the template from a plain folder (see conftest.template_copy).
pytestmark = pytest.mark.usefixtures("fast_template")


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


def tool(name: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    executable = BIN / name if (BIN / name).exists() else shutil.which(name)
    if executable is None:
        pytest.skip(f"{name} is not installed")
    return subprocess.run([str(executable), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


# ---- 1. hostile answers -------------------------------------------------------------------------------------
REJECTED = [
    ("project_name", 'my"app', r"project_name: must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit"),
    ("project_name", "my$app", r"project_name: must be 1-63 lowercase letters, .+"),
    ("project_name", "my\napp", r"project_name: must be 1-63 lowercase letters, .+"),
    ("project_name", "{{ 7*7 }}", r"project_name: must be 1-63 lowercase letters, .+"),
    ("project_name", "x: y", r"project_name: must be 1-63 lowercase letters, .+"),
    ("env_vars", '{"A": "it\'s"}', r"env_vars: A: the value may not hold a single quote, a backslash, a newline or other control character"),
    ("env_vars", '{"A": "back\\\\slash"}', r"env_vars: A: the value may not hold .+"),
    ("env_vars", '{"A": "two\\nlines"}', r"env_vars: A: the value may not hold .+"),
    ("env_vars", '{"A": "tab\\there"}', r"env_vars: A: the value may not hold .+"),
    ("env_vars", '{"A B": "x"}', r"env_vars: A B: not a valid variable name"),
    ("env_vars", '{"A": {"nested": 1}}', r"env_vars: A: the value must be a string or number.*"),
    ("env_vars", '["A"]', r"env_vars: must be a mapping NAME: value"),
    ("env_vars", "{{ 7*7 }}", r"env_vars: .+"),
    ("secret_env_vars", '["API KEY"]', r"secret_env_vars: API KEY: not a valid variable name"),
    ("service_env_vars", '{"DATABASE_URL": "oracle"}', r"service_env_vars: DATABASE_URL: 'oracle' is not one of the selected services .+"),
    ("command", 'gunicorn "app:app"', r"command: may only hold letters, digits, spaces and .+: it runs in exec form, without a shell"),
    ("command", "uvicorn app:app $OPTS", r"command: may only hold .+"),
    ("command", "sh -c 'id'", r"command: may only hold .+"),
    ("command", "run && rm -rf /", r"command: may only hold .+"),
    ("command", "run\nRUN id", r"command: may only hold .+"),
    ("command", "uvicorn app:app {{ 7*7 }}", r"command: may only hold .+"),
    ("command", "   ", r"command: must not be empty"),
    ("migrate_command", "python manage.py migrate; id", r"migrate_command: may only hold .+"),
    ("worker_command", "celery worker `id`", r"worker_command: may only hold .+"),
    ("extra_packages", "flask; id", r"extra_packages: must be space-separated requirement specifiers .+"),
    ("extra_packages", "$(id)", r"extra_packages: must be space-separated requirement specifiers .+"),
    ("health_path", '/health"', r"health_path: must be empty or a path such as /health"),
    ("health_path", "/h?x=$(id)", r"health_path: must be empty or a path such as /health"),
    ("app_module", "app:app; id", r"app_module: must look like .+"),
    ("app_dir", "../outside", r"app_dir: must be '\.' or a relative folder .+"),
    ("app_dir", "/etc", r"app_dir: must be '\.' or a relative folder .+"),
    ("requirements_file", "-r evil.txt", r"requirements_file: must be a relative path .+"),
    ("requirements_file", "../../etc/passwd", r"requirements_file: must be a relative path .+"),
    ("runtime_packages", '["ffmpeg; id"]', r"runtime_packages: ffmpeg; id: not a Debian package name"),
    ("build_packages", '"gcc"', r"build_packages: must be a list of Debian package names"),
    ("port", "80; id", r"port: '80; id' is not a whole number"),
    ("port", "99999", r"port: must be between 1 and 65535"),
    ("python_version", "3.12; id", r"python_version: '3\.12; id' is not one of: .+"),
    ("services", "postgres,oracle", r"services: 'oracle' is not one of: .+"),
]


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(FIXTURES / "fastapi-postgres-redis", root / "shop")
    return root / "shop"


@pytest.mark.parametrize("question,value,reason", REJECTED, ids=[f"{q}={v!r}"[:40] for q, v, _ in REJECTED])
def test_a_validator_rejects_what_cannot_be_made_safe(sample_copy, question, value, reason):
    before = sorted(p.name for p in sample_copy.iterdir())
    result = cli("init", str(sample_copy), "--defaults", "--data", f"{question}={value}")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len([line for line in lines if line.startswith("scaffold: error: ")]) == 1
    assert re.fullmatch("scaffold: error: " + reason, lines[-1]), lines[-1]
    assert sorted(p.name for p in sample_copy.iterdir()) == before, "nothing is written"


@pytest.fixture(scope="module")
def hostile_render(tmp_path_factory, template_copy) -> Path:
    root = tmp_path_factory.mktemp("accepted")
    project = root / "shop"
    shutil.copytree(FIXTURES / "fastapi-postgres-redis", project)
    Path(MARKER).unlink(missing_ok=True)
    data = [f"env_vars={json.dumps(HOSTILE_ENV)}", "health_path=/health/~x.y-z_"]
    data += [f"{key}={value}" for key, value in HOSTILE_COMMANDS.items()]
    os.environ["SCAFFOLD_TEMPLATE"] = str(template_copy)
    try:
        result = cli("init", str(project), "--defaults", *[arg for pair in data for arg in ("--data", pair)])
    finally:
        os.environ.pop("SCAFFOLD_TEMPLATE", None)
    assert result.exit_code == 0, result.output
    return project


def dotenv(path: Path) -> dict[str, str]:
    """Compose's reading of KEY=value / KEY='literal value' lines (the only forms the template writes)."""
    values = {}
    for line in path.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        else:  # unquoted: only ${NAME} references may use $ (compose resolves them), nothing a shell or compose reads specially
            assert not re.search(r"[\s$\"'`#\\]", re.sub(r"\$\{[A-Z_][A-Z0-9_]*\}", "", value)), f"an unquoted value needing quotes: {line}"
        values[key] = value
    return values


def test_hostile_values_survive_literally_in_env_example(hostile_render):
    values = dotenv(hostile_render / ".env.example")
    for name, value in HOSTILE_ENV.items():
        assert values[name] == value, name


def test_compose_yaml_loads_and_commands_are_exact_lists(hostile_render):
    compose = yaml.safe_load((hostile_render / "compose.yaml").read_text())
    services = compose["services"]
    assert services["worker"]["command"] == HOSTILE_COMMANDS["worker_command"].split()
    assert services["migrate"]["command"] == HOSTILE_COMMANDS["migrate_command"].split()
    assert "/health/~x.y-z_" in " ".join(services["app"]["healthcheck"]["test"])


def test_compose_resolves_every_hostile_value_literally(hostile_render):
    result = tool("docker-compose", "config", "--format", "json", cwd=hostile_render)
    assert result.returncode == 0, result.stderr
    environment = json.loads(result.stdout)["services"]["app"]["environment"]
    for name, value in HOSTILE_ENV.items():
        assert environment[name].replace("$$", "$") == value, name  # compose prints a literal $ as $$


def test_dockerfile_parses_with_cmd_in_exec_form(hostile_render):
    parser = DockerfileParser(fileobj=open(hostile_render / "Dockerfile", "rb"))
    instructions = [(i["instruction"], i["value"]) for i in parser.structure]
    assert {name for name, _ in instructions} <= {"ARG", "FROM", "ENV", "RUN", "WORKDIR", "COPY", "USER", "EXPOSE", "CMD", "COMMENT"}
    cmd = [value for name, value in instructions if name == "CMD"]
    assert len(cmd) == 1 and json.loads(cmd[0]) == HOSTILE_COMMANDS["command"].split()
    runs = " ".join(value for name, value in instructions if name == "RUN")
    quoted = " ".join(f'"{requirement}"' for requirement in HOSTILE_COMMANDS["extra_packages"].split())
    assert f"pip install {quoted}" in runs


def test_braces_are_never_evaluated(hostile_render):
    for name in ("Dockerfile", "compose.yaml", ".env.example", ".env", ".copier-answers.yml"):
        text = (hostile_render / name).read_text()
        assert not re.search(r"\b49\b", text), f"{{{{ 7*7 }}}} was evaluated in {name}"
    assert "{{ 7*7 }}" in (hostile_render / ".env.example").read_text()
    assert "{% if true %}yes{% endif %}" in (hostile_render / ".env.example").read_text()
    answers = yaml.safe_load((hostile_render / ".copier-answers.yml").read_text())
    assert answers["env_vars"] == HOSTILE_ENV
    assert answers["worker_command"] == HOSTILE_COMMANDS["worker_command"]


def test_extra_packages_are_quoted_in_the_shell_form_run(hostile_render):
    hadolint = tool("hadolint", "--no-color", str(hostile_render / "Dockerfile"))
    assert "SC2102" not in hadolint.stdout, hadolint.stdout


def test_nothing_was_executed(hostile_render):
    tool("docker-compose", "config", "-q", cwd=hostile_render)
    assert not os.path.exists(MARKER)


def test_hadolint_and_compose_schema_pass_on_the_hostile_render(hostile_render):
    # Warnings and errors fail (info-level style hints are not the answers' doing).
    hadolint = tool("hadolint", "--failure-threshold", "warning", str(hostile_render / "Dockerfile"))
    assert hadolint.returncode == 0, hadolint.stdout + hadolint.stderr
    schema = tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(hostile_render / "compose.yaml"))
    assert schema.returncode == 0, schema.stdout + schema.stderr


# ---- 2. security of what is generated (file level; the built image is checked with Docker elsewhere) ----------
@pytest.fixture(scope="module")
def samples(tmp_path_factory, template_copy) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("samples")
    rendered = {}
    os.environ["SCAFFOLD_TEMPLATE"] = str(template_copy)
    try:
        for name in SAMPLES:
            project = root / name
            shutil.copytree(FIXTURES / name, project)
            subprocess.run(["git", "init", "-q", str(project)], check=True)
            result = cli("init", str(project), "--defaults")
            assert result.exit_code == 0, result.output
            rendered[name] = project
    finally:
        os.environ.pop("SCAFFOLD_TEMPLATE", None)
    return rendered


@pytest.fixture(params=SAMPLES)
def sample(request, samples) -> Path:
    return samples[request.param]


SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIALS)", re.IGNORECASE)
WEAK = {"postgres", "changeme", "change-me", "password", "secret", "admin", "root", "example", "mysql", "guest"}


def env_secrets(project: Path) -> dict[str, str]:
    return {k: v for k, v in dotenv(project / ".env").items() if SECRET_NAME.search(k)}


def test_env_is_private_git_ignored_and_its_secrets_random(sample):
    env = sample / ".env"
    assert env.is_file() and stat.S_IMODE(env.stat().st_mode) == 0o600
    ignored = subprocess.run(["git", "-C", str(sample), "check-ignore", "-q", ".env"])
    assert ignored.returncode == 0, ".env must be git-ignored"
    example = subprocess.run(["git", "-C", str(sample), "check-ignore", "-q", ".env.example"])
    assert example.returncode == 1, ".env.example is committed"
    assert not re.search(r"=change-this-", env.read_text()), "every placeholder is replaced"
    for name, value in env_secrets(sample).items():
        assert re.fullmatch(r"[0-9a-f]{48}", value), f"{name} is not a random secret"
        assert value.lower() not in WEAK


@pytest.mark.parametrize("name", ["fastapi-postgres-redis", "django-postgres"])  # the samples with secrets
def test_secrets_differ_between_runs(name, samples, tmp_path, template_copy, monkeypatch):
    sample = samples[name]
    assert env_secrets(sample)
    other = tmp_path / sample.name
    shutil.copytree(FIXTURES / sample.name, other)
    assert cli("init", str(other), "--defaults").exit_code == 0
    assert set(env_secrets(other).values()).isdisjoint(env_secrets(sample).values())


def test_env_example_holds_placeholders_not_secrets(sample):
    for name, value in dotenv(sample / ".env.example").items():
        if SECRET_NAME.search(name) and not name.endswith("_URL"):
            assert value.startswith("change-this-"), f"{name}={value}"
            assert value.lower() not in WEAK


def docker_ignored(patterns: list[str], path: str) -> bool:
    """Docker's .dockerignore rule: the last matching pattern wins; patterns are anchored at the context root."""
    ignored = False
    for raw in patterns:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:].strip() if negate else line
        pattern = pattern.strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        if re.fullmatch(regex + "(?:/.*)?", path):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_env_files_out_of_the_build_context(sample):
    patterns = (sample / ".dockerignore").read_text().splitlines()
    for path in (".env", ".env.local", ".env.production", ".git/config"):
        assert docker_ignored(patterns, path), path
    assert not docker_ignored(patterns, ".env.example")
    assert not docker_ignored(patterns, "requirements.txt")


def test_dockerignore_keeps_nested_env_files_out_too(samples):
    patterns = (samples["fastapi-postgres-redis"] / ".dockerignore").read_text().splitlines()
    assert docker_ignored(patterns, "backend/.env")
    assert docker_ignored(patterns, "backend/.env.local")


def test_no_secret_reaches_the_dockerfile_or_committed_files(sample):
    dockerfile = DockerfileParser(fileobj=open(sample / "Dockerfile", "rb"))
    for item in dockerfile.structure:
        if item["instruction"] in ("ARG", "ENV"):
            for name in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=", item["value"]):
                assert not SECRET_NAME.search(name), f"{item['instruction']} {item['value']}"
        if item["instruction"] in ("COPY", "ADD"):
            assert ".env" not in item["value"].split(), item["value"]
    secrets_now = set(env_secrets(sample).values())
    for name in ("Dockerfile", "compose.yaml", ".env.example", ".dockerignore", ".copier-answers.yml"):
        text = (sample / name).read_text()
        assert not [s for s in secrets_now if s in text], f"a secret from .env is in {name}"
        assert not re.search(r"(?i)(password|passwd)\s*[:=]\s*['\"]?(postgres|changeme|password|secret|admin|root)\b", text), name
    answers = yaml.safe_load((sample / ".copier-answers.yml").read_text())
    assert not [k for k in answers if SECRET_NAME.search(k) and k != "secret_env_vars"]
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) for name in answers.get("secret_env_vars", [])), "names only, never values"


def test_the_app_runs_as_a_numeric_non_root_user(sample):
    dockerfile = DockerfileParser(fileobj=open(sample / "Dockerfile", "rb"))
    instructions = [(i["instruction"], i["value"].strip()) for i in dockerfile.structure]
    last_from = max(n for n, (name, _) in enumerate(instructions) if name == "FROM")
    users = [value for name, value in instructions[last_from:] if name == "USER"]
    assert users, "the runtime stage sets a USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, users[-1]
    cmd = [value for name, value in instructions if name == "CMD"]
    assert cmd and isinstance(json.loads(cmd[-1]), list), "CMD in exec form"


def test_backing_services_are_not_reachable_from_outside(sample):
    compose = yaml.safe_load((sample / "compose.yaml").read_text())
    for name, service in compose["services"].items():
        assert service.get("network_mode") != "host", name
        assert not service.get("privileged"), name
        if name not in ("app",):
            assert "ports" not in service, f"{name} publishes ports"
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", str(value)), f"{name}.{key} must come from .env, required"


def test_hadolint_and_compose_schema_pass_on_the_samples(sample):
    hadolint = tool("hadolint", str(sample / "Dockerfile"))
    assert hadolint.returncode == 0, hadolint.stdout + hadolint.stderr
    schema = tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(sample / "compose.yaml"))
    assert schema.returncode == 0, schema.stdout + schema.stderr
    resolved = tool("docker-compose", "config", "-q", cwd=sample)
    assert resolved.returncode == 0, resolved.stderr


@pytest.mark.parametrize("name", ["123", "null", "yes"])
def test_yaml_lookalike_project_names_stay_strings(tmp_path, name):
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "fastapi-postgres-redis", project)
    result = cli("init", str(project), "--defaults", "--data", f"project_name={name}")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((project / "compose.yaml").read_text())["name"] == name


def test_version_ranges_in_extra_packages_are_quoted_not_redirected(tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "fastapi-postgres-redis", project)
    result = cli("init", str(project), "--defaults", "--data", "extra_packages=uvicorn[standard]>=0.30,<1 flask>=2")
    assert result.exit_code == 0, result.output
    assert 'pip install "uvicorn[standard]>=0.30,<1" "flask>=2"' in (project / "Dockerfile").read_text()
    hadolint = tool("hadolint", str(project / "Dockerfile"))
    assert hadolint.returncode == 0, hadolint.stdout
