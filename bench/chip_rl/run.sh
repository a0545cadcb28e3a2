#!/usr/bin/env bash
# RL macro placer on Ariane133 NG45 (clustered): zero-shot (shipped model) and fine-tuned, each with
# and without coordinate-descent refinement, next to simulated annealing at equal wall-clock, under
# the chip bench's protocol (hard macros by the method, soft macros by the same FD, proxy WL+0.5den+0.5cong).
# Usage: bench/chip_rl/run.sh BUILD_DIR   (writes bench/results/chip_rl/ariane133.{json,md} + pictures)
#        bench/chip_rl/run.sh BUILD_DIR seeds   (RL vs SA over seeds: bench/chip_rl/seeds.py, seeds.json)
set -euo pipefail
BUILD=${1:?usage: bench/chip_rl/run.sh BUILD_DIR}
TESSERA=$BUILD/src/cli/tessera
[ -x "$TESSERA" ] || TESSERA=$BUILD/tessera
OUT=bench/results/chip_rl
mkdir -p "$OUT"
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1
if [ "${2:-}" = seeds ]; then exec python3 bench/chip_rl/seeds.py "$TESSERA" "$OUT"; fi
python3 - "$TESSERA" "$OUT" <<'PY'
import json, subprocess, sys, time
tessera, out = sys.argv[1], sys.argv[2]
cfg = json.load(open("bench/chip_rl/config.json"))
rows = []
def run(args):
    t = time.time()
    r = subprocess.run(["nice", tessera, "-q"] + args + ["--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"tessera failed: {' '.join(args)}\n{r.stderr}")
    j = json.loads(r.stdout)
    j["wall_s"] = time.time() - t
    return j
given = run(["chip", "eval", cfg["netlist"], cfg["plc"]])
rows.append({"name": "legalized.plc as given", "proxy_cost": given["proxy_cost"], "wirelength_cost": given["wirelength_cost"],
             "density_cost": given["density_cost"], "congestion_cost": given["congestion_cost"], "wall_s": 0})
for r in cfg["runs"]:
    tag = r["name"].split(" (")[0].replace(" ", "_").lower() + f"_{r['budget']}s"
    args = ["chip", "place", cfg["netlist"], cfg["plc"], "--method", r["method"], "--time-budget", str(r["budget"]),
            "--seed", str(cfg["seed"]), "--threads", str(cfg["threads"]), "--refine",
            "--refine-budget", str(cfg["refine_budget"]), "--out", f"{out}/{tag}.plc", "--svg", f"{out}/{tag}.svg"]
    if r["finetune"] > 0:
        args += ["--finetune-seconds", str(r["finetune"])]
    j = run(args)
    u = j["unrefined"]
    stats = j.get("placer_stats", {})
    base = {"name": r["name"], "method": r["method"], "budget_s": r["budget"], "finetune_s": r["finetune"],
            "place_seconds": j["place_seconds"], "fd_seconds": j["fd_seconds"], "stats": stats}
    rows.append(dict(base, refined=False, proxy_cost=u["proxy_cost"], wirelength_cost=u["wirelength_cost"],
                     density_cost=u["density_cost"], congestion_cost=u["congestion_cost"],
                     wall_s=j["place_seconds"] + j["fd_seconds"]))
    rows.append(dict(base, name=r["name"] + " + refine", refined=True, proxy_cost=j["proxy_cost"],
                     wirelength_cost=j["wirelength_cost"], density_cost=j["density_cost"],
                     congestion_cost=j["congestion_cost"], wall_s=j["wall_s"]))
    print(f"{r['name']}: proxy {u['proxy_cost']:.4f} -> refined {j['proxy_cost']:.4f} ({j['wall_s']:.0f} s)", file=sys.stderr)
res = {"netlist": cfg["netlist"], "plc": cfg["plc"], "machine": "shared 2-core CPU (other jobs running)",
       "rows": rows, "published": cfg["published"]}
json.dump(res, open(f"{out}/ariane133.json", "w"), indent=2)
with open(f"{out}/ariane133.md", "w") as f:
    f.write("# RL macro placer on Ariane133 NG45 (proxy = WL + 0.5·density + 0.5·congestion)\n\n")
    f.write("| method | proxy | WL | density | congestion | wall s |\n|---|---|---|---|---|---|\n")
    for r in rows:
        f.write(f"| {r['name']} | {r['proxy_cost']:.4f} | {r['wirelength_cost']:.4f} | {r['density_cost']:.4f} | "
                f"{r['congestion_cost']:.4f} | {r['wall_s']:.0f} |\n")
    for k, v in cfg["published"].items():
        f.write(f"| published: {k} | {v:.3f} | | | | |\n")
    f.write("\nRL rows: budget = sampling seconds after the (optional) fine-tuning seconds; wall s includes both, FD "
            "and, for '+ refine' rows, the refinement pass. Published numbers use the full CT flow (different "
            "FD/legalization and far longer training); see docs/notes/chip_rl.md.\n")
PY
echo "wrote $OUT/ariane133.json and $OUT/ariane133.md"
