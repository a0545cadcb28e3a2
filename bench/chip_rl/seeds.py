"""RL vs SA at equal wall-clock, once per seed and netlist (bench/chip_rl/seeds.json): per-seed proxy, median
and mean per method, and on how many seeds each RL variant beats SA. Run through
`bench/chip_rl/run.sh BUILD_DIR seeds` (writes bench/results/chip_rl/seeds.{json,md}; ~13 min per netlist).
CHIP_RL_MODEL=FILE runs the RL rows with that model instead of the shipped one; CHIP_SEEDS_RUNS=rl (or sa) runs
only the runs whose method is that one (e.g. to compare models without rerunning SA); CHIP_SEEDS_TAG=T writes
seeds_T.{json,md} instead; CHIP_SEEDS=1,2,5 replaces the seed list; CHIP_SEEDS_NETLISTS=TEXT keeps the netlists whose
name contains TEXT."""
import json, os, statistics, subprocess, sys, time
tessera, out = sys.argv[1], sys.argv[2]
cfg = json.load(open("bench/chip_rl/seeds.json"))
model = os.environ.get("CHIP_RL_MODEL", "")
seeds = [int(x) for x in os.environ["CHIP_SEEDS"].split(",")] if os.environ.get("CHIP_SEEDS") else cfg["seeds"]
nets = [n for n in cfg["netlists"] if os.environ.get("CHIP_SEEDS_NETLISTS", "") in n["name"]]
only = os.environ.get("CHIP_SEEDS_RUNS", "")
runs = [r for r in cfg["runs"] if not only or r["args"][r["args"].index("--method") + 1] == only]
tables = []
for net in nets:
    results = []
    for r in runs:
        per_seed = []
        extra = ["--model", model] if model and "rl" in r["args"] else []
        for seed in seeds:
            args = [tessera, "-q", "chip", "place", net["netlist"]] + ([net["plc"]] if "plc" in net else []) + [
                "--time-budget", str(cfg["budget_s"]), "--seed", str(seed), "--threads", str(cfg["threads"]),
                "--refine", "--refine-budget", str(cfg["refine_budget"]), "--json"] + r["args"] + extra
            t = time.time()
            p = subprocess.run(["nice"] + args, capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit("tessera failed: %s\n%s" % (" ".join(args), p.stderr))
            j = json.loads(p.stdout)
            stats = j.get("placer_stats", {})
            row = {"seed": seed, "proxy": j["proxy_cost"], "unrefined": j["unrefined"]["proxy_cost"],
                   "wirelength_cost": j["wirelength_cost"], "density_cost": j["density_cost"],
                   "congestion_cost": j["congestion_cost"], "samples": stats.get("samples"),
                   "wall_s": time.time() - t}
            print("%-24s %-40s seed %d proxy %.4f (unrefined %.4f) %.0f s" % (
                net["name"][:24], r["name"], seed, row["proxy"], row["unrefined"], row["wall_s"]), flush=True)
            per_seed.append(row)
        proxies = [x["proxy"] for x in per_seed]
        results.append({"name": r["name"], "args": r["args"] + extra, "per_seed": per_seed,
                        "median": statistics.median(proxies), "mean": statistics.mean(proxies)})
    tables.append({"netlist": net, "results": results})
stem = out + "/seeds" + ("_" + os.environ["CHIP_SEEDS_TAG"] if os.environ.get("CHIP_SEEDS_TAG") else "")
tmp = stem + ".json.tmp"
json.dump({"config": dict(cfg, seeds=seeds), "model": model or "models/chip_rl.pt", "tables": tables}, open(tmp, "w"), indent=1)
os.replace(tmp, stem + ".json")
md = ["# RL vs SA over seeds (equal wall-clock)", "",
      "Placer budget %d s, then FD, coordinate-descent refinement (budget %d s) and FD again; proxy = WL + 0.5·density "
      "+ 0.5·congestion after refinement (lower is better). Command per cell: `tessera chip place NETLIST [PLC] "
      "--time-budget %d --refine --refine-budget %d --seed S` plus the method's arguments. RL model: %s. "
      "Machine: %d cores." % (cfg["budget_s"], cfg["refine_budget"], cfg["budget_s"], cfg["refine_budget"],
                              model or "models/chip_rl.pt (shipped)", os.cpu_count())]
for t in tables:
    results = t["results"]
    sa = next((x for x in results if x["name"] == "SA"), None)
    md += ["", "## " + t["netlist"]["name"], "",
           "| method | " + " | ".join("seed %d" % s for s in seeds) + " | median | mean | seeds better than SA |",
           "|---|" + "---|" * len(seeds) + "---|---|---|"]
    for r in results:
        wins = "-" if sa is None or r is sa else "%d of %d" % (
            sum(1 for a, b in zip(r["per_seed"], sa["per_seed"]) if a["proxy"] < b["proxy"]), len(seeds))
        md.append("| %s | %s | %.4f | %.4f | %s |" % (r["name"], " | ".join("%.4f" % x["proxy"] for x in r["per_seed"]),
                                                      r["median"], r["mean"], wins))
md.append("")
open(stem + ".md", "w").write("\n".join(md))
print("\n".join(md))
