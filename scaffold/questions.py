"""The template's questions, read from its copier.yml, answered from the profile and the user.

copier.yml is the single source of truth for what is asked, its choices,
defaults and validators; this module evaluates them with the same Jinja
environment copier uses (sandboxed, with the Ansible filters), so an answer
scaffold accepts is one copier accepts, and ``copier copy`` with the same
answers renders the same files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from scaffold.errors import ScaffoldError

BOOL_WORDS = {"y": True, "yes": True, "t": True, "true": True, "on": True, "1": True,
              "n": False, "no": False, "f": False, "false": False, "off": False, "0": False}


class AnswerError(ScaffoldError):
    """An answer that does not fit its question."""


@dataclass
class Question:
    name: str
    type: str = "str"
    help: str = ""
    default: Any = None
    choices: list[tuple[str, Any]] = field(default_factory=list)
    multiselect: bool = False
    when: Any = True
    validator: str = ""

    @property
    def values(self) -> list[Any]:
        return [value for _, value in self.choices]


class Questionnaire:
    def __init__(self, template_root: Path) -> None:
        config_path = template_root / "copier.yml"
        try:
            config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ScaffoldError(f"{config_path}: cannot read the template's questions ({error})") from None
        self.questions = [_question(name, spec) for name, spec in config.items() if not name.startswith("_")]
        self.by_name = {q.name: q for q in self.questions}
        self.env = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])

    # ---- evaluation, as copier does it ---------------------------------
    def render(self, template: str, context: dict[str, Any]) -> str:
        try:
            return self.env.from_string(template).render(**context)
        except TemplateError as error:
            raise ScaffoldError(f"template error in copier.yml: {error}") from None

    def asked(self, question: Question, answers: dict[str, Any]) -> bool:
        when = question.when
        if isinstance(when, str):
            return _to_bool(self.render(when, answers))
        return bool(when)

    def default(self, question: Question, answers: dict[str, Any]) -> Any:
        default = question.default
        if isinstance(default, str):
            default = self.render(default, answers)
        elif isinstance(default, list) and question.multiselect:
            return list(default)
        return self.cast(question, default)

    def cast(self, question: Question, raw: Any) -> Any:
        """The typed answer, from a CLI string or a Python value."""
        try:
            if question.multiselect:
                if isinstance(raw, str):
                    raw = raw.strip()
                    items = yaml.safe_load(raw) if raw.startswith("[") else [p.strip() for p in raw.split(",") if p.strip()]
                else:
                    items = raw
                if not isinstance(items, list):
                    raise ValueError("a list")
                return [str(i) for i in items]
            if question.type == "int":
                if isinstance(raw, bool):
                    raise ValueError("a whole number")
                return int(str(raw).strip())
            if question.type == "float":
                return float(raw)
            if question.type == "bool":
                if isinstance(raw, bool):
                    return raw
                word = str(raw).strip().lower()
                if word not in BOOL_WORDS:
                    raise ValueError("true or false")
                return BOOL_WORDS[word]
            if question.type in ("yaml", "json"):
                if isinstance(raw, str):
                    return yaml.safe_load(raw) if raw.strip() else None
                return raw
            return "" if raw is None else str(raw)
        except (ValueError, TypeError, yaml.YAMLError):
            expected = {"int": "a whole number", "float": "a number", "bool": "true or false", "yaml": "valid YAML", "json": "valid YAML"}.get(
                question.type, question.type
            )
            expected = "a list" if question.multiselect else expected
            raise AnswerError(f"{question.name}: {_show(raw)} is not {expected}") from None

    def validate(self, question: Question, value: Any, answers: dict[str, Any]) -> str | None:
        """None when valid, else the reason (choices listed, or the template's validator message)."""
        if question.choices:
            allowed = question.values
            wrong = [v for v in (value if question.multiselect else [value]) if v not in allowed]
            if wrong:
                return f"{question.name}: {_show(wrong[0])} is not one of: {', '.join(map(str, allowed))}"
        if question.validator:
            message = " ".join(self.render(question.validator, {**answers, question.name: value}).split())
            if message:
                return f"{question.name}: {message}"
        return None

    def check(self, question: Question, value: Any, answers: dict[str, Any]) -> Any:
        error = self.validate(question, value, answers)
        if error:
            raise AnswerError(error)
        return value

    def unknown_keys(self, data: dict[str, Any]) -> list[str]:
        return [key for key in data if key not in self.by_name]


def parse_data_args(pairs: tuple[str, ...] | list[str], questionnaire: Questionnaire) -> dict[str, Any]:
    """``--data KEY=VALUE`` pairs into raw answers; unknown keys are an error listing the valid ones."""
    data: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AnswerError(f"--data {pair!r}: expected KEY=VALUE")
        data[key.strip()] = value
    unknown = questionnaire.unknown_keys(data)
    if unknown:
        raise AnswerError(f"--data {unknown[0]}: unknown question; valid keys: {', '.join(questionnaire.by_name)}")
    return data


def _question(name: str, spec: Any) -> Question:
    if not isinstance(spec, dict):
        return Question(name=name, default=spec, type=_type_of(spec))
    choices = spec.get("choices") or []
    if isinstance(choices, dict):
        pairs = [(str(label), value) for label, value in choices.items()]
    else:
        pairs = [(str(value), value) for value in choices]
    return Question(
        name=name,
        type=spec.get("type") or _type_of(spec.get("default")),
        help=str(spec.get("help", "")).strip(),
        default=spec.get("default"),
        choices=pairs,
        multiselect=bool(spec.get("multiselect", False)),
        when=spec.get("when", True),
        validator=str(spec.get("validator", "") or ""),
    )


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, (dict, list)):
        return "yaml"
    return "str"


def _to_bool(text: str) -> bool:
    return BOOL_WORDS.get(text.strip().lower(), bool(text.strip()))


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return repr(text[:60] + ("…" if len(text) > 60 else ""))
