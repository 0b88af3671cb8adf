#!/usr/bin/env python3
"""Offline stand-ins for the official Docker Hub images the tests use.

No registry is reachable from the test machines, so nothing can be pulled.
This module builds look-alikes of the official images from Debian packages
and tags them with the official names:

* a Debian rootfs made with ``debootstrap --variant=minbase`` is imported with
  ``docker import`` as a base tag (``scaffold-standin/<suite>-python:base``);
* small Dockerfiles in this directory (no ``# syntax=`` line, so they build
  air-gapped) add the official interface on top: ``python:3.11-slim``,
  ``python:3.13``, ``postgres:16``, ``redis:7``, ``mariadb:11``...

Every image carries a label with a hash of its recipe (and of its base
image), so an existing up-to-date tag is skipped and a changed recipe is
rebuilt. Long output goes to log files under ``/tmp/scaffold-standins``.

Versions inside are Debian's: bookworm gives Python 3.11, PostgreSQL 15,
Redis 7.0 and MariaDB 10.11; trixie gives Python 3.13. No Debian release has
Python 3.12, so ``python:3.12*`` is the 3.13 stand-in. ``-alpine`` references
get the Debian stand-in too (no ``apk`` inside).

Use from tests::

    from tests.images.standins import ensure_image, ensure_images_for
    ensure_images_for([project / "Dockerfile", project / "compose.yaml"])

or from the shell: ``python tests/images/standins.py --all`` (or a list of
references, or ``--for FILE``). Needs root (debootstrap) and a running engine
(``scripts/ensure-docker.sh``). Always uses the Debian client
``/usr/bin/docker`` with ``DOCKER_BUILDKIT=1``.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

DOCKER = "/usr/bin/docker"
HERE = Path(__file__).resolve().parent
LOG_DIR = Path(os.environ.get("SCAFFOLD_STANDIN_LOGDIR", "/tmp/scaffold-standins"))
WORK_DIR = Path(os.environ.get("SCAFFOLD_STANDIN_WORKDIR", "/var/tmp/scaffold-standins"))
DEB_CACHE = Path(os.environ.get("SCAFFOLD_STANDIN_DEBCACHE", "/var/cache/scaffold-standins"))
MIRROR = os.environ.get("SCAFFOLD_STANDIN_MIRROR", "http://deb.debian.org/debian")
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
HOST_EXTRA_CAS = Path("/usr/local/share/ca-certificates")

LABEL = "org.scaffold.standin"
HASH_LABEL = LABEL + ".hash"
PYVER_LABEL = LABEL + ".python-version"
RECIPE_VERSION = "1"  # bump to force every stand-in to be rebuilt
ROOTFS_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

__all__ = [
    "StandinError",
    "ALL_REFS",
    "ensure_image",
    "ensure_images_for",
    "ensure_all",
    "standin_for",
    "dockerfile_images",
    "compose_images",
]


class StandinError(RuntimeError):
    """A stand-in cannot be provided (unknown image, build failure...)."""


@dataclass(frozen=True)
class Rootfs:
    """A base image made with debootstrap and ``docker import``."""

    suite: str
    include: tuple[str, ...]


@dataclass(frozen=True)
class Build:
    """An image built with a Dockerfile from this directory on top of ``base``."""

    dockerfile: str
    base: str
    args: tuple[tuple[str, str], ...] = ()
    files: tuple[str, ...] = ()  # context files the Dockerfile copies
    python_version: bool = False  # pass PYTHON_VERSION from the base's label


PY_PACKAGES = ("python3", "python3-venv", "python3-pip", "ca-certificates")
BOOKWORM = "scaffold-standin/bookworm-python:base"
TRIXIE = "scaffold-standin/trixie-python:base"
SERVICES = "scaffold-standin/bookworm-services:base"
PG_FILES = ("postgres-entrypoint.sh",)

TARGETS: dict[str, Rootfs | Build] = {
    BOOKWORM: Rootfs("bookworm", PY_PACKAGES),
    TRIXIE: Rootfs("trixie", PY_PACKAGES),
    SERVICES: Build("Dockerfile.services", BOOKWORM),
    "python:3.11-slim": Build("Dockerfile.python", BOOKWORM, python_version=True),
    "python:3.11": Build("Dockerfile.python-full", "python:3.11-slim"),
    "python:3.13-slim": Build("Dockerfile.python", TRIXIE, python_version=True),
    "python:3.13": Build("Dockerfile.python-full", "python:3.13-slim"),
    "postgres:16": Build("Dockerfile.postgres", SERVICES, (("PG_MAJOR", "16"),), PG_FILES),
    "postgres:17": Build("Dockerfile.postgres", SERVICES, (("PG_MAJOR", "17"),), PG_FILES),
    "redis:7": Build("Dockerfile.redis", SERVICES, files=("redis-entrypoint.sh",)),
    "mariadb:11": Build(
        "Dockerfile.mariadb", SERVICES,
        files=("mariadb-entrypoint.sh", "mariadb-healthcheck.sh"),
    ),
}

# What ``--all`` provides: every official-named stand-in, plus the 3.12 tags
# (which are the 3.13 stand-in: no Debian release ships Python 3.12).
ALL_REFS: tuple[str, ...] = tuple(t for t in TARGETS if not t.startswith("scaffold-standin/")) + (
    "python:3.12-slim",
    "python:3.12",
)

_print_lock = threading.Lock()
_done: set[str] = set()
_done_lock = threading.Lock()


def _say(msg: str, *, err: bool = False) -> None:
    with _print_lock:
        print(f"standins: {msg}", file=sys.stderr if err else sys.stdout, flush=True)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _docker_env() -> dict[str, str]:
    return {**os.environ, "DOCKER_BUILDKIT": "1"}


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "".join(path.read_text(errors="replace").splitlines(True)[-lines:])
    except OSError:
        return ""


def _run_logged(cmd: list[str], log: Path, what: str, **kw) -> None:
    """Run cmd with its output appended to log; raise with the log's tail on failure."""
    with log.open("a") as fh:
        fh.write(f"\n$ {shlex.join(cmd)}\n")
        fh.flush()
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, **kw)
    if proc.returncode != 0:
        raise StandinError(f"{what} failed (exit {proc.returncode}); log {log}, tail:\n{_tail(log)}")


