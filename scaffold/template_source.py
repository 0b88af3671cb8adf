"""Where the copier template comes from: --template, $SCAFFOLD_TEMPLATE, or the one shipped with scaffold."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from scaffold.errors import ScaffoldError

PACKAGE_DIR = Path(__file__).resolve().parent


def template_source(option: str | None = None) -> str:
    """The copier source to record in .copier-answers.yml (a path or a git URL)."""
    source = option or os.environ.get("SCAFFOLD_TEMPLATE")
    if source:
        return source
    checkout = PACKAGE_DIR.parent
    if (checkout / "copier.yml").is_file() and (checkout / "templates").is_dir():
        return str(checkout)  # a checkout (or editable install): a git repo, so `copier update` works
    packaged = PACKAGE_DIR / "_template"
    if (packaged / "copier.yml").is_file():
        return str(packaged)
    raise ScaffoldError("the scaffold template was not found; pass --template PATH_OR_GIT_URL")


def local_copy(source: str, vcs_ref: str | None = None) -> Path:
    """A local folder holding the template's copier.yml (a git URL is cloned to a temp folder)."""
    path = Path(source).expanduser()
    if path.is_dir():
        if not (path / "copier.yml").is_file() and not (path / "copier.yaml").is_file():
            raise ScaffoldError(f"{source}: not a copier template (no copier.yml)")
        return path
    target = Path(tempfile.mkdtemp(prefix="scaffold-template-"))
    command = ["git", "clone", "--quiet", "--depth", "1"] + (["--branch", vcs_ref] if vcs_ref else []) + [source, str(target)]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        raise ScaffoldError(f"{source}: cannot fetch the template ({detail.strip().splitlines()[-1] if detail.strip() else 'git failed'})") from None
    return target
