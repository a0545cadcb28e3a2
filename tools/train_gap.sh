#!/usr/bin/env bash
# Trains the shipped GAP model (k = 2, applied to any k by recursive bisection) on generated graphs.
# Reproducible: fixed seed and settings; a few minutes on 2 CPU cores.
# Usage: tools/train_gap.sh [TESSERA_BINARY] [OUT]   (defaults: build/tessera, models/gap_k2.pt)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/tessera}
OUT=${2:-models/gap_k2.pt}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
mkdir -p "$(dirname "$OUT")"
TMP="$OUT.training"
nice "$BIN" partition train -k 2 --epochs 20 --graphs 64 --validation-graphs 8 --n-min 300 --n-max 4000 \
  --hidden 64 --layers 3 --learning-rate 0.003 --balance-weight 2 --eigenvectors 4 --seed 1 \
  --threads 2 --out "$TMP" --resume
mv -f "$TMP" "$OUT"
echo "shipped model: $OUT"
