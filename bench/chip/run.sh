#!/usr/bin/env bash
# Chip placement benchmark: cost validation against CT's reference values, full/incremental evaluation
# timings, and placer tables (Ariane133 clustered; flat netlists clustered with METIS).
# Usage: bench/chip/run.sh BUILD_DIR   (run from the repository root; configuration in bench/chip/config.json)
# Environment: CHIP_BENCH_ONLY=validation|ariane|flat to run one part; CHIP_BENCH_SCALE=0.5 scales budgets.
set -euo pipefail
BUILD=${1:?usage: bench/chip/run.sh BUILD_DIR}
BIN="$BUILD/src/cli/tessera"
[ -x "$BIN" ] || BIN="$BUILD/tessera"
[ -x "$BIN" ] || { echo "no tessera binary under $BUILD" >&2; exit 1; }
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1
OUT=bench/results/chip
mkdir -p "$OUT/runs"
exec python3 bench/chip/run.py "$BIN" bench/chip/config.json "$OUT"
