#!/usr/bin/env bash
# Creates (or updates) the project's Python virtualenv for tests that drive PyPI packages, and
# prints its python path. One venv per requirements file, so suites stay independent:
#   scripts/python-venv.sh <name> <requirements.txt>   ->  .cache/venv-<name>/bin/python
# Debian's own Python packages (python3-confluent-kafka, python3-pika, ...) stay under
# /usr/bin/python3; PyPI packages go only here. Reinstalls only when the requirements change.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name="$1"
requirements="$2"
venv="$root/.cache/venv-$name"
python="${BROOK_PYTHON:-python3}"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" >&2
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
