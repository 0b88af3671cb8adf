"""scaffold: containerize an existing Python project with a copier template."""

__version__ = "0.1.0"
