"""Turn the profile, ``--data`` and the user's replies into the template's answers, in copier.yml's order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scaffold.errors import ScaffoldError
from scaffold.profile import Profile
from scaffold.questions import AnswerError, Question, Questionnaire

# Asks one question: (question, default, why it is the default, answers so far) -> the typed answer.
Ask = Callable[[Question, Any, "str | None", dict[str, Any]], Any]


def explain(profile: Profile, name: str) -> str | None:
    """Why the profile suggests what it does for a question: 'from .python-version:1'."""
    if name == "services":
        if not profile.services:
            return None
        return "; ".join(f"{svc}: {fact.reason} ({fact.evidence[0]})" if fact.evidence else f"{svc}: {fact.reason}" for svc, fact in profile.services.items())
    if name == "url_schemes":
        evidence = {name: profile.env_vars[name]["evidence"] for name in profile.url_schemes()}
        return "; ".join(f"{name}'s default in the code ({found[0]['file']})" if found else name for name, found in evidence.items()) or None
    if name in ("env_vars", "secret_env_vars", "service_env_vars"):
        return "read by the code" if profile.env_vars else None
    fact = profile.facts.get(name)
    if fact is None:
        return None
    where = f" ({fact.evidence[0]})" if fact.evidence else ""
    return f"{fact.reason}{where}"


def resolve_answers(
    questionnaire: Questionnaire,
    profile: Profile,
    data: dict[str, Any],
    *,
    ask: Ask | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """All answers, and notes about detected defaults that had to be dropped.

    ``data`` (from --data) wins over detection; ``ask`` (interactive) is given
    the detected default and may change it; without it, defaults are taken.
    """
    detected = profile.answers()
    answers: dict[str, Any] = dict(context or {})
    notes: list[str] = []
    for question in questionnaire.questions:
        if not questionnaire.asked(question, answers):
            continue
        if question.name in data:
            value = questionnaire.cast(question, data[question.name])
            answers[question.name] = questionnaire.check(question, value, answers)
            continue
        default = questionnaire.default(question, answers)
        why = None
        if question.name in detected:
            candidate = questionnaire.cast(question, detected[question.name])
            problem = questionnaire.validate(question, candidate, answers)
            if problem:
                notes.append(f"detected {problem}; using the template default")
            else:
                default, why = candidate, explain(profile, question.name)
        if ask is not None:
            answers[question.name] = ask(question, default, why, answers)
        else:
            problem = questionnaire.validate(question, default, answers)
            if problem:
                raise AnswerError(f"{problem} (give it with --data {question.name}=...)")
            answers[question.name] = default
    for key in context or {}:
        answers.pop(key, None)
    return answers, notes


def require_python_project(profile: Profile) -> None:
    if not profile.value("is_python", False):
        raise ScaffoldError("no Python project found here (no pyproject.toml, requirements.txt, setup.py or .py files)")