def _inspect(ref: str) -> dict | None:
    proc = subprocess.run(
        [DOCKER, "image", "inspect", "-f", "{{json .Id}} {{json .Config.Labels}}", ref],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        if "No such image" in proc.stderr or "No such object" in proc.stderr:
            return None
        raise StandinError(
            f"docker image inspect {ref} failed: {proc.stderr.strip()}\n"
            "(is the engine running? run scripts/ensure-docker.sh)"
        )
    image_id, labels = proc.stdout.strip().split(" ", 1)
    return {"id": json.loads(image_id), "labels": json.loads(labels) or {}}


@contextlib.contextmanager
def _flock(name: str) -> Iterator[None]:
    """Serialise work on one image across threads and processes."""
    lock_dir = LOG_DIR / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / f"{_safe(name)}.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _recipe_hash(name: str) -> str:
    spec = TARGETS[name]
    h = hashlib.sha256(f"{RECIPE_VERSION}\0{name}\0{spec!r}".encode())
    if isinstance(spec, Build):
        for fname in (spec.dockerfile, *spec.files):
            h.update((HERE / fname).read_bytes())
        base = _inspect(spec.base)
        h.update((base or {}).get("id", "").encode())
    return h.hexdigest()[:32]


# --------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------

def _umount_under(path: Path) -> None:
    prefix = str(path).rstrip("/") + "/"
    with open("/proc/self/mounts") as fh:
        points = [line.split()[1] for line in fh]
    for mnt in sorted((p for p in points if p.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "-l", mnt], capture_output=True)


def _remove_tree(path: Path) -> None:
    if path.exists():
        _umount_under(path)
        subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=True)


