#!/usr/bin/env bash
# The main job: installs what it needs into .venv, then runs every notebook on the bundled corpus
# and renders the results to reports/ (HTML, figures, tables).
# Usage: bash scripts/report.sh [reportlab-analysis run options, e.g. --params params/national.yaml]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv test
export PYTHONHASHSEED=0 MPLBACKEND=Agg
exec .venv/bin/reportlab-analysis run "$@"
