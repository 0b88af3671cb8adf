"""The published JSON Schema (scaffold/schema/profile.schema.json) describes what `scaffold inspect --json` prints."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from scaffold.cli import main
from scaffold.profile import SCHEMA_VERSION, build_profile
from scaffold.project import ProjectView

ROOT = Path(__file__).parent.parent
SCHEMA_PATH = ROOT / "scaffold" / "schema" / "profile.schema.json"
FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent.name for p in FIXTURES.glob("*/expected.json"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(validator: jsonschema.Draft202012Validator, data: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def test_schema_version_matches(validator: jsonschema.Draft202012Validator) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


@pytest.mark.parametrize("name", CASES)
def test_fixture_profile_validates(validator: jsonschema.Draft202012Validator, name: str) -> None:
    data = build_profile(ProjectView(FIXTURES / name)).to_json()
    assert not _errors(validator, data)


@pytest.mark.parametrize("name", ["fastapi-postgres-redis", "monorepo", "existing-container-files", "not-python"])
def test_inspect_json_validates(validator: jsonschema.Draft202012Validator, name: str) -> None:
    result = CliRunner().invoke(main, ["inspect", "--json", str(FIXTURES / name)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert not _errors(validator, data)
    assert data["schema_version"] == SCHEMA_VERSION


def test_empty_folder_validates(validator: jsonschema.Draft202012Validator, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["inspect", "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not _errors(validator, json.loads(result.stdout))


def test_schema_rejects_a_broken_profile(validator: jsonschema.Draft202012Validator) -> None:
    data = build_profile(ProjectView(FIXTURES / "fastapi-postgres-redis")).to_json()
    data["facts"]["port"]["value"] = "eighty"
    assert _errors(validator, data)