def _build_rootfs(name: str, spec: Rootfs, digest: str, log: Path) -> None:
    if os.geteuid() != 0:
        raise StandinError(f"building {name} needs root (debootstrap)")
    for tool in ("debootstrap", "chroot", "tar"):
        if not any((Path(d) / tool).exists() for d in ("/usr/sbin", "/usr/bin", "/sbin", "/bin")):
            raise StandinError(f"{tool} not found: run scripts/ensure-docker.sh")
    work = WORK_DIR / _safe(name)
    cache = DEB_CACHE / spec.suite
    cache.mkdir(parents=True, exist_ok=True)
    _remove_tree(work)
    work.mkdir(parents=True)
    try:
        _run_logged(
            ["debootstrap", "--variant=minbase", f"--include={','.join(spec.include)}",
             f"--cache-dir={cache}", spec.suite, str(work), MIRROR],
            log, f"debootstrap {spec.suite}",
        )
        # HTTPS is intercepted here: pip/apt inside builds need the host's CAs.
        certs = work / "etc/ssl/certs"
        certs.mkdir(parents=True, exist_ok=True)
        (certs / "ca-certificates.crt").unlink(missing_ok=True)
        (certs / "ca-certificates.crt").write_bytes(HOST_CA_BUNDLE.read_bytes())
        extra = work / "usr/local/share/ca-certificates"
        extra.mkdir(parents=True, exist_ok=True)
        if HOST_EXTRA_CAS.is_dir():
            for crt in HOST_EXTRA_CAS.glob("*.crt"):
                (extra / crt.name).write_bytes(crt.read_bytes())
        for junk in ("var/lib/apt/lists", "var/cache/apt"):
            subprocess.run(
                ["find", str(work / junk), "-mindepth", "1", "-type", "f", "-delete"],
                capture_output=True,
            )
        pyver = subprocess.run(
            ["chroot", str(work), "python3", "-c",
             "import platform; print(platform.python_version())"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        changes = [
            f"ENV PATH={ROOTFS_PATH}",
            "ENV LANG=C.UTF-8",
            f"LABEL {LABEL}=1",
            f"LABEL {HASH_LABEL}={digest}",
            f"LABEL {PYVER_LABEL}={pyver}",
            'CMD ["bash"]',
        ]
        cmd = [DOCKER, "import"]
        for c in changes:
            cmd += ["-c", c]
        cmd += ["-", name]
        with log.open("a") as fh:
            fh.write(f"\n$ tar -C {work} -c . | {shlex.join(cmd)}\n")
            fh.flush()
            tar = subprocess.Popen(
                ["tar", "--numeric-owner", "-C", str(work), "-c", "."],
                stdout=subprocess.PIPE, stderr=fh,
            )
            imp = subprocess.run(cmd, stdin=tar.stdout, stdout=fh, stderr=subprocess.STDOUT)
            tar.stdout.close()
            tar_rc = tar.wait()
        if tar_rc != 0 or imp.returncode != 0:
            raise StandinError(f"docker import {name} failed; log {log}, tail:\n{_tail(log)}")
    finally:
        _remove_tree(work)


def _build_dockerfile(name: str, spec: Build, digest: str, log: Path) -> None:
    cmd = [DOCKER, "build", "--progress=plain", "-f", str(HERE / spec.dockerfile),
           "--build-arg", f"BASE={spec.base}"]
    for key, value in spec.args:
        cmd += ["--build-arg", f"{key}={value}"]
    if spec.python_version:
        base = _inspect(spec.base) or {}
        pyver = base.get("labels", {}).get(PYVER_LABEL)
        if not pyver:
            raise StandinError(f"{spec.base} has no {PYVER_LABEL} label")
        cmd += ["--build-arg", f"PYTHON_VERSION={pyver}"]
    cmd += ["--label", f"{LABEL}=1", "--label", f"{HASH_LABEL}={digest}", "-t", name, str(HERE)]
    _run_logged(cmd, log, f"docker build {name}", env=_docker_env())


def _ensure_target(name: str) -> None:
    """Build stand-in ``name`` (a key of TARGETS) and its bases unless up to date."""
    with _done_lock:
        if name in _done:
            return
    spec = TARGETS[name]
    if isinstance(spec, Build):
        _ensure_target(spec.base)
    with _flock(name):
        with _done_lock:
            if name in _done:  # another thread built it while we waited
                return
        digest = _recipe_hash(name)
        info = _inspect(name)
        labels = (info or {}).get("labels", {})
        if info and LABEL not in labels:
            _say(f"{name}: a non-stand-in image has this tag; using it")
        elif info and labels.get(HASH_LABEL) == digest:
            _say(f"{name}: up to date, skipped")
        else:
            LOG_DIR.mkdir(parents=True, exist_ok=True)
            log = LOG_DIR / f"{_safe(name)}.log"
            log.write_text(f"# {name} {time.strftime('%F %T')}\n")
            _say(f"{name}: building ({'stale' if info else 'missing'}; log {log})")
            start = time.monotonic()
            if isinstance(spec, Rootfs):
                _build_rootfs(name, spec, digest, log)
            else:
                _build_dockerfile(name, spec, digest, log)
            _say(f"{name}: built in {time.monotonic() - start:.0f}s")
        with _done_lock:
            _done.add(name)


# --------------------------------------------------------------------------
# image references
# --------------------------------------------------------------------------

_PREFIXES = (
    "docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/",
    "docker.io/", "index.docker.io/", "registry-1.docker.io/", "library/",
)
_TAG_RE = re.compile(r"(?P<ver>\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?)?-?(?P<variant>.*)")


def _split_ref(ref: str) -> tuple[str, str]:
    if "@" in ref:
        raise StandinError(f"{ref}: digest-pinned references cannot be served by a local stand-in")
    name, tag = ref, "latest"
    if ":" in ref.rsplit("/", 1)[-1]:
        name, tag = ref.rsplit(":", 1)
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name.lower(), tag


def standin_for(ref: str) -> str:
    """The stand-in tag (``python:3.13-slim``, ``postgres:16``...) serving ``ref``.

    Raises StandinError for an image there is no stand-in for.
    """
    name, tag = _split_ref(ref)
    m = _TAG_RE.fullmatch(tag)
    ver = m.group("ver") if m else None
    variant = (m.group("variant") if m else tag) or ""
    nums = [int(x) for x in re.findall(r"\d+", ver)] if ver else []
    if name == "python":
        if any(w in variant for w in ("windowsservercore", "nanoserver")):
            raise StandinError(f"{ref}: Windows images have no stand-in")
        slim = any(w.startswith(("slim", "alpine")) for w in variant.split("-"))
        if nums and nums[0] != 3:
            raise StandinError(f"{ref}: only Python 3 has stand-ins")
        minor = nums[1] if len(nums) > 1 else 13
        if minor < 11:
            _say(f"warning: {ref} is served by the Python 3.11 stand-in", err=True)
            minor = 11
        elif minor > 13:
            _say(f"warning: {ref} is served by the Python 3.13 stand-in", err=True)
            minor = 13
        if minor == 12:  # no Debian release ships 3.12
            minor = 13
        return f"python:3.{minor}{'-slim' if slim else ''}"
    if name == "postgres":
        major = nums[0] if nums else 17
        if major > 17:
            _say(f"warning: {ref} is served by the postgres:17 stand-in "
                 "(PGDATA is /var/lib/postgresql/data as before 18)", err=True)
        return "postgres:17" if major >= 17 else "postgres:16"
    if name == "redis":
        return "redis:7"
    if name == "mariadb":
        return "mariadb:11"
    raise StandinError(
        f"no offline stand-in for image {ref!r}: known images are python, postgres, "
        "redis, mariadb (tests/images/standins.py)"
    )


def ensure_image(ref: str) -> str:
    """Make sure image ``ref`` exists locally and return ``ref``.

    Builds the stand-in serving it (and that stand-in's bases) when missing or
    stale, then tags it with exactly ``ref`` (e.g. ``python:3.12.7-slim-bookworm``
    or ``postgres:16.4-alpine``). A tag that already names a non-stand-in image
    (a real pulled image) is left alone. Raises StandinError for an unknown
    image or a failed build.
    """
    target = standin_for(ref)
    _ensure_target(target)
    if ref == target:
        return ref
    current = _inspect(ref)
    if current and LABEL not in current["labels"]:
        return ref
    wanted = _inspect(target)
    if wanted is None:  # a foreign image was used as-is for the target tag
        raise StandinError(f"{target} vanished while tagging {ref}")
    if current is None or current["id"] != wanted["id"]:
        proc = subprocess.run([DOCKER, "tag", target, ref], capture_output=True, text=True)
        if proc.returncode != 0:
            raise StandinError(f"docker tag {target} {ref} failed: {proc.stderr.strip()}")
        _say(f"{ref}: tagged from {target}")
    return ref


def ensure_all(refs: Iterable[str] = ALL_REFS, *, parallel: bool = True) -> list[str]:
    """ensure_image() for each ref, in parallel threads (independent bases build concurrently)."""
    refs = list(dict.fromkeys(refs))
    if not parallel or len(refs) < 2:
        return [ensure_image(r) for r in refs]
    errors: dict[str, BaseException] = {}

    def work(ref: str) -> None:
        try:
            ensure_image(ref)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors[ref] = exc

    threads = [threading.Thread(target=work, args=(r,), name=r) for r in refs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise StandinError("\n".join(f"{r}: {e}" for r, e in errors.items()))
    return refs


# --------------------------------------------------------------------------
# reading references out of Dockerfiles and compose files
# --------------------------------------------------------------------------

_VAR_RE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+?])?(?P<arg>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


class _Unresolved(Exception):
    pass


def _expand(text: str, values: dict[str, str]) -> str:
    """Shell-style ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alt}, $VAR."""

    def repl(m: re.Match) -> str:
        var = m.group("braced") or m.group("plain")
        op, arg = m.group("op"), m.group("arg") or ""
        val = values.get(var)
        if op in (":-", "-"):
            if val is None or (op == ":-" and val == ""):
                return _expand(arg, values)
            return val
        if op in (":+", "+"):
            is_set = val is not None and (op == "+" or val != "")
            return _expand(arg, values) if is_set else ""
        if val is None:
            raise _Unresolved(var)
        return val

    return _VAR_RE.sub(repl, text.replace("$$", "\0")).replace("\0", "$")


def _dockerfile_instructions(text: str) -> Iterator[tuple[str, str]]:
    current: list[str] = []
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and current):
            continue
        if stripped.endswith("\\"):
            current.append(stripped[:-1])
            continue
        current.append(stripped)
        line = " ".join(p for p in current if p).strip()
        current = []
        if line:
            instr, _, rest = line.partition(" ")
            yield instr.upper(), rest.strip()


def _arg_defaults(rest: str) -> dict[str, str]:
    out = {}
    for tok in shlex.split(rest):
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k] = v
    return out


