#!/usr/bin/env bash
# The oldest Textual pyproject.toml allows, really installed: the app's tests (not the snapshots,
# whose drawing changes between versions) must pass on it. Run on demand, after raising what the
# app uses: scripts/check_textual_floor.sh [VENV]   (the venv is made anew; default /tmp/tuiconc-floor)
set -euo pipefail
cd "$(dirname "$0")/.."
floor=$(sed -n 's/^ *"textual>=\([0-9.]*\)".*/\1/p' pyproject.toml)
venv=${1:-/tmp/tuiconc-floor}
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet -e '.[test]' "textual==$floor"
"$venv/bin/python" -c "import textual; print('textual', textual.__version__)"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/ui/test_app.py tests/ui/test_keys.py tests/ui/test_stage.py
