#!/usr/bin/env bash
# Partitioning benchmark: every Walshaw graph × k ∈ {2,4,8,16,32} at 3% imbalance with gap-raw, gap
# (+ refinement), random, refine-random, METIS k-way and METIS recursive bisection, in one run.
# Usage: bench/partition/run.sh BUILD_DIR [--graphs a,b,...] [--model FILE]
# Writes bench/results/partition/walshaw.json and walshaw.md (config: bench/partition/config.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
shift || true
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
if [ ! -x "$BUILD/bench/partition/partition_bench" ]; then
  cmake --build "$BUILD" --target partition_bench -j"${JOBS:-2}"
fi
mkdir -p bench/results/partition
nice "$BUILD/bench/partition/partition_bench" bench/partition/config.json bench/results/partition/walshaw "$@"
