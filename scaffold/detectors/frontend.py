"""A JavaScript frontend beside the Python app: a folder with package.json.

Reported as a fact (a list, one entry per frontend folder): its framework,
package manager (from the lock file), build script, output folder and dev
port. The template does not build frontends yet; this is information.
"""

from __future__ import annotations

import json
import re

from scaffold.findings import Evidence, Finding, finding, warning
from scaffold.project import ProjectView

# dependency -> framework, most specific first.
FRAMEWORKS = (
    ("next", "next"),
    ("nuxt", "nuxt"),
    ("@angular/core", "angular"),
    ("@sveltejs/kit", "sveltekit"),
    ("@remix-run/react", "remix"),
    ("astro", "astro"),
    ("svelte", "svelte"),
    ("vue", "vue"),
    ("react-scripts", "react"),
    ("react", "react"),
    ("vite", "vite"),
)
LOCK_FILES = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lockb", "bun"), ("bun.lock", "bun"), ("package-lock.json", "npm"))
DEV_PORTS = {"next": 3000, "nuxt": 3000, "angular": 4200, "sveltekit": 5173, "remix": 5173, "astro": 4321, "svelte": 5173, "vue": 5173, "react": 5173, "vite": 5173}
OUTPUT_DIRS = {"next": ".next", "nuxt": ".output", "angular": "dist", "sveltekit": "build", "remix": "build", "astro": "dist", "svelte": "dist", "vue": "dist", "react": "dist", "vite": "dist"}
MAX_DEPTH = 2


def detect(view: ProjectView) -> list[Finding]:
    frontends: list[dict[str, object]] = []
    evidence: list[Evidence] = []
    found: list[Finding] = []
    for rel in view.find_name("package.json", max_depth=MAX_DEPTH):
        folder = rel.rpartition("/")[0] or "."
        text = view.try_read_text(rel)
        if text is None:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            found.append(warning(f"skipped {rel}: not valid JSON", Evidence(rel)))
            continue
        if not isinstance(data, dict):
            continue
        entry = _describe(view, folder, rel, text, data)
        if entry is not None:
            frontends.append(entry)
            evidence.append(Evidence(rel, entry.pop("_line", None), entry.get("framework")))  # type: ignore[arg-type]
    if frontends:
        names = ", ".join(f"{f['dir']} ({f['framework']})" for f in frontends)
        found.append(finding("frontend", frontends, *evidence, reason=f"package.json in {names}", rank=10))
    return found


def _describe(view: ProjectView, folder: str, rel: str, text: str, data: dict) -> dict[str, object] | None:
    deps: dict[str, object] = {}
    for key in ("dependencies", "devDependencies"):
        if isinstance(data.get(key), dict):
            deps.update(data[key])
    scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
    if not deps and not scripts:
        return None  # a package.json for tooling only (e.g. prettier config)
    framework = next((name for dep, name in FRAMEWORKS if dep in deps), "node")
    if framework == "react" and "react-scripts" in deps:
        output, port = "build", 3000
    else:
        output, port = OUTPUT_DIRS.get(framework), DEV_PORTS.get(framework)
    prefix = "" if folder == "." else folder + "/"
    manager = next((m for lock, m in LOCK_FILES if view.exists(prefix + lock)), None)
    if manager is None and isinstance(data.get("packageManager"), str):
        manager = data["packageManager"].split("@")[0] or None
    build = scripts.get("build") if isinstance(scripts.get("build"), str) else None
    dev = next((scripts[k] for k in ("dev", "start", "serve") if isinstance(scripts.get(k), str)), None)
    if dev and (match := re.search(r"(?:--port|-p)[ =](\d{2,5})\b", dev)):
        port = int(match.group(1))
    output = _configured_output(view, prefix, framework) or output
    entry: dict[str, object] = {
        "dir": folder,
        "framework": framework,
        "package_manager": manager or "npm",
        "build_script": build,
        "output_dir": output,
        "dev_port": port,
        "_line": _line(text, FRAMEWORKS, framework),
    }
    return entry


def _configured_output(view: ProjectView, prefix: str, framework: str) -> str | None:
    """An output folder set in the framework's own config (vite build.outDir, Next's static export)."""
    for name in ("vite.config.ts", "vite.config.js", "vite.config.mjs"):
        if view.exists(prefix + name) and (text := view.try_read_text(prefix + name)):
            match = re.search(r"outDir\s*:\s*['\"]([^'\"]+)['\"]", text)
            if match:
                return match.group(1)
    if framework == "next":
        for name in ("next.config.js", "next.config.mjs", "next.config.ts"):
            if view.exists(prefix + name) and (text := view.try_read_text(prefix + name)):
                if re.search(r"output\s*:\s*['\"]export['\"]", text):
                    return "out"
    if framework == "angular" and view.exists(prefix + "angular.json") and (text := view.try_read_text(prefix + "angular.json")):
        match = re.search(r"\"outputPath\"\s*:\s*\"([^\"]+)\"", text)
        if match:
            return match.group(1)
    return None


def _line(text: str, frameworks: tuple[tuple[str, str], ...], framework: str) -> int | None:
    for dep in (d for d, name in frameworks if name == framework):
        match = re.search(r"\"" + re.escape(dep) + r"\"\s*:", text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    return None
