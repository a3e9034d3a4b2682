#!/usr/bin/env bash
# The test command: installs what it needs into .venv, then runs the whole test suite.
# Usage: bash scripts/test.sh [pytest options]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv test
# Headless Chromium checks that the offline HTML renders; install it where we may (root + apt), else those tests skip.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo ">> installing Debian chromium for the HTML rendering tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo ">> chromium could not be installed; the browser tests will be skipped"
fi
export PYTHONHASHSEED=0 MPLBACKEND=Agg
exec .venv/bin/python -m pytest "$@"
