"""The one error type scaffold lets reach the user: a message, and an exit code."""

from __future__ import annotations


class ScaffoldError(Exception):
    """An expected failure, reported as one line on stderr (no traceback)."""

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


def os_error_reason(error: OSError) -> str:
    """An OSError as the tail of a one-line message: 'permission denied', 'no space left on device'."""
    if isinstance(error, PermissionError):
        return "permission denied"
    if error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return str(error) or type(error).__name__


class ManifestError(ScaffoldError):
    """A project file that cannot be read or parsed: names the file and, where known, the line."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason
