"""Database migrations run before the app starts: Alembic, Flask-Migrate; other tools are flagged.

Django's own migrations are found by the django detector (manage.py).
"""

from __future__ import annotations

import configparser

from scaffold.dependencies import dependencies
from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.layout import layout
from scaffold.project import ProjectView

# Migration tools scaffold recognises but cannot run without project-specific settings.
FLAGGED = {
    "aerich": "Tortoise ORM's aerich (e.g. `aerich upgrade`)",
    "yoyo-migrations": "yoyo (e.g. `yoyo apply --batch --database ...`)",
    "piccolo": "Piccolo (e.g. `piccolo migrations forwards all`)",
    "peewee-migrate": "peewee-migrate (e.g. `pw_migrate migrate`)",
    "sqlalchemy-migrate": "sqlalchemy-migrate",
    "tortoise-orm": "Tortoise ORM (aerich, or generate_schemas at start-up)",
}


def detect(view: ProjectView) -> list[Finding]:
    prefix = layout(view).prefix
    deps = dependencies(view)
    found: list[Finding] = []
    # Flask-Migrate keeps Alembic under migrations/ and runs it through the flask CLI.
    flask_migrate = deps.find("flask-migrate")
    if flask_migrate and (view.exists(prefix + "migrations/alembic.ini") or view.exists(prefix + "migrations/env.py")):
        evidence = Evidence(prefix + ("migrations/alembic.ini" if view.exists(prefix + "migrations/alembic.ini") else "migrations/env.py"))
        found.append(finding("migrations", "flask-migrate", evidence, flask_migrate.evidence, reason="Flask-Migrate with a migrations/ folder", rank=20))
        found.append(finding("migrate_command", "flask --app {app_module} db upgrade", evidence, reason="Flask-Migrate", rank=20))
        return found
    candidates = [f for f in view.find_name("alembic.ini", max_depth=prefix.count("/") + 2) if f.startswith(prefix)]
    ini = candidates[0] if candidates else None  # shallowest first: alembic.ini, then db/alembic.ini...
    if ini is not None:
        line, location = _script_location(view, ini)
        evidence = Evidence(ini, line, f"script_location = {location}" if location else None)
        folder = ini[len(prefix):].rpartition("/")[0]
        command = "alembic upgrade head" if not folder else f"alembic -c {ini[len(prefix):]} upgrade head"
        found.append(finding("migrations", "alembic", evidence, reason="alembic.ini", rank=20))
        found.append(finding("migrate_command", command, evidence, reason="Alembic migrations (alembic.ini)", rank=20))
        if not deps.has("alembic", "flask-migrate"):
            found.append(warning(f"{ini} exists but alembic is not a runtime dependency: the migrate step needs it in the image", evidence))
        return found
    alembic = deps.find("alembic")
    if alembic is not None and not view.exists(prefix + "manage.py"):
        found.append(finding("migrations", "alembic", alembic.evidence, reason="alembic is a dependency", rank=40, confidence="low"))
        found.append(warning("alembic is a dependency but no alembic.ini was found: set migrate_command yourself", alembic.evidence))
    for name, label in FLAGGED.items():
        dependency = deps.find(name)
        if dependency is not None:
            found.append(finding("migrations", name, dependency.evidence, reason=f"{name} is a dependency", rank=50, confidence="low"))
            found.append(warning(f"migrations with {label} are not run automatically: set migrate_command", dependency.evidence))
            break
    return found


def _script_location(view: ProjectView, ini: str) -> tuple[int | None, str | None]:
    text = view.try_read_text(ini)
    if text is None:
        return None, None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=ini)
    except configparser.Error:
        return None, None
    location = parser.get("alembic", "script_location", fallback=None)
    line = next((n for n, l in enumerate(text.splitlines(), 1) if l.strip().startswith("script_location")), None)
    return line, location
