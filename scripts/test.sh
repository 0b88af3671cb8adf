#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a laptop:
#   1. installs scaffold with its test dependencies;
#   2. makes sure a Docker engine with Compose v2 runs (as root on Debian it
#      installs docker.io and starts dockerd; elsewhere it uses the running one);
#   3. builds offline stand-ins of the images the templates use, where no
#      registry can be reached (SCAFFOLD_STANDINS=0 skips it: Docker then pulls);
#   4. runs pytest (extra arguments are passed on).
# SCAFFOLD_REQUIRE_DOCKER=1 makes Docker tests fail, not skip, without an engine.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# The real interpreter, not a version-manager shim that may pick another Python inside a project folder.
PYTHON=$("$PYTHON" -c 'import sys; print(sys.executable)')

echo "==> installing scaffold and its test dependencies"
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e '.[test]' 2>&1 | grep -v "^WARNING: Location" || true

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Docker engine"
    bash scripts/ensure-docker.sh
elif ! docker info >/dev/null 2>&1; then
    echo "==> no Docker engine answers and this is not a root Debian shell: Docker tests will skip"
fi

if [ "${SCAFFOLD_STANDINS:-1}" = 1 ] && { /usr/bin/docker info >/dev/null 2>&1 || docker info >/dev/null 2>&1; }; then
    echo "==> offline stand-in images (cached after the first run)"
    "$PYTHON" tests/images/standins.py --all
fi

echo "==> pytest"
exec "$PYTHON" -m pytest "$@"
