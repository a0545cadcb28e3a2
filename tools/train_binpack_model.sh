#!/usr/bin/env bash
# Trains the shipped bin-packing policy (models/binpack_policy.pt) with PPO and the RLHO reward on
# generated instances of all benchmark families. Usage: tools/train_binpack_model.sh [BUILD_DIR] [extra flags]
# Reproduces the shipped model with the defaults below (seed 1, 2 threads; ~10 CPU-minutes).
# The last checkpoint (for --resume) goes to models/binpack_policy_train.pt; the model with the best
# greedy validation score (bins / L1 on fixed generated instances) is shipped as models/binpack_policy.pt.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
mkdir -p models
"$BUILD/src/cli/tessera" binpack train \
  --family mixed --min-items 60 --max-items 150 \
  --iterations 40 --episodes 32 --minibatch-size 128 --learning-rate 0.0003 \
  --sa-iterations 20000 --sa-weight 0.5 --hidden 64 \
  --seed 1 --threads 2 --out models/binpack_policy_train.pt --best-out models/binpack_policy.pt \
  --log models/binpack_policy_log "$@"