def dockerfile_images(text: str) -> list[str]:
    """Image references a Dockerfile needs: FROM images (not stages/scratch),
    ``COPY --from=<image>`` and ``RUN --mount=...,from=<image>``. ``${ARG}``
    references are resolved with the defaults of ARGs declared before the
    first FROM; unresolvable references are skipped with a warning."""
    args: dict[str, str] = {}
    stages: set[str] = set()
    seen_from = False
    refs: list[str] = []

    def add(raw: str) -> None:
        try:
            ref = _expand(raw, args)
        except _Unresolved as exc:
            _say(f"warning: cannot resolve ${exc.args[0]} in image reference {raw!r}; skipped", err=True)
            return
        if ref and ref.lower() not in stages and ref.lower() != "scratch" and not ref.isdigit():
            refs.append(ref)

    for instr, rest in _dockerfile_instructions(text):
        if instr == "ARG" and not seen_from:
            args.update(_arg_defaults(rest))
        elif instr == "FROM":
            seen_from = True
            toks = [t for t in rest.split() if not t.startswith("--")]
            if toks:
                add(toks[0])
            if len(toks) >= 3 and toks[1].lower() == "as":
                stages.add(toks[2].lower())
        elif instr in ("COPY", "ADD"):
            for tok in rest.split():
                if tok.startswith("--from="):
                    add(tok[len("--from="):])
        elif instr == "RUN":
            for tok in rest.split():
                if tok.startswith("--mount="):
                    for kv in tok[len("--mount="):].split(","):
                        if kv.startswith("from="):
                            add(kv[len("from="):])
    return list(dict.fromkeys(refs))


