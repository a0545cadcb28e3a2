"""Merges several runs of the seeds bench (seeds*.json written by bench/chip_rl/seeds.py, e.g. seeds 1-4 in one
run and 5-8 in another, or one RL model per run) into one table per netlist.
Usage: python3 bench/chip_rl/merge_seeds.py OUT_STEM RUN.json[=MODEL_LABEL] ...
MODEL_LABEL names the RL model of that run in the table (default: the model path the run recorded); SA rows do
not depend on the model. A method that has the same seed in two runs keeps the first. Writes OUT_STEM.{json,md}."""
import json, os, shlex, statistics, sys

if len(sys.argv) < 3:
    raise SystemExit(__doc__)
stem, inputs = sys.argv[1], sys.argv[2:]
budgets = set()
tables = {}  # netlist name -> {"netlist": ..., "rows": {row name: {seed: result}}, "sources": {row name: [files]}}
for arg in inputs:
    path, _, label = arg.partition("=")
    run = json.load(open(path))
    label = label or run.get("model", "")
    budgets.add((run["config"]["budget_s"], run["config"]["refine_budget"]))
    for t in run["tables"]:
        table = tables.setdefault(t["netlist"]["name"], {"netlist": t["netlist"], "rows": {}, "sources": {}})
        for r in t["results"]:
            is_rl = "rl" in r["args"]
            name = r["name"] + (" [%s]" % label if is_rl else "")
            per_seed = table["rows"].setdefault(name, {})
            for x in r["per_seed"]:
                per_seed.setdefault(x["seed"], x)
            table["sources"].setdefault(name, []).append(os.path.basename(path))

out = {"inputs": inputs, "tables": []}
if len(budgets) != 1:
    raise SystemExit("merge_seeds: the runs used different budgets %s" % sorted(budgets))
(budget, refine_budget), = budgets
md = ["# RL vs SA over seeds (equal wall-clock), merged runs", "",
      "Merged by `python3 bench/chip_rl/merge_seeds.py %s %s`. Every cell is one `tessera chip place NETLIST [PLC] "
      "--time-budget %g --refine --refine-budget %g --seed S` run (placer, FD, refinement rounds, FD); proxy = WL + "
      "0.5·density + 0.5·congestion after refinement, lower is better. \"Better than SA\" counts the seeds that both "
      "rows have." % (shlex.quote(stem), " ".join(shlex.quote(x) for x in inputs), budget, refine_budget)]
for name, table in tables.items():
    rows = table["rows"]
    sa = rows.get("SA", {})
    seeds = sorted({s for r in rows.values() for s in r})
    md += ["", "## " + name, "",
           "| method | " + " | ".join("seed %d" % s for s in seeds) + " | runs | median | mean | better than SA |",
           "|---|" + "---|" * len(seeds) + "---|---|---|---|"]
    entries = []
    for rname, per_seed in rows.items():
        proxies = [per_seed[s]["proxy"] for s in sorted(per_seed)]
        common = [s for s in per_seed if s in sa]
        wins = "-" if rname == "SA" else "%d of %d" % (
            sum(1 for s in common if per_seed[s]["proxy"] < sa[s]["proxy"]), len(common))
        entries.append({"name": rname, "sources": table["sources"][rname],
                        "per_seed": [per_seed[s] for s in sorted(per_seed)],
                        "median": statistics.median(proxies), "mean": statistics.mean(proxies), "wins_vs_sa": wins})
        md.append("| %s | %s | %d | %.4f | %.4f | %s |" % (
            rname, " | ".join("%.4f" % per_seed[s]["proxy"] if s in per_seed else "—" for s in seeds), len(proxies),
            statistics.median(proxies), statistics.mean(proxies), wins))
    out["tables"].append({"netlist": table["netlist"], "results": entries})
md.append("")
tmp = stem + ".json.tmp"
json.dump(out, open(tmp, "w"), indent=1)
os.replace(tmp, stem + ".json")
open(stem + ".md.tmp", "w").write("\n".join(md))
os.replace(stem + ".md.tmp", stem + ".md")
print("\n".join(md))
