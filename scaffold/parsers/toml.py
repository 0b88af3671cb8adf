"""TOML manifests (pyproject.toml, Pipfile, poetry.lock, uv.lock, pdm.lock, mise.toml) with errors that name the line."""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (a dependency there)
    import tomli as tomllib

from scaffold.errors import ManifestError


def load_toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or "invalid TOML"
        raise ManifestError(file, f"invalid TOML: {reason}", line) from None
    except RecursionError:
        raise ManifestError(file, "invalid TOML: nested too deeply") from None


def table(data: Any, *keys: str) -> dict[str, Any]:
    """``data[k1][k2]...`` when each step is a table, else {} (wrong types are not our crash)."""
    for key in keys:
        if not isinstance(data, dict):
            return {}
        data = data.get(key, {})
    return data if isinstance(data, dict) else {}


def string(data: Any, *keys: str) -> str | None:
    *parents, last = keys
    value = table(data, *parents).get(last)
    return value if isinstance(value, str) else None


def string_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def line_of(text: str, pattern: str) -> int | None:
    """1-based line of the first regex match in text (for evidence), else None."""
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None
