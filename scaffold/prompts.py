"""Interactive questions with questionary: each default is what was detected, and the prompt says why."""

from __future__ import annotations

from typing import Any

import questionary
import yaml
from questionary import Choice

from scaffold.questions import AnswerError, Question, Questionnaire

STYLE = questionary.Style([("qmark", "fg:#5f87ff bold"), ("hint", "fg:#808080 italic")])


class Prompter:
    """Asks through questionary. ``input``/``output`` are prompt_toolkit objects (tests pass pipes)."""

    def __init__(self, questionnaire: Questionnaire, **io: Any) -> None:
        self.questionnaire = questionnaire
        self.io = io

    def __call__(self, question: Question, default: Any, why: str | None, answers: dict[str, Any]) -> Any:
        message = question.help or question.name
        instruction = f"(detected: {why})" if why else None
        kwargs: dict[str, Any] = {"qmark": "?", "style": STYLE, **self.io}
        if instruction:
            kwargs["instruction"] = instruction
        if question.multiselect:
            choices = [Choice(label, value=value, checked=value in (default or [])) for label, value in question.choices]
            return questionary.checkbox(message, choices=choices, **kwargs).unsafe_ask()
        if question.choices:
            choices = [Choice(label, value=value) for label, value in question.choices]
            selected = default if default in question.values else None
            return questionary.select(message, choices=choices, default=selected, **kwargs).unsafe_ask()
        if question.type == "bool":
            kwargs.pop("instruction", None)
            suffix = f" (detected: {why})" if why else ""
            return questionary.confirm(message + suffix, default=bool(default), **kwargs).unsafe_ask()
        text_default = _as_text(question, default)

        def validate(text: str) -> bool | str:
            try:
                value = self.questionnaire.cast(question, text)
            except AnswerError as error:
                return error.message
            return self.questionnaire.validate(question, value, answers) or True

        if instruction:
            message = f"{message} {instruction}"
        kwargs.pop("instruction", None)
        text = questionary.text(message, default=text_default, validate=validate, **kwargs).unsafe_ask()
        return self.questionnaire.cast(question, text)


def _as_text(question: Question, value: Any) -> str:
    if value is None:
        return ""
    if question.type in ("yaml", "json"):
        return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return str(value)
