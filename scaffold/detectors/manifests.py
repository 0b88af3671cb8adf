"""Is this a Python project at all, where does the app live, and are its manifests named right?"""

from __future__ import annotations

import difflib

from scaffold.dependencies import misspelled_requirements
from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.layout import PYTHON_MANIFESTS, layout
from scaffold.project import ProjectView

EXPECTED_NAMES = ("requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "manage.py", "Procfile")


def detect(view: ProjectView) -> list[Finding]:
    found: list[Finding] = []
    where = layout(view)
    found.append(finding("is_python", where.is_python, *where.evidence, reason="Python manifests or modules found" if where.is_python else "no Python files"))
    found.append(finding("app_dir", where.app_dir, *where.evidence, reason="where the Python manifests are", rank=10))
    if not where.is_python:
        found.append(warning("no Python project found here (no pyproject.toml, requirements.txt, setup.py or .py files)", Evidence(".")))
    # Misspelled or wrongly cased manifests: a silent cause of "my dependencies are missing".
    misspelled = misspelled_requirements(view)
    for path in misspelled:
        found.append(
            warning(
                f"{path} looks like a misspelled requirements.txt: pip, Heroku and the image look for requirements.txt; "
                "rename it (scaffold read it, and answers as if it were renamed)",
                Evidence(path),
            )
        )
    for path in view.files:
        if path in misspelled:
            continue
        if path.count("/") > where.prefix.count("/"):
            continue
        name = path.rsplit("/", 1)[-1]
        if name in EXPECTED_NAMES or name in PYTHON_MANIFESTS:
            continue
        lowered = name.lower()
        close = difflib.get_close_matches(lowered, [n.lower() for n in EXPECTED_NAMES], n=1, cutoff=0.85)
        if close and not view.exists(path.rsplit("/", 1)[0] + "/" + _proper(close[0]) if "/" in path else _proper(close[0])):
            found.append(warning(f"{path} looks like a misspelled {_proper(close[0])}; it is not used: rename it", Evidence(path)))
    for name in ("environment.yml", "environment.yaml"):
        if view.exists(where.prefix + name):
            found.append(
                warning(
                    f"{where.prefix}{name}: conda environments are not supported; install with pip (list the packages in requirements.txt)",
                    Evidence(where.prefix + name),
                )
            )
    return found


def _proper(lowered: str) -> str:
    return next(name for name in EXPECTED_NAMES if name.lower() == lowered)