def _read_env_file(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                out[k.strip().removeprefix("export ").strip()] = v.strip().strip("'\"")
    return out


def _compose_services(text: str) -> dict[str, dict]:
    try:
        import yaml  # type: ignore
    except ImportError:
        yaml = None
    if yaml is not None:
        data = yaml.safe_load(text) or {}
        services = data.get("services") or {}
        return {k: (v or {}) for k, v in services.items() if isinstance(v, dict) or v is None}
    # Minimal fallback: the keys directly under each service of "services:".
    services: dict[str, dict] = {}
    in_services, svc_indent, svc, key_indent = False, None, None, None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent == 0:
            in_services = raw.startswith("services:")
            svc = None
            continue
        if not in_services:
            continue
        if svc_indent is None or indent <= svc_indent:
            svc_indent = indent
            svc = raw.strip().rstrip(":").strip("'\"")
            services[svc] = {}
            key_indent = None
            continue
        if key_indent is None:
            key_indent = indent
        if indent == key_indent and svc is not None:
            key, _, value = raw.strip().partition(":")
            services[svc][key.strip()] = value.strip().strip("'\"") or True
    return services


def compose_images(text: str, env: dict[str, str] | None = None) -> list[str]:
    """``image:`` references of a compose file's services that are pulled
    (services with a ``build:`` key name their built image: skipped).
    ``${VAR:-default}`` is interpolated from ``env`` (default: os.environ)."""
    values = dict(os.environ if env is None else env)
    refs = []
    for name, svc in _compose_services(text).items():
        image = svc.get("image")
        if not image or "build" in svc:
            continue
        try:
            refs.append(_expand(str(image), values))
        except _Unresolved as exc:
            _say(f"warning: service {name}: cannot resolve ${exc.args[0]} in {image!r}; skipped", err=True)
    return list(dict.fromkeys(refs))


_COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def ensure_images_for(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Ensure every image the given Dockerfiles / compose files reference.

    A path ending in .yml/.yaml is read as a compose file (with the ``.env``
    beside it), anything else as a Dockerfile; a directory means its
    Dockerfile and compose file. Returns the references ensured.
    """
    refs: list[str] = []
    for p in map(Path, paths):
        files = [p / n for n in ("Dockerfile", *_COMPOSE_NAMES) if (p / n).is_file()] if p.is_dir() else [p]
        for f in files:
            text = f.read_text()
            if f.suffix in (".yml", ".yaml"):
                env = {**_read_env_file(f.parent / ".env"), **os.environ}
                refs += compose_images(text, env)
            else:
                refs += dockerfile_images(text)
    refs = list(dict.fromkeys(refs))
    for ref in refs:
        ensure_image(ref)
    return refs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("refs", nargs="*", metavar="REF", help="image references to provide")
    ap.add_argument("--all", action="store_true", help=f"build every stand-in: {' '.join(ALL_REFS)}")
    ap.add_argument("--for", dest="files", action="append", default=[], metavar="FILE",
                    help="provide the images a Dockerfile/compose file (or directory) references")
    ap.add_argument("--serial", action="store_true", help="build one image at a time")
    opts = ap.parse_args(argv)
    if not (opts.all or opts.refs or opts.files):
        ap.error("give REF..., --for FILE or --all")
    start = time.monotonic()
    try:
        refs = list(ALL_REFS) if opts.all else []
        refs += opts.refs
        if refs:
            ensure_all(refs, parallel=not opts.serial)
        if opts.files:
            ensure_images_for(opts.files)
    except StandinError as exc:
        _say(f"error: {exc}", err=True)
        return 1
    _say(f"done in {time.monotonic() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
