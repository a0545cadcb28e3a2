#!/usr/bin/env bash
# Clustering benchmark: the learned expected-normalized-cut clusterer vs k-means and spectral clustering
# on sklearn digits and the Fashion-MNIST test split (10k), in one run, plus the held-out-part accuracy
# of the learned clusterer (train on a random part, assign the disjoint rest with the trained network).
# Writes bench/results/cluster/results.json and results.md (runs: bench/cluster/config.json).
# Usage: bench/cluster/run.sh [BUILD_DIR] [CONFIG] [--only NAME,...]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
CONFIG=${2:-bench/cluster/config.json}
shift 2 || shift $# || true
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
exec nice python3 bench/cluster/bench.py "$BUILD/src/cli/tessera" "$CONFIG" bench/results/cluster "$@"
