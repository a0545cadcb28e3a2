#!/usr/bin/env bash
# Clustering benchmark: the learned expected-normalized-cut clusterer vs k-means and spectral clustering
# on sklearn digits and the Fashion-MNIST test split (10k), in one run, plus the held-out-part accuracy
# of the learned clusterer (train on a random part, assign the disjoint rest with the trained network);
# then the same methods on the synthetic sets of bench/cluster/make_synthetic.py (bench/cluster/synthetic.json).
# Writes bench/results/cluster/results.{json,md} and bench/results/cluster/synthetic/results.{json,md}.
# Usage: bench/cluster/run.sh [BUILD_DIR] [CONFIG] [--only NAME,...]
#   With CONFIG, only that config runs; its results go to bench/results/cluster/<config name> unless it is
#   bench/cluster/config.json. --only writes only the named runs (results.json then holds those alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
CONFIG=${2:-}
shift 2 || shift $# || true
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export TESSERA_CLUSTER_SYNTHETIC="$BUILD/cluster_synthetic"
python3 bench/cluster/make_synthetic.py "$TESSERA_CLUSTER_SYNTHETIC"
out_dir() {
  case "$1" in
    bench/cluster/config.json) echo bench/results/cluster ;;
    *) echo "bench/results/cluster/$(basename "$1" .json)" ;;
  esac
}
if [ -n "$CONFIG" ]; then
  exec nice python3 bench/cluster/bench.py "$BUILD/src/cli/tessera" "$CONFIG" "$(out_dir "$CONFIG")" "$@"
fi
for c in bench/cluster/config.json bench/cluster/synthetic.json; do
  nice python3 bench/cluster/bench.py "$BUILD/src/cli/tessera" "$c" "$(out_dir "$c")" "$@"
done
