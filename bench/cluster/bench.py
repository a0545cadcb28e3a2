#!/usr/bin/env python3
"""Runs every (dataset, method) of the config through `tessera cluster --json`, collects the JSON
results and writes results.json and a markdown table (medians over seeds)."""
import json
import os
import statistics
import subprocess
import sys


def main():
    tessera, config_path, out_dir = sys.argv[1:4]
    only = None
    if len(sys.argv) > 5 and sys.argv[4] == "--only":
        only = set(sys.argv[5].split(","))
    if not os.path.exists(tessera):
        alt = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(tessera))), "tessera")
        tessera = alt if os.path.exists(alt) else tessera
    with open(config_path) as f:
        config = json.load(f)
    os.makedirs(out_dir, exist_ok=True)
    results = []
    for run in config["runs"]:
        if only and run["name"] not in only:
            continue
        data = config["datasets"][run["dataset"]]
        for seed in run.get("seeds", config.get("seeds", [1])):
            args = [a.replace("{synthetic}", os.environ.get("TESSERA_CLUSTER_SYNTHETIC", "{synthetic}"))
                    for a in data["args"]]
            cmd = [tessera, "-q", "cluster", *args, "-k", str(data["k"]), *run["args"],
                   "--seed", str(seed), "--json"]
            print("+", " ".join(cmd), file=sys.stderr, flush=True)
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            if proc.returncode != 0:
                print(f"run {run['name']} seed {seed} failed ({proc.returncode})", file=sys.stderr)
                results.append({"name": run["name"], "dataset": run["dataset"], "seed": seed, "failed": True})
                continue
            r = json.loads(proc.stdout)
            r.update({"name": run["name"], "dataset": run["dataset"], "seed": seed, "command": " ".join(cmd)})
            results.append(r)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"config": config, "results": results}, f, indent=2)

    def med(rows, key, part=None):
        vals = [(r[part] if part else r).get(key) for r in rows if not r.get("failed") and (not part or part in r)]
        vals = [v for v in vals if v is not None]
        return statistics.median(vals) if vals else None

    def fmt(v, digits=3):
        return "—" if v is None else f"{v:.{digits}f}"

    lines = ["# Clustering benchmark", "", config.get("description", ""), "",
             "Medians over seeds. ACC with Hungarian matching, NMI (arithmetic), ARI; Ncut on the common raw-feature",
             "10-NN self-tuning graph (`ncut`), with the ground truth's Ncut on that graph beside it. Time: wall-clock",
             "seconds of the method (graph, training, assignment), shared 2-core machine. Held-out − train: ACC points",
             "of the held-out part minus the training part, per seed.", "",
             "| dataset | run | seeds | ACC | ACC per seed | NMI | ARI | Ncut | Ncut(truth) | train-part ACC | held-out ACC "
             "| held-out − train per seed | s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    names = []
    for r in results:
        key = (r["dataset"], r["name"])
        if key not in names:
            names.append(key)
    for dataset, name in names:
        rows = [r for r in results if r["dataset"] == dataset and r["name"] == name]
        ok = [r for r in rows if not r.get("failed")]
        per_seed = " / ".join(fmt(r.get("acc")) for r in ok)
        gaps = " / ".join(f"{100 * (r['heldout_part']['acc'] - r['train_part']['acc']):+.1f}" for r in ok
                          if "acc" in r.get("heldout_part", {}) and "acc" in r.get("train_part", {}))
        lines.append(f"| {dataset} | {name} | {len(ok)}/{len(rows)} | {fmt(med(ok, 'acc'))} | {per_seed} | {fmt(med(ok, 'nmi'))} | "
                     f"{fmt(med(ok, 'ari'))} | {fmt(med(ok, 'ncut'))} | {fmt(med(ok, 'ncut_truth'))} | "
                     f"{fmt(med(ok, 'acc', 'train_part'))} | {fmt(med(ok, 'acc', 'heldout_part'))} | "
                     f"{gaps or '—'} | {fmt(med(ok, 'seconds'), 1)} |")
    if "reference" in config:
        lines += ["", "Reference (issue 6, measured on a 10-NN graph): " + config["reference"]]
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
