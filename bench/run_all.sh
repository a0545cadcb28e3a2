#!/usr/bin/env bash
# Runs every module's benchmark (bench/<module>/run.sh) with the built binaries; results go to
# bench/results/. Usage: bench/run_all.sh [BUILD_DIR] [module ...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
MODULES=("$@")
[ ${#MODULES[@]} -eq 0 ] && MODULES=(partition devices devices_rl chip chip_rl binpack cluster)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
for m in "${MODULES[@]}"; do
  if [ -x "bench/$m/run.sh" ]; then
    echo "== bench: $m"
    "bench/$m/run.sh" "$BUILD"
  fi
done
