"""What detectors return: findings, each with the evidence (file and line) behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A place in the project that supports a finding."""

    file: str
    line: int | None = None
    excerpt: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file}
        if self.line:
            data["line"] = self.line
        if self.excerpt:
            data["excerpt"] = self.excerpt
        return data


@dataclass(frozen=True)
class Finding:
    """One conclusion of one detector.

    ``kind`` names the profile field it feeds (see ``scaffold.profile``);
    ``rank`` orders competing findings of a single-valued kind: the lowest
    wins (it encodes documented precedence, e.g. .python-version before
    requires-python); ``confidence`` says how sure the detector is.
    """

    kind: str
    value: Any
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""
    rank: int = 50
    confidence: str = "high"  # high | medium | low
    detector: str = ""
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Warning_:
    """Something the user should look at: a disagreement, a fallback, a skipped file."""

    message: str
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "evidence": [e.to_json() for e in self.evidence]}


def finding(kind: str, value: Any, *evidence: Evidence, **kwargs: Any) -> Finding:
    return Finding(kind=kind, value=value, evidence=tuple(evidence), **kwargs)


def warning(message: str, *evidence: Evidence) -> Finding:
    """A warning travels as a finding of kind 'warning' so detectors return one list."""
    return Finding(kind="warning", value=message, evidence=tuple(evidence))
