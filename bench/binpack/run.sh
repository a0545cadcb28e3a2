#!/usr/bin/env bash
# Bin-packing benchmark: per BPPLIB family (subsets as listed in bench/binpack/families.txt), total
# bins vs the proven optimum and the number of instances solved to optimum for FFD, BFD, SA from a
# random packing, SA from FFD, RL alone (greedy) and RLHO (RL start + SA), with wall-clock per
# instance. The time-limited methods (sa-random, sa, rlho) get the same budget per instance.
# Usage: bench/binpack/run.sh [BUILD_DIR] [TIME_LIMIT_S=1] [METHODS="ffd bfd sa-random sa rl rlho"] [FAMILIES="all"]
# (a run may be split by methods or families; the summary covers every result in bench/work/binpack)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
LIMIT=${2:-1}
METHODS=${3:-"ffd bfd sa-random sa rl rlho"}
FAMILIES=${4:-all}
TESSERA="$BUILD/src/cli/tessera"
DATA=../shared/data/binpack/bpplib
OUT=bench/results/binpack
WORK=bench/work/binpack
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
mkdir -p "$OUT" "$WORK"
[ -x "$TESSERA" ] || { echo "no tessera binary at $TESSERA" >&2; exit 1; }
grep -v '^#' bench/binpack/families.txt | while read -r family glob step max; do
  [ -z "$family" ] && continue
  if [ "$FAMILIES" != all ] && [[ " $FAMILIES " != *" $family "* ]]; then continue; fi
  files=$(ls $DATA/$glob | awk -v s="$step" -v m="$max" '(NR-1)%s==0 && c<m {print; c++}')
  for m in $METHODS; do
    echo "== $family $m ($(echo "$files" | wc -l) instances, limit ${LIMIT}s)" >&2
    nice "$TESSERA" -q binpack $files --method "$m" --time-limit "$LIMIT" --seed 1 --threads 1 --json \
      --no-assignment > "$WORK/${family}_${m}.json"
  done
done
python3 - "$WORK" "$OUT" "$LIMIT" "$METHODS" <<'PY'
import json, os, sys, statistics
work, out, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
# Every method with results in the work folder (runs may be split by method).
methods = [m for m in ["ffd", "bfd", "sa-random", "sa", "rl", "rlho"]
           if any(n.endswith(f"_{m}.json") for n in os.listdir(work))]
fams = [l.split()[0] for l in open("bench/binpack/families.txt") if l.strip() and not l.startswith("#")]
rows, summary = [], {"time_limit_s": limit, "methods": methods, "families": {}}
for f in fams:
    fam = {}
    for m in methods:
        p = os.path.join(work, f"{f}_{m}.json")
        if not os.path.exists(p): continue
        r = json.load(open(p))
        inst = r["instances"] if "instances" in r else [r]
        fam[m] = {"instances": len(inst), "bins": sum(i["bins"] for i in inst),
                  "optimum": sum(i["optimum"] for i in inst),
                  "lower_bound_l2": sum(i["lower_bound"] for i in inst),
                  "solved": sum(1 for i in inst if i["bins"] == i["optimum"]),
                  "median_seconds": statistics.median(i["seconds"] for i in inst),
                  "mean_seconds": sum(i["seconds"] for i in inst) / len(inst)}
        if m == "rlho":
            fam[m]["rl_start_bins"] = sum(i["rl_bins"] for i in inst)
    summary["families"][f] = fam
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
lines = [f"# Bin packing: bins vs proven optimum (time limit {limit:g} s per instance for sa-random, sa, rlho)", "",
         "Each cell: total bins (instances solved to optimum) [median wall-clock per instance].", "",
         "| family | n | optimum | L2 | " + " | ".join(methods) + " |",
         "|---|---|---|---|" + "---|" * len(methods)]
for f, fam in summary["families"].items():
    if not fam: continue
    any_m = next(iter(fam.values()))
    cells = []
    for m in methods:
        if m not in fam: cells.append("-"); continue
        c = fam[m]
        cells.append(f"{c['bins']} ({c['solved']}/{c['instances']}) [{c['median_seconds']:.2f}s]")
    lines.append(f"| {f} | {any_m['instances']} | {any_m['optimum']} | {any_m['lower_bound_l2']} | " + " | ".join(cells) + " |")
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
