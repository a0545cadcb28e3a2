"""Driver of bench/devices_rl/run.sh: runs `tessera devices place` for every graph x method of the
config, collects the JSON results and writes results.json + results.md (medians/ratios)."""
import json
import os
import subprocess
import sys
import time

tessera, config_path, out_dir = sys.argv[1:4]
cfg = json.load(open(config_path))
data = "../shared/data/devplace/"
os.makedirs(out_dir + "/curves", exist_ok=True)


seeds = cfg.get("seeds", [cfg["seed"]])


def place(graph, method, extra=None, finetune=0, time_budget=0, seed=None):
    cmd = [tessera, "-q", "devices", "place", data + graph["file"], "--cluster", cfg["cluster"],
           "--method", method, "--json", "--seed", str(seed if seed is not None else cfg["seed"]),
           "--threads", str(cfg["threads"])]
    cmd += graph.get("args", [])
    if extra:
        cmd += ["--extra", json.dumps(extra)]
    if finetune:
        cmd += ["--finetune-steps", str(finetune)]
    if time_budget:
        cmd += ["--time-budget", str(time_budget)]
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - t0
    if p.returncode != 0:
        msg = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "exit %d" % p.returncode
        print("  %-12s failed: %s" % (method, msg), flush=True)
        return {"method": method, "error": msg, "wall_s": wall}
    try:
        r = json.loads(p.stdout)
    except json.JSONDecodeError:
        print("  %-12s failed: stdout is not JSON" % method, flush=True)
        return {"method": method, "error": "stdout is not JSON: " + p.stdout[:200], "wall_s": wall}
    info = r.get("info", {})
    row = {"method": method, "step_time": r["step_time"], "feasible": r["feasible"], "wall_s": wall,
           "place_seconds": r.get("place_seconds"), "evaluations": info.get("evaluations"),
           "evaluations_to_best": info.get("evaluations_to_best"), "info": info,
           "lower_bound": r.get("lower_bound")}
    print("  %-14s step %.4f s feasible %s  evals %s  %.1f s  (seed %s)" % (method, r["step_time"], r["feasible"],
          info.get("evaluations", "-"), wall, seed if seed is not None else cfg["seed"]), flush=True)
    return row


