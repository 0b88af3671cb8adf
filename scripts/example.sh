#!/usr/bin/env bash
# The main job on the bundled example: install scaffold, inspect the News
# Aggregator API (FastAPI + Postgres + Redis), render its container files,
# and show them. With --verify (and a Docker engine), also build and run it.
#
#   bash scripts/example.sh            # render and show the files
#   bash scripts/example.sh --verify   # ... then build, start and probe the stack
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# The real interpreter, not a version-manager shim that may pick another Python inside a project folder.
PYTHON=$("$PYTHON" -c 'import sys; print(sys.executable)')

echo "==> installing scaffold (pip install -e .)"
"$PYTHON" -m pip install --quiet --disable-pip-version-check -e . 2>&1 | grep -v "^WARNING: Location" || true

workdir=$(mktemp -d "${TMPDIR:-/tmp}/scaffold-example.XXXXXX")
cp -r examples/news-aggregator "$workdir/"
project="$workdir/news-aggregator"

echo "==> scaffold inspect $project"
COLUMNS=${COLUMNS:-140} "$PYTHON" -m scaffold.cli inspect "$project"

echo "==> scaffold init --defaults"
"$PYTHON" -m scaffold.cli init --defaults "$project"

for file in Dockerfile compose.yaml .env.example .dockerignore .copier-answers.yml; do
    echo
    echo "==================== $file ===================="
    cat "$project/$file"
done
echo
echo "The files are in $project (the bundled example itself is untouched)."

if [ "${1:-}" = "--verify" ]; then
    echo "==> scaffold verify"
    "$PYTHON" -m scaffold.cli verify "$project"
fi
