#!/usr/bin/env bash
# Produces the shipped pre-trained GDP policy models/gdp_devplace.pt (used zero-shot by
# `tessera devices place MODEL --method gdp` when no --model is given).
# Pre-training set: the ONNX graphs of ../shared/data/devplace/onnx as training steps at batch 64, on 4
# P100s (PCIe) and on 16 H100s in two nodes (since stop 30: the policy's head covers 16 devices, and the
# second cluster trains the logits and the device-count context beyond 4), with a small budget: the CPU is shared. Held out (never seen in pre-training, used for the zero-shot benchmark):
# inception_v3 (CNN), gnmt4 (recurrent) and transformer.
# The policy reads a placement hint (--hint, since stop 26): the best of the fast classical placers'
# placements of the graph it places, computed the same way when placing. Before PPO it imitates, for
# 200 gradient steps, the best classical placement of each training graph (--imitate), which on these
# graphs is the hint, with the devices renamed at random each step, so it learns to copy the hint on
# every device. (Without a hint, stop 11 found that longer imitation memorizes the training graphs; the
# model without a hint used 40 steps. See docs/notes/devices_rl.md.)
# Usage: tools/train_gdp_model.sh [BUILD_DIR] [ITERATIONS] [TIME_BUDGET_SECONDS]
# Resumable: rerunning after a kill continues from the checkpoint in BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/src/cli}
ITERATIONS=${2:-300}
BUDGET=${3:-900}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
mkdir -p bench/results/devices_rl
nice "$BUILD/tessera" devices train ../shared/data/devplace/onnx \
  --exclude inception_v3,gnmt4,transformer \
  --cluster p100x4 --cluster h100x16-2node --max-devices 16 --training --batch 64 --hidden 32 --time-budget "$BUDGET" \
  --hint single,rule-expert,metis-sweep,m-topo,m-etf,m-sct,heft \
  --imitate single,rule-expert,metis-sweep,m-topo,m-etf,m-sct,heft --imitation-epochs 200 \
  --iterations "$ITERATIONS" --samples 8 --learning-rate 5e-3 --seed 1 --threads 2 \
  --checkpoint "$BUILD/gdp_pretrain.ckpt" --checkpoint-every 2 --resume \
  --log bench/results/devices_rl/pretrain \
  --out models/gdp_devplace.pt --json > bench/results/devices_rl/pretrain_summary.json
echo "wrote models/gdp_devplace.pt (summary: bench/results/devices_rl/pretrain_summary.json)"
