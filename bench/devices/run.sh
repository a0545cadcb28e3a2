#!/usr/bin/env bash
# Device-placement benchmark: every graph in bench/devices/graphs.txt x clusters x classical placers
# (simulated step time, peak memory, feasibility, placement time), simulator throughput on the
# largest graphs, and the Baechi Inception-v3 fidelity comparison.
# Usage: bench/devices/run.sh [BUILD_DIR]   (results: bench/results/devices/*.json, *.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
BIN="$BUILD/src/cli/tessera"
[ -x "$BIN" ] || { echo "no tessera binary at $BIN (build first)" >&2; exit 1; }
OUT=bench/results/devices
mkdir -p "$OUT/rows"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
CLUSTERS=${CLUSTERS:-p100x2,p100x4,a100x8}
# Annealing is limited to 200 simulator calls per cell to keep the whole table within minutes.
EXTRA='{"iterations": 200}'

# 1. The table.
while IFS='|' read -r name model flags; do
  name=$(echo "$name" | xargs); model=$(echo "$model" | xargs); flags=$(echo "$flags" | xargs)
  [ -z "$name" ] || [[ "$name" == \#* ]] && continue
  echo "== $name"
  # shellcheck disable=SC2086
  nice "$BIN" -q devices compare "$model" $flags --clusters "$CLUSTERS" --methods classical \
    --extra "$EXTRA" --out "$OUT/rows/$name.json" > /dev/null
done < bench/devices/graphs.txt

# 2. Simulator throughput (CPU time per simulation, reused simulator) and the largest graph.
: > "$OUT/simbench.jsonl"
for copies in 1 16 32; do
  for placement in random m-etf; do
    nice "$BIN" -q devices simbench ../shared/data/devplace/onnx/gnmt4.onnx --training --cluster p100x4 \
      --copies $copies --runs 9 --placement $placement --json | tr -d '\n' >> "$OUT/simbench.jsonl"
    echo >> "$OUT/simbench.jsonl"
  done
done
nice "$BIN" -q devices simbench ../shared/data/devplace/onnx/transformer.onnx --training --cluster a100x8 \
  --copies 16 --runs 9 --placement random --json | tr -d '\n' >> "$OUT/simbench.jsonl"
echo >> "$OUT/simbench.jsonl"

# 3. Fidelity: Baechi (Jeon et al., SoCC 2020) Inception-v3, batch 64, 4 GPUs, measured step times.
nice "$BIN" -q devices compare ../shared/data/devplace/onnx/inception_v3.onnx --training --batch 64 \
  --clusters p100x4 --methods single,m-topo,m-etf,m-sct --out "$OUT/fidelity_rows.json" > /dev/null

python3 bench/devices/summarize.py "$OUT"
echo "results in $OUT/"
