"""Every fixture project under tests/fixtures/ is inspected and compared with its expected.json.

expected.json format (every key optional except answers):
  answers          subset of Profile.answers(), compared exactly per key
  facts            subset of fact values, compared exactly per key
  services         the exact list of services
  env_vars         NAME -> subset of the env var entry (secret, service, default, required)
  system_packages  {"build": [...], "runtime": [...]}: exact sets
  warnings         substrings, each in some warning message
  evidence         fact -> str() of its first evidence ("app/main.py:14")
  dependencies     {"runtime": [...], "dev": [...]}: names that must be in each group

Plus a snapshot of each fixture's Profile.to_json() in tests/snapshots/<name>/profile.json
(SCAFFOLD_UPDATE_SNAPSHOTS=1 rewrites them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffold.profile import build_profile
from scaffold.project import ProjectView

try:  # tests/ is on sys.path (pytest's default rootdir-less import mode)
    from snapshot_util import assert_snapshot
except ImportError:  # tests/ imported as a package
    from tests.snapshot_util import assert_snapshot

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.parent.name for p in FIXTURES.glob("*/expected.json"))


def profile_of(name: str):
    return build_profile(ProjectView(FIXTURES / name))


def test_enough_fixtures() -> None:
    assert len(CASES) >= 40, CASES


@pytest.mark.parametrize("name", CASES)
def test_fixture_matches_expected(name: str) -> None:
    expected = json.loads((FIXTURES / name / "expected.json").read_text(encoding="utf-8"))
    profile = profile_of(name)
    answers = profile.answers()
    problems: list[str] = []
    for key, value in expected.get("answers", {}).items():
        if answers.get(key, "<missing>") != value:
            problems.append(f"answers[{key}]: expected {value!r}, got {answers.get(key, '<missing>')!r}")
    for key, value in expected.get("facts", {}).items():
        actual = profile.value(key, "<missing>")
        if actual != value:
            problems.append(f"facts[{key}]: expected {value!r}, got {actual!r}")
    if "services" in expected and list(profile.services) != expected["services"]:
        problems.append(f"services: expected {expected['services']}, got {list(profile.services)}")
    for name_, subset in expected.get("env_vars", {}).items():
        entry = profile.env_vars.get(name_)
        if entry is None:
            problems.append(f"env_vars: {name_} missing (found {sorted(profile.env_vars)})")
            continue
        for key, value in subset.items():
            if entry.get(key) != value:
                problems.append(f"env_vars[{name_}][{key}]: expected {value!r}, got {entry.get(key)!r}")
    for stage, names in expected.get("system_packages", {}).items():
        actual = sorted({p["name"] for p in profile.system_packages.get(stage, [])})
        if actual != sorted(names):
            problems.append(f"system_packages[{stage}]: expected {sorted(names)}, got {actual}")
    messages = [w.message for w in profile.warnings]
    for substring in expected.get("warnings", []):
        if not any(substring in m for m in messages):
            problems.append(f"no warning contains {substring!r}; warnings: {messages}")
    for key, where in expected.get("evidence", {}).items():
        fact = profile.facts.get(key)
        actual = str(fact.evidence[0]) if fact and fact.evidence else None
        if actual != where:
            problems.append(f"evidence[{key}]: expected {where!r}, got {actual!r}")
    deps = profile.dependencies
    groups = {"runtime": {d.name for d in deps.runtime()}, "dev": {d.name for d in deps.dev()}}
    for group, names in expected.get("dependencies", {}).items():
        missing = sorted(set(names) - groups[group])
        if missing:
            problems.append(f"dependencies[{group}]: missing {missing} (have {sorted(groups[group])})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", CASES)
def test_profile_snapshot(name: str) -> None:
    data = profile_of(name).to_json()
    text = json.dumps(data, indent=2, sort_keys=False) + "\n"
    assert str(FIXTURES.resolve()) not in text and str(Path.home()) not in text, "the profile holds an absolute path"
    assert_snapshot(Path(name) / "profile.json", text)


@pytest.mark.parametrize("name", CASES)
def test_profile_is_deterministic(name: str) -> None:
    assert profile_of(name).to_json() == profile_of(name).to_json()


def test_expected_json_is_not_a_project_file(tmp_path: Path) -> None:
    """A fixture's expected.json must not change what is detected."""
    name = "fastapi-postgres-redis"
    import shutil

    copy = tmp_path / name
    shutil.copytree(FIXTURES / name, copy)
    with_file = build_profile(ProjectView(copy)).to_json()
    (copy / "expected.json").unlink()
    without = build_profile(ProjectView(copy)).to_json()
    assert with_file == without
