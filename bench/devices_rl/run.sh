#!/usr/bin/env bash
# Learned device placement benchmark: rl2017, gdp from scratch, gdp zero-shot (shipped model) and gdp
# fine-tuned vs every classical placer and the human experts, on the graphs of config.json.
# Writes bench/results/devices_rl/results.json, results.md and training curves (curves/*.svg).
# Usage: bench/devices_rl/run.sh [BUILD_DIR] [CONFIG]
# BENCH_ONLY="graph:row,..." reruns only those cells of an existing results.json (rows: a classical placer of the
# config (anneal, metis-sweep, ...), rl2017, gdp-scratch, gdp-zero-shot,
# gdp-finetune, anneal-equal-time, rl2017-refine, gdp-finetune-refine, gdp-zero-shot-refine).
# BENCH_GRAPHS="graph,..." runs every row of those config graphs only and merges them into results.json.
# BENCH_REPORT_ONLY=1 rewrites results.md from results.json without running anything.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
CONFIG=${2:-bench/devices_rl/config.json}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
exec nice python3 bench/devices_rl/bench.py "$BUILD/tessera" "$CONFIG" bench/results/devices_rl