def place_seeds(graph, method, make_extra, **kw):
    """Runs a learned method once per seed; returns the run with the median step time (the lower
    middle one for an even count) with per_seed (step times) and seeds added. make_extra(first)
    gives the --extra object (training logs only for the first seed)."""
    runs = [place(graph, method, make_extra(i == 0), seed=sd, **kw) for i, sd in enumerate(seeds)]
    ok = [r for r in runs if "step_time" in r]
    if not ok:
        return runs[0]
    ok.sort(key=lambda r: (not r["feasible"], r["step_time"]))
    row = dict(ok[(len(ok) - 1) // 2])
    row["seeds"] = seeds
    row["per_seed"] = [r.get("step_time") for r in runs]
    row["per_seed_feasible"] = [r.get("feasible") for r in runs]
    row["per_seed_evaluations"] = [r.get("evaluations") for r in runs]
    row["per_seed_errors"] = [r.get("error") for r in runs]
    row["per_seed_trace"] = [r.get("info", {}).get("best_trace") for r in runs]
    return row


def evaluations_to_reach(trace, target):
    """Simulator evaluations until a run's best first was feasible with a step time <= target (None if never;
    trace rows [evaluations, step time, feasible] from the placer's info.best_trace)."""
    for evaluations, step_time, feasible in trace or []:
        if feasible and step_time <= target * (1 + 1e-9):
            return evaluations
    return None


def median_reach(row, target):
    """(per-seed evaluations to reach target, their median with 'never' as infinitely many), or None
    when the row has no traces (results of benches before stop 18)."""
    traces = row.get("per_seed_trace")
    if not traces or any(t is None for t in traces):
        return None
    per_seed = [evaluations_to_reach(t, target) for t in traces]
    ordered = sorted(float("inf") if e is None else e for e in per_seed)
    return per_seed, ordered[(len(ordered) - 1) // 2]


def summarize(g, rows):
    classical_ok = [rows[m] for m in cfg["classical"] if "step_time" in rows[m] and rows[m]["feasible"]
                    and m not in ("expert", "rule-expert")]
    best = min(classical_ok, key=lambda r: r["step_time"]) if classical_ok else None
    experts = [rows[m] for m in ("expert", "rule-expert") if "step_time" in rows[m] and rows[m]["feasible"]]
    expert = min(experts, key=lambda r: r["step_time"]) if experts else None
    bounds = [r["lower_bound"] for r in rows.values() if r.get("lower_bound")]
    return {"graph": g["name"], "kind": g["kind"], "held_out": g["held_out"], "cluster": cfg["cluster"],
            "lower_bound": bounds[0] if bounds else None,
            "rows": rows, "best_classical": best["method"] if best else None,
            "best_classical_step_time": best["step_time"] if best else None,
            "expert": expert["method"] if expert else None,
            "expert_step_time": expert["step_time"] if expert else None}


def classical_row(g, m):
    """A classical placer's row: seed 1, except the time-bounded anneal, whose result moves from run to run with
    the evaluations it fits in its budget (inception_v3: 0.3076 and 0.3206 s in two runs of one binary): median
    over the seeds, like the learned rows."""
    if m == "anneal":
        return place_seeds(g, "anneal", lambda f: None, time_budget=cfg["classical_time_budget"])
    return place(g, m)


def refine_extra():
    return {"refine": cfg["refine"]["seconds"], "refine_block_moves": cfg["refine"]["block_moves"]}


def finetune_extra():
    """--extra of the gdp fine-tuned rows (the placer's default sample count unless the config names one)."""
    x = {"zero_shot_samples": cfg["gdp_zero_shot_samples"], "learning_rate": cfg["gdp_learning_rate"]}
    if "gdp_finetune_samples" in cfg:
        x["samples"] = cfg["gdp_finetune_samples"]
    return x


def rl2017_row(g, log):
    return place_seeds(g, "rl2017", lambda f: dict(cfg["rl2017"], **(log if f else {})),
                       time_budget=cfg.get("learned_time_budget", 0))


def scratch_row(g, log):
    return place_seeds(g, "gdp", lambda f: dict(cfg["gdp_scratch"], scratch=True, **(log if f else {})),
                       time_budget=cfg.get("learned_time_budget", 0))


def zero_shot_row(g):
    return place_seeds(g, "gdp", lambda f: {"zero_shot_samples": cfg["gdp_zero_shot_samples"]})


def finetune_row(g, log):
    return place_seeds(g, "gdp", lambda f: dict(finetune_extra(), **(log if f else {})),
                       finetune=cfg["gdp_finetune_steps"], time_budget=cfg.get("learned_time_budget", 0))


# Rows of the refinement table: each learner spends the last refine.seconds of the same budget annealing
# from its best placement; the classical annealer gets the whole budget with the same move set.
def refined_row(g, row):
    budget = cfg.get("learned_time_budget", 0)
    if row == "rl2017-refine":
        return place_seeds(g, "rl2017", lambda f: dict(cfg["rl2017"], **refine_extra()), time_budget=budget)
    if row == "gdp-finetune-refine":
        return place_seeds(g, "gdp", lambda f: dict(finetune_extra(), **refine_extra()),
                           finetune=cfg["gdp_finetune_steps"], time_budget=budget)
    if row == "gdp-zero-shot-refine":  # the pre-trained policy's start (no learning on the graph), annealed
        return place_seeds(g, "gdp", lambda f: {"zero_shot_samples": cfg["gdp_zero_shot_samples"], "refine": budget,
                                                "refine_block_moves": cfg["refine"]["block_moves"]})
    if row == "anneal-equal-time":
        return place_seeds(g, "anneal", lambda f: {"iterations": 10**12,
                                                   "block_moves": cfg["refine"]["block_moves"]},
                           time_budget=budget)
    raise ValueError("unknown row " + row)


def per_seed_scores(row):
    """Per-seed step times for comparisons; an out-of-memory run compares as infinitely slow."""
    feas = row.get("per_seed_feasible") or [True] * len(row.get("per_seed", []))
    return [None if v is None else (v if f is not False else float("inf")) for v, f in zip(row.get("per_seed", []), feas)]


def seed_list(row):
    feas = row.get("per_seed_feasible") or [True] * len(row.get("per_seed", []))
    return " / ".join("fail" if v is None else "%.4f%s" % (v, "" if f is not False else " (OOM)")
                      for v, f in zip(row.get("per_seed", []), feas))


REFINED_ROWS = ["anneal-equal-time", "rl2017-refine", "gdp-finetune-refine", "gdp-zero-shot-refine"]
results = []
# "graph,graph": run every row of these graphs of the config only, and merge them into results.json.
graphs_only = [x for x in os.environ.get("BENCH_GRAPHS", "").split(",") if x]
for name in graphs_only:
    assert any(x["name"] == name for x in cfg["graphs"]), "BENCH_GRAPHS: no graph %s in the config" % name
if graphs_only:
    results = json.load(open(out_dir + "/results.json"))["results"]
only = os.environ.get("BENCH_ONLY", "")  # "graph:row,graph:row": rerun these cells of results.json
if only:
    results = json.load(open(out_dir + "/results.json"))["results"]
    for cell in only.split(","):
        gname, row = cell.split(":")
        g = next(x for x in cfg["graphs"] if x["name"] == gname)
        res = next(x for x in results if x["graph"] == gname)
        curve = gname in cfg["curves"]
        log = {"log": "%s/curves/%s_%s" % (out_dir, gname, row.replace("-", "_"))} if curve else {}
        assert row in ("rl2017", "gdp-zero-shot", "gdp-finetune", "gdp-scratch") or row in REFINED_ROWS \
            or row in cfg["classical"], \
            "only classical placers, rl2017, gdp-scratch, gdp-zero-shot, gdp-finetune and refinement-table cells can be rerun"
        print("== rerun %s %s" % (gname, row), flush=True)
        if row in cfg["classical"]:
            res["rows"][row] = classical_row(g, row)
        elif row == "gdp-zero-shot":
            res["rows"]["gdp-zero-shot"] = zero_shot_row(g)
        elif row == "gdp-finetune":
            res["rows"]["gdp-finetune"] = finetune_row(g, log)
        elif row == "gdp-scratch":
            res["rows"]["gdp-scratch"] = scratch_row(g, log)
        elif row == "rl2017":
            res["rows"]["rl2017"] = rl2017_row(g, log)
        else:
            res["rows"][row] = refined_row(g, row)
        results[results.index(res)] = summarize(g, res["rows"])
        json.dump({"config": cfg, "results": results}, open(out_dir + "/results.json.tmp", "w"), indent=1)
        os.replace(out_dir + "/results.json.tmp", out_dir + "/results.json")
report_only = os.environ.get("BENCH_REPORT_ONLY") == "1"  # rewrite results.md from results.json, run nothing
if report_only:
    results = json.load(open(out_dir + "/results.json"))["results"]
for g in ([] if only or report_only else [x for x in cfg["graphs"] if not graphs_only or x["name"] in graphs_only]):
    print("== %s (%s)" % (g["name"], g["kind"]), flush=True)
    rows = {}
    for m in cfg["classical"]:
        rows[m] = classical_row(g, m)
    curve = g["name"] in cfg["curves"]
    log = lambda tag: {"log": "%s/curves/%s_%s" % (out_dir, g["name"], tag)} if curve else {}
    rows["rl2017"] = rl2017_row(g, log("rl2017"))
    rows["gdp-scratch"] = scratch_row(g, log("gdp_scratch"))
    rows["gdp-zero-shot"] = zero_shot_row(g)
    rows["gdp-finetune"] = finetune_row(g, log("gdp_finetune"))
    for row in REFINED_ROWS:
        rows[row] = refined_row(g, row)
    results = [x for x in results if x["graph"] != g["name"]] + [summarize(g, rows)]
    order = [x["name"] for x in cfg["graphs"]]
    results.sort(key=lambda x: order.index(x["graph"]) if x["graph"] in order else len(order))
    json.dump({"config": cfg, "results": results}, open(out_dir + "/results.json.tmp", "w"), indent=1)
    os.replace(out_dir + "/results.json.tmp", out_dir + "/results.json")


def fmt(r):
    if r is None or "step_time" not in r:
        return "fail"
    s = "%.4f" % r["step_time"]
    return s if r["feasible"] else s + " (OOM)"


def ratio_cell(x, base, missing, per_seed=False):
    """Step time, its ratio to base and, with per_seed, every seed's step time in brackets."""
    if x is None or "step_time" not in x:
        return missing
    text = fmt(x) + (" (%.2f)" % (x["step_time"] / base) if base else "")
    if per_seed:
        text += " [%s]" % seed_list(x)
    return text


json.dump({"config": cfg, "results": results}, open(out_dir + "/results.json.tmp", "w"), indent=1)
os.replace(out_dir + "/results.json.tmp", out_dir + "/results.json")
lines = ["# Learned device placement (%s, training steps)" % cfg["cluster"], "",
         "Step time in seconds (simulated); ratio = method / best classical placer (lower is better). "
         "Learned methods: median over seeds %s (per-seed values in the second table); classical placers: "
         "seed %s, except the time-bounded anneal (%s s): median over the same seeds, per seed in the second table."
         % ("/".join(map(str, seeds)), cfg["seed"], cfg["classical_time_budget"]), "",
         "A graph that does not fit on one device (single placement out of memory) is marked \"no\" under \"fits\"; "
         "(OOM) marks an out-of-memory result.", "",
         "| graph | held out | fits on one device | best classical | expert | rl2017 | gdp scratch | gdp zero-shot | gdp fine-tuned | zero-shot / fine-tuned |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for res in results:
    r = res["rows"]
    base = res["best_classical_step_time"]
    def cell(m):
        return ratio_cell(r.get(m), base, "fail")
    zs, ft = r["gdp-zero-shot"], r["gdp-finetune"]
    zr = "%.3f" % (zs["step_time"] / ft["step_time"]) if "step_time" in zs and "step_time" in ft else "-"
    single = r.get("single", {})
    fits = "-" if "feasible" not in single else ("yes" if single["feasible"] else "no")
    lines.append("| %s | %s | %s | %s %s | %s | %s | %s | %s | %s | %s |" % (
        res["graph"], "yes" if res["held_out"] else "no", fits, res["best_classical"], "%.4f" % base if base else "-",
        "%s %.4f" % (res["expert"], res["expert_step_time"]) if res["expert"] else "-",
        cell("rl2017"), cell("gdp-scratch"), cell("gdp-zero-shot"), cell("gdp-finetune"), zr))
bounded = [res for res in results if res.get("lower_bound")]
if bounded:
    lines += ["", "How far each result is from any placement's best: the lower bound is the longer of the critical path "
              "(every op at its fastest device's time, transfers free) and the total work over the devices "
              "(`devices place --json` prints it as `lower_bound`). It ignores communication, memory and co-location "
              "groups, so a large ratio can mean a loose bound (communication-bound RNNs, graphs that do not fit on "
              "one device) as well as room left. Ratios are medians' step times over the bound.", "",
              "| graph | lower bound (s) | critical path | work / devices | best classical | gdp zero-shot | "
              "gdp fine-tuned | best of the table |", "|---|---|---|---|---|---|---|---|"]
    for res in bounded:
        r, lb = res["rows"], res["lower_bound"]
        def over(x):
            return "%.3f" % (x / lb["step_time"]) if x else "-"
        def step(m):
            x = r.get(m, {})
            return x["step_time"] if "step_time" in x and x.get("feasible") else None
        learned = ["rl2017", "gdp-scratch", "gdp-zero-shot", "gdp-finetune"] + REFINED_ROWS
        everything = [(res["best_classical_step_time"], res["best_classical"])] + [(step(m), m) for m in learned]
        best_all = min((x for x in everything if x[0]), default=None)
        lines.append("| %s | %.4f | %.4f | %.4f | %s | %s | %s | %s |" % (
            res["graph"], lb["step_time"], lb["critical_path"], lb["work_per_device"],
            over(res["best_classical_step_time"]), over(step("gdp-zero-shot")), over(step("gdp-finetune")),
            "%s (%s)" % (over(best_all[0]), best_all[1]) if best_all else "-"))
hinted = [res for res in results if res["rows"]["gdp-zero-shot"].get("info", {}).get("hint_method")]
if hinted:
    lines += ["", "The shipped model reads a placement hint: the best of its hint placers' placements of the graph "
              "(placer and step time below; computed when placing, its simulator evaluations counted). Greedy = the "
              "policy's argmax placement; policy = the best of greedy and 15 samples; zero-shot = the best of the policy's and the "
              "hint (since stop 27 the hint is a candidate too; the median seed's run); fine-tuned: the median of the first "
              "table.", "",
              "| graph | hint | greedy | policy | zero-shot (from) | fine-tuned | zero-shot / hint | fine-tuned / hint |",
              "|---|---|---|---|---|---|---|---|"]
    for res in hinted:
        r = res["rows"]
        i = r["gdp-zero-shot"]["info"]
        h = i["hint_step_time"]
        ft = r["gdp-finetune"].get("step_time")
        policy = i.get("policy_step_time", i["zero_shot_step_time"])  # runs before stop 27: no hint candidate
        lines.append("| %s | %s %.4f%s | %.4f | %.4f | %.4f (%s) | %s | %.3f | %s |" % (
            res["graph"], i["hint_method"], h, "" if i.get("hint_feasible", True) else " (OOM)",
            i["greedy_step_time"], policy, i["zero_shot_step_time"], i.get("zero_shot_source", "policy"),
            "%.4f" % ft if ft else "-",
            i["zero_shot_step_time"] / h, "%.3f" % (ft / h) if ft else "-"))
lines += ["", "Simulator evaluations (to the best placement / total) and wall-clock seconds of the placer:", "",
          "| graph | rl2017 | gdp scratch | gdp zero-shot | gdp fine-tuned | policy inference (s) |", "|---|---|---|---|---|---|"]
for res in results:
    r = res["rows"]
    def ev(m):
        x = r.get(m)
        if x is None or "step_time" not in x:
            return "-"
        return "%s / %s, %.0f s" % (x.get("evaluations_to_best"), x.get("evaluations"), x.get("place_seconds") or 0)
    inf = r["gdp-zero-shot"].get("info", {}).get("policy_inference_seconds")
    lines.append("| %s | %s | %s | %s | %s | %s |" % (res["graph"], ev("rl2017"), ev("gdp-scratch"), ev("gdp-zero-shot"),
                                                   ev("gdp-finetune"), "%.3f" % inf if inf is not None else "-"))
lines += ["", "Simulator evaluations to reach from-scratch quality: Q = the median step time of gdp from scratch; per "
          "seed, the evaluations until the run's best placement was first feasible at a step time <= Q (fine-tuned: "
          "the zero-shot samples count; \"never\" = not within the budget); median over seeds, \"never\" counting as "
          "infinitely many. Target: fine-tuning needs at least 10x fewer than from scratch.", "",
          "| graph | Q (s) | gdp scratch, per seed | median | gdp fine-tuned, per seed | median | scratch / fine-tuned |",
          "|---|---|---|---|---|---|---|"]
for res in results:
    r = res["rows"]
    sc, ft = r.get("gdp-scratch", {}), r.get("gdp-finetune", {})
    if "step_time" not in sc or not sc.get("feasible"):
        continue
    q = sc["step_time"]
    a, b = median_reach(sc, q), median_reach(ft, q)
    if a is None or b is None:
        lines.append("| %s | %.4f | - | - | - | - | - (no traces: rerun gdp-scratch and gdp-finetune) |" % (res["graph"], q))
        continue
    def seeds_text(per_seed):
        return " / ".join("never" if e is None else "{:,}".format(e) for e in per_seed)
    def med(x):
        return "never" if x == float("inf") else "{:,}".format(int(x))
    x = a[1] / b[1] if b[1] != float("inf") else None
    ratio = "fine-tuned does not reach Q" if x is None else ("%.1f" % x if x >= 1 else "%.3f" % x)
    lines.append("| %s | %.4f | %s | %s | %s | %s | %s |" % (res["graph"], q, seeds_text(a[0]), med(a[1]),
                                                          seeds_text(b[0]), med(b[1]), ratio))
lines += ["", "Per seed (%s), step time in seconds; wins = seeds on which gdp fine-tuned beats rl2017 / the best "
          "classical placer:" % " / ".join(map(str, seeds)), "",
          "| graph | anneal (classical) | rl2017 | gdp scratch | gdp zero-shot | gdp fine-tuned | gdp-ft wins vs rl2017 | "
          "vs best classical |",
          "|---|---|---|---|---|---|---|---|"]
for res in results:
    r = res["rows"]
    def ps(m):
        return seed_list(r.get(m, {}))
    ft = per_seed_scores(r["gdp-finetune"])
    rl = per_seed_scores(r["rl2017"])
    base = res["best_classical_step_time"]
    w_rl = sum(1 for a, b in zip(ft, rl) if a is not None and b is not None and a < b)
    w_cl = sum(1 for a in ft if a is not None and base and a < base)
    lines.append("| %s | %s | %s | %s | %s | %s | %d of %d | %d of %d |" % (
        res["graph"], ps("anneal") or fmt(r.get("anneal")), ps("rl2017"), ps("gdp-scratch"), ps("gdp-zero-shot"),
        ps("gdp-finetune"), w_rl, len(ft), w_cl, len(ft)))
if any(row in res["rows"] for res in results for row in REFINED_ROWS):
    rf = cfg["refine"]
    lines += ["", "## With local refinement, at equal wall-clock (%s s)" % cfg.get("learned_time_budget"), "",
              "The learners spend the last %s s of the same budget annealing from their best placement (group moves, "
              "swaps, and block moves of consecutive groups with probability %s); `anneal` (equal time) anneals from "
              "the best classical placement for the whole budget with the same moves; gdp zero-shot + refinement "
              "anneals the shipped policy's zero-shot placement (no learning on the graph) for the whole budget. "
              "Median over seeds %s; ratio to the best classical placer of the first table. Per seed: step times of "
              "seeds %s. Wins = seeds on which the named gdp row beats the other one." % (
                  rf["seconds"], rf["block_moves"], "/".join(map(str, seeds)), " / ".join(map(str, seeds)))]
    if rf.get("note"):  # when the table's cells are older than the first table's (reruns are per cell)
        lines += ["", rf["note"]]
    lines += ["",
              "| graph | best classical | anneal (equal time) | rl2017 + refinement | gdp fine-tuned + refinement | "
              "gdp zero-shot + refinement | wins: gdp-ft + ref. vs anneal (equal time) / rl2017 + ref. / best "
              "classical; gdp zero-shot + ref. vs anneal (equal time) |",
              "|---|---|---|---|---|---|---|"]
    for res in results:
        r = res["rows"]
        base = res["best_classical_step_time"]
        def rc(m):
            return ratio_cell(r.get(m), base, "-", per_seed=True)
        def wins(m, other_row):
            mine = per_seed_scores(r.get(m, {}))
            other = per_seed_scores(r.get(other_row, {})) if other_row else [base] * len(mine)
            return "%d of %d" % (sum(1 for a, b in zip(mine, other) if a is not None and b is not None and a < b), len(mine))
        lines.append("| %s | %s %.4f | %s | %s | %s | %s | %s / %s / %s; %s |" % (
            res["graph"], res["best_classical"], base, rc("anneal-equal-time"), rc("rl2017-refine"),
            rc("gdp-finetune-refine"), rc("gdp-zero-shot-refine"), wins("gdp-finetune-refine", "anneal-equal-time"),
            wins("gdp-finetune-refine", "rl2017-refine"), wins("gdp-finetune-refine", None),
            wins("gdp-zero-shot-refine", "anneal-equal-time")))
lines += ["", "Training curves: curves/<graph>_<method>_reward.svg (reward vs samples and vs wall-clock).", ""]
open(out_dir + "/results.md", "w").write("\n".join(lines))
print("\n".join(lines))
