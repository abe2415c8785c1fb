#!/usr/bin/env bash
# Creates the project-local Python virtualenv (.venv, ignored by git) with moto and cfn-lint, once. Re-runs
# the install only when the pinned requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=scripts/python-requirements.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x .venv/bin/moto_server ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "setting up .venv (moto, cfn-lint)…" >&2
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$want" > "$stamp"
