#!/usr/bin/env bash
# The scale benchmark (issue 8) in one command: installs reportlab_analysis[bench] into .venv, generates the
# corpora (50, 500, 5,000 reports) and times every pipeline stage and baseline at each size.
# Results: benchmarks/out/results/scale.md, scale.csv, scale.png. About 20 minutes on 2 idle cores.
# Usage: bash benchmarks/run.sh [bench_pipeline.py options, e.g. --sizes 50 500 --stages load segment]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv bench
export PYTHONHASHSEED=0 MPLBACKEND=Agg
exec .venv/bin/python benchmarks/bench_pipeline.py "$@"
