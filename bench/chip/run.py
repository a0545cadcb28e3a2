#!/usr/bin/env python3
"""Driver of bench/chip/run.sh: runs `tessera chip eval|place`, writes JSON + markdown tables."""
import json, os, subprocess, sys, time

binary, config_path, out = sys.argv[1], sys.argv[2], sys.argv[3]
cfg = json.load(open(config_path))
only = os.environ.get("CHIP_BENCH_ONLY", "")
scale = float(os.environ.get("CHIP_BENCH_SCALE", "1"))
threads, seed = str(cfg["threads"]), str(cfg["seed"])


def run(args):
    t = time.time()
    p = subprocess.run(["nice", binary, "-q", "chip"] + args + ["--json"], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {p.stderr.strip()}")
    j = json.loads(p.stdout)
    j["wall_seconds"] = time.time() - t
    return j


def methods():
    p = subprocess.run([binary, "chip", "place", "--help"], capture_output=True, text=True)
    return {line.strip().split(":")[0] for line in p.stdout.splitlines() if ":" in line}


available = methods()
results = {}
md = ["# Chip macro placement: results", "",
      f"Machine: {os.cpu_count()} cores (shared), threads={threads}, seed={seed}; "
      f"produced by `bench/chip/run.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", ""]

# ------------------------------------------------------------------ validation
if only in ("", "validation"):
    d = "../shared/data/chip/"
    rows = []
    for name in ("legalized.plc", "initial.plc"):
        j = run(["eval", d + "ariane133_ng45/netlist.pb.txt.gz", d + "ariane133_ng45/" + name, "--timing"])
        h = j["header"]
        rows.append((f"Ariane133 {name}", "wirelength (HPWL)", h["wirelength"], j["wirelength"]))
        for k in ("wirelength_cost", "density_cost", "congestion_cost"):
            rows.append((f"Ariane133 {name}", k, h[k], j[k]))
        results.setdefault("validation", {})[name] = j
    j = run(["eval", d + "ct_testdata/macro_tiles_10x10/netlist.pb.txt", "--default-grid"])
    rows.append(("macro_tiles_10x10 (no plc)", "wirelength", 5400.0, j["wirelength"]))
    rows.append(("macro_tiles_10x10 (no plc)", "wirelength_cost", 0.007745966692414834, j["wirelength_cost"]))
    rows.append(("macro_tiles_10x10 (no plc)", "density_cost", 0.3570806661517036, j["density_cost"]))
    rows.append(("macro_tiles_10x10 (no plc)", "congestion_cost", 1.124405186246434, j["congestion_cost"]))
    results["validation"]["macro_tiles_10x10"] = j
    md += ["## Cost validation (project vs reference)", "",
           "Reference: the .plc headers written by CT's closed library (4 printed decimals) and CT's "
           "`plc_client_test.py` oracle for macro_tiles_10x10. The macro_tiles congestion oracle depends on "
           "undocumented plc defaults (routes per micron) and is not expected to match.", "",
           "| case | quantity | reference | project | abs. diff |", "|---|---|---|---|---|"]
    for case, q, ref, got in rows:
        md.append(f"| {case} | {q} | {ref:.10g} | {got:.10g} | {abs(ref - got):.2e} |")
    t = results["validation"]["legalized.plc"]["timing"]
    md += ["", "## Evaluation timings (Ariane133, legalized.plc, 24x21 grid)", "",
           "| full evaluation | incremental move + cost | speed-up |", "|---|---|---|",
           f"| {t['full_eval_ms']:.3f} ms | {t['incremental_move_and_cost_ms']:.4f} ms | {t['speedup']:.0f}x |", ""]


def table(title, netlist, plc, runs, key, extra_rows=()):
    md.extend([f"## {title}", "",
               "Protocol: hard macros by the method (legal, on grid-cell centres), soft macros by the same "
               "force-directed placer from the canvas centre, then optional coordinate-descent refinement "
               f"(budget {cfg['refine_budget']} s) followed by FD again. Proxy = WL + 0.5·density + 0.5·congestion; "
               "(1, 1, 0.5) also shown. Budget = wall-clock seconds of the placer's search (2 threads); "
               "rl rows use the shipped pre-trained policy (models/chip_rl.pt), fine-tuned rows first run PPO "
               "on the target for the stated seconds, which the wall column includes.", "",
               "| method | budget (s) | refined | proxy (1,.5,.5) | proxy (1,1,.5) | WL cost | density | congestion | wall (s) |",
               "|---|---|---|---|---|---|---|---|---|"])
    best = None
    for r in runs:
        m, budget = r["method"], r["budget"] * scale
        finetune = r.get("finetune", 0) * scale
        label = f"{m} (fine-tuned {finetune:g} s)" if finetune else (f"{m} (zero-shot)" if m == "rl" else m)
        if m not in available:
            md.append(f"| {label} | {budget:g} | — | (not built) | | | | | |")
            continue
        stem = f"{out}/runs/{key}_{m}{'_ft' if finetune else ''}_{int(budget)}"
        svg = stem + ".svg"
        args = ["place", netlist] + ([plc] if plc else []) + [
            "--method", m, "--time-budget", str(budget), "--seed", seed, "--threads", threads,
            "--refine", "--refine-budget", str(cfg["refine_budget"]), "--svg", svg,
            "--out", stem + ".plc"] + (["--finetune-seconds", str(finetune)] if finetune else [])
        try:
            j = run(args)
        except RuntimeError as e:
            md.append(f"| {label} | {budget:g} | — | failed: {str(e)[:80]} | | | | | |")
            continue
        results.setdefault(key, []).append({"method": m, "budget": budget, "finetune_seconds": finetune, **j})
        for refined, c in (("no", j["unrefined"]), ("yes", j)):
            md.append(f"| {label} | {budget:g} | {refined} | {c['proxy_cost']:.4f} | {c['proxy_cost_1_1_05']:.4f} | "
                      f"{c['wirelength_cost']:.4f} | {c['density_cost']:.4f} | {c['congestion_cost']:.4f} | "
                      f"{j['wall_seconds']:.0f} |")
        if m != "given" and (best is None or j["proxy_cost"] < best[0]):
            best = (j["proxy_cost"], svg, label, budget)
        print(f"{key} {label} {budget:g}s: proxy {j['proxy_cost']:.4f}", file=sys.stderr)
    md.extend(extra_rows)
    if best:
        dst = f"{out}/{key}_best.svg"
        os.replace(best[1], dst)
        for r in runs:  # keep only the best picture
            ft = "_ft" if r.get("finetune") else ""
            other = f"{out}/runs/{key}_{r['method']}{ft}_{int(r['budget'] * scale)}.svg"
            if os.path.exists(other):
                os.remove(other)
        md.extend(["", f"Best: {best[2]} ({best[3]:g} s), proxy {best[0]:.4f}; picture `{os.path.basename(dst)}`."])
    md.append("")


if only in ("", "ariane"):
    a = cfg["ariane133"]
    given = run(["eval", a["netlist"], a["plc"]])
    pub = cfg["published_ariane133"]
    extra = ["", f"Reference points: `legalized.plc` as given (its own soft-macro positions): proxy "
             f"{given['proxy_cost']:.4f} (WL {given['wirelength_cost']:.4f}, density {given['density_cost']:.4f}, "
             f"congestion {given['congestion_cost']:.4f}); the `given` row keeps its hard macros and re-places the "
             "soft macros with our FD.",
             "Published (TILOS 2025 assessment, WL + 0.5·den + 0.5·cong): " +
             ", ".join(f"{k} {v}" for k, v in pub.items()) + ". Protocol differences: those numbers come from "
             "CT's closed FD and evaluation after their own legalization and much longer runs (SA: hours on many "
             "cores; CT: pre-training + fine-tuning on GPUs); ours use our FD, 2 cores and the budgets above, "
             "and macros sit on grid-cell centres."]
    table("Ariane133 NG45 (clustered netlist, grid 24x21 from legalized.plc)", a["netlist"], a["plc"], a["runs"],
          "ariane133", extra)
    results["ariane133_given"] = given

if only in ("", "flat"):
    for f in cfg["flat"]:
        table(f"{f['name']} (flat netlist clustered with METIS, canvas from its FP bbox)", f["netlist"], None,
              f["runs"], f["name"])

name = f"results{('_' + only) if only else ''}"
with open(f"{out}/{name}.json", "w") as fh:
    json.dump(results, fh, indent=1)
with open(f"{out}/{name}.md", "w") as fh:
    fh.write("\n".join(md) + "\n")
print("\n".join(md))
