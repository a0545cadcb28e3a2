#!/usr/bin/env bash
# The README's main job (make run): generate a mesh-like example graph (20k nodes) with Tessera's own
# generator, partition it at 3% imbalance with the shipped GAP model (raw and refined) and with
# METIS, and print a table.
# Usage: tools/run_example.sh TESSERA_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/tessera}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
GRAPH=$OUT/mesh_20k.graph
"$BIN" partition generate --family mesh -n 20000 --seed 7 --out "$GRAPH"
field() { sed -n "s/^  \"$1\": \([^,]*\),\{0,1\}$/\1/p" "$2" | head -1; }
echo
printf "%-10s %4s %10s %10s %10s %9s\n" method k cut imbalance feasible seconds
for k in 2 8 32; do
  for m in gap-raw gap metis; do
    "$BIN" -q partition "$GRAPH" -k "$k" --imbalance 0.03 --method "$m" --out "$OUT/$m.$k.part" --json > "$OUT/r.json"
    printf "%-10s %4s %10s %10.4f %10s %9.3f\n" "$m" "$k" "$(field cut "$OUT/r.json")" \
      "$(field imbalance "$OUT/r.json")" "$(field feasible "$OUT/r.json")" "$(field time "$OUT/r.json")"
  done
done
echo
echo "(gap-raw: the learned model alone; gap: + FM/V-cycle refinement; metis: METIS 5.1 k-way)"
