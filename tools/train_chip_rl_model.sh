#!/usr/bin/env bash
# Pre-trains the shipped RL macro-placement model (models/chip_rl.pt) with PPO over CT's test
# netlists, the flat NVDLA netlist clustered with METIS (chip train clusters flat netlists itself) and
# generated random netlists; never on the Ariane designs or mempool_tile, so results on the bench
# netlists are zero-shot. 200 iterations take about 20 minutes on 2 cores.
# Usage: tools/train_chip_rl_model.sh [BUILD_DIR] [TIME_BUDGET_S (0 = none)]
set -euo pipefail
BUILD=${1:-build}
BUDGET=${2:-0}
TESSERA=$BUILD/src/cli/tessera
[ -x "$TESSERA" ] || TESSERA=$BUILD/tessera
D=../shared/data/chip/ct_testdata
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=1
mkdir -p models bench/results/chip_rl
nice "$TESSERA" chip train \
  "$D/macro_tiles_10x10/netlist.pb.txt,$D/macro_tiles_10x10/initial.plc" \
  "$D/sample_clustered/netlist.pb.txt" \
  "$D/simple_grouped_with_coords/netlist.pb.txt" \
  ../shared/data/chip/nvdla_ng45/NV_NVDLA_partition_c.pb.txt.gz \
  --generated 8 --generated-macros 24 --episodes 4 --iterations 200 --time-budget "$BUDGET" \
  --fd-iterations 50 --seed 1 --threads 2 \
  --out models/chip_rl.pt --checkpoint /tmp/chip_rl_pretrain.ckpt \
  --log bench/results/chip_rl/pretrain --json > bench/results/chip_rl/pretrain_summary.json
echo "wrote models/chip_rl.pt; curves: bench/results/chip_rl/pretrain_mean_proxy.svg"
