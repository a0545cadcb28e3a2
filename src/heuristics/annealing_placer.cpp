// Simulated annealing on the simulator's penalized score (see classical_device_placers.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/core/progress.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/heuristics/classical_device_placers.h"
#include "tessera/io/placement_file.h"

namespace tessera::devices {

AnnealOptions AnnealOptions::from_extra(const Json& extra, double time_budget, uint64_t seed, bool progress) {
  AnnealOptions a;
  a.time_budget = time_budget;
  a.seed = seed;
  a.progress = progress;
  // With a time budget and no iteration count, the budget alone decides (a cap of 3,000 moves would end
  // most searches after a second or two, whatever budget was asked for).
  if (time_budget > 0 && !extra.contains("iterations")) a.iterations = std::numeric_limits<int64_t>::max() / 4;
  a.iterations = extra.value("iterations", a.iterations);
  a.t0 = extra.value("t0", a.t0);
  a.t1 = extra.value("t1", a.t1);
  a.block_moves = extra.value("block_moves", a.block_moves);
  a.max_block = extra.value("max_block", a.max_block);
  if (a.iterations < 0) throw UsageError("anneal: extra.iterations must be >= 0");
  if (!(a.t0 > 0) || !(a.t1 > 0)) throw UsageError("anneal: extra.t0 and extra.t1 must be > 0");
  if (!(a.block_moves >= 0 && a.block_moves <= 1)) throw UsageError("anneal: extra.block_moves must be in [0, 1]");
  if (a.max_block < 2) throw UsageError("anneal: extra.max_block must be >= 2");
  return a;
}

AnnealResult anneal_placement(const DeviceGraph& g, const Cluster& c, const SimOptions& sim_options,
                              std::vector<int> start, const AnnealOptions& o) {
  const int D = c.num_devices();
  const int G = g.num_groups();
  if (static_cast<int64_t>(start.size()) != g.num_ops())
    throw Error("anneal: start placement has " + std::to_string(start.size()) + " entries for " +
                std::to_string(g.num_ops()) + " ops");
  SimOptions so = sim_options;
  so.record_trace = false;
  so.critical_path = false;
  DeviceSimulator sim(g, c, so);
  AnnealResult r;
  r.start_score = sim.score(start);
  double best_score = r.start_score;
  std::vector<int> best = start;
  // Groups in the order of their first op's topological position (for block moves).
  std::vector<int> order(G);
  std::iota(order.begin(), order.end(), 0);
  if (o.block_moves > 0) {
    std::vector<int> first(G, std::numeric_limits<int>::max());
    for (int gi = 0; gi < G; ++gi)
      for (int v : g.groups()[gi]) first[gi] = std::min(first[gi], g.topological_rank()[v]);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return first[a] < first[b]; });
  }
  std::vector<int> gdev(G);
  for (int gi = 0; gi < G; ++gi) gdev[gi] = start[g.groups()[gi].front()];
  std::vector<int> cur = start, cand = std::move(start);
  double cur_score = best_score;
  const double budget = o.time_budget > 0 ? o.time_budget : std::numeric_limits<double>::infinity();
  const int64_t max_iter = o.iterations;
  Rng rng(derive_seed(o.seed, 0xA11EA1));
  Stopwatch sw;
  ProgressBar bar("anneal", max_iter, o.progress);
  std::vector<int> moved, moved_old;  // groups changed by the current move and their old devices
  int64_t it = 0;
  auto assign = [&](std::vector<int>& p, int group, int dev) {
    for (int v : g.groups()[group]) p[v] = dev;
  };
  if (D > 1 && G > 0) {
    for (; it < max_iter; ++it) {
      const double elapsed = sw.seconds();
      if (elapsed >= budget) break;
      const double frac = std::max(std::isfinite(budget) ? elapsed / budget : 0.0,
                                   static_cast<double>(it) / std::max<int64_t>(1, max_iter));
      const double temp = best_score * o.t0 * std::pow(o.t1 / o.t0, frac);
      moved.clear();
      moved_old.clear();
      // Move one group to another device (70%) or swap the devices of two groups (30%); with
      // block_moves, first that probability of moving a run of consecutive groups to one device. `a` is
      // drawn first in every case, so that without block moves the random stream (and so the result
      // for a seed) is the one the anneal placer always had.
      const int a = static_cast<int>(uniform_int(rng, G));
      if (o.block_moves > 0 && G > 1 && uniform01(rng) < o.block_moves) {
        const int len = 2 + static_cast<int>(uniform_int(rng, std::max(1, std::min(o.max_block, G) - 1)));
        const int pos = static_cast<int>(uniform_int(rng, G));
        const int dev = static_cast<int>(uniform_int(rng, D));
        for (int k = pos; k < std::min(G, pos + len); ++k) {
          const int gi = order[k];
          if (gdev[gi] == dev) continue;
          moved.push_back(gi);
          moved_old.push_back(gdev[gi]);
        }
        if (moved.empty()) continue;
        for (int gi : moved) assign(cand, gi, dev);
        for (int gi : moved) gdev[gi] = dev;
      } else {
        const int old_a = gdev[a];
        if (uniform01(rng) < 0.7) {
          int new_a = static_cast<int>(uniform_int(rng, D - 1));
          if (new_a >= old_a) ++new_a;
          moved = {a};
          moved_old = {old_a};
          assign(cand, a, new_a);
          gdev[a] = new_a;
        } else {
          const int b = static_cast<int>(uniform_int(rng, G));
          const int old_b = gdev[b];
          if (old_b == old_a) continue;
          moved = {a, b};
          moved_old = {old_a, old_b};
          assign(cand, a, old_b);
          assign(cand, b, old_a);
          gdev[a] = old_b;
          gdev[b] = old_a;
        }
      }
      const double sc = sim.score(cand);
      const bool accept = sc <= cur_score || uniform01(rng) < std::exp((cur_score - sc) / std::max(temp, 1e-300));
      if (accept) {
        ++r.accepted;
        cur_score = sc;
        for (int gi : moved) assign(cur, gi, gdev[gi]);
        if (sc < best_score) {
          best_score = sc;
          best = cur;
          ++r.improvements;
          r.iterations_to_best = it + 1;
          r.seconds_to_best = sw.seconds();
        }
      } else {
        for (size_t k = 0; k < moved.size(); ++k) {
          gdev[moved[k]] = moved_old[k];
          assign(cand, moved[k], moved_old[k]);
        }
      }
      if ((it & 63) == 0) {
        bar.set(it);
        bar.set_status("best " + std::to_string(best_score * 1e3) + " ms");
      }
    }
  }
  bar.finish();
  r.placement = std::move(best);
  r.score = best_score;
  r.iterations = it;
  return r;
}

namespace {

class AnnealPlacer : public Placer {
 public:
  std::string name() const override { return "anneal"; }

  Placement place(const DeviceGraph& g, const Cluster& c, const PlaceOptions& o) override {
    SimOptions so = o.sim;
    so.record_trace = false;
    so.critical_path = false;
    DeviceSimulator sim(g, c, so);
    // Deterministic by default: a fixed number of iterations (equal seeds, equal results). With
    // --time-budget the budget decides, unless extra.iterations also bounds the search (then the result
    // depends on speed either way).
    const AnnealOptions ao = AnnealOptions::from_extra(o.extra, o.time_budget, o.seed, o.progress);
    // Start: the best classical placement by score.
    std::vector<std::string> starts = o.extra.value("starts", std::vector<std::string>{
                                                                   "single", "m-topo", "m-etf", "m-sct", "heft",
                                                                   "metis-sweep", "rule-expert"});
    PlacerRegistry reg;
    add_classical_placers(reg);
    std::vector<int> best;
    double best_score = std::numeric_limits<double>::infinity();
    std::string best_name;
    Json start_scores = Json::object();
    // An out-of-memory start is also tried after memory repair (extra.memory_repair rounds, default 3; 0 =
    // off): the list schedulers trust a static memory estimate that the simulated peak can exceed.
    const int repair_rounds = o.extra.value("memory_repair", 3);
    if (repair_rounds < 0) throw UsageError("anneal: extra.memory_repair must be >= 0");
    int64_t start_evaluations = 0;
    auto offer = [&](const std::string& name, const std::vector<int>& p, double score) {
      start_scores[name] = score;
      if (score < best_score) {
        best_score = score;
        best = p;
        best_name = name;
      }
    };
    auto consider = [&](const std::string& name, std::vector<int> p) {
      SimResult r = sim.run(p);
      ++start_evaluations;
      offer(name, p, r.score);
      const double before = r.score;
      start_evaluations += repair_out_of_memory(sim, g, c, p, r, repair_rounds);
      if (r.score < before) offer(name + "+repair", p, r.score);
    };
    for (const auto& name : starts) {
      if (name == "anneal" || !reg.has(name)) throw UsageError("anneal: bad start method '" + name + "'");
      try {
        Placement start = run_placer(*reg.create(name), g, c, o);
        start_evaluations += start.simulator_evaluations();  // metis-sweep simulates to choose
        consider(name, std::move(start.device));
      } catch (const UsageError& e) {
        spdlog::debug("anneal: start {} skipped: {}", name, e.what());
      }
    }
    // Optionally also a given placement file (for example a learned placer's result).
    if (o.extra.contains("start_file")) {
      if (!o.extra["start_file"].is_string()) throw UsageError("anneal: extra.start_file must be a file name");
      consider("file", read_placement_file(o.extra["start_file"].get<std::string>(), g, c));
    }
    if (best.empty()) throw Error("anneal: no start placement");
    AnnealResult r = anneal_placement(g, c, o.sim, std::move(best), ao);
    Placement p;
    p.device = std::move(r.placement);
    p.info["start"] = best_name;
    p.info["start_scores"] = start_scores;
    p.info["iterations"] = r.iterations;
    p.info["evaluations"] = start_evaluations + r.iterations;  // simulator runs
    p.info["evaluations_to_best"] = start_evaluations + r.iterations_to_best;
    p.info["accepted"] = r.accepted;
    p.info["improvements"] = r.improvements;
    p.info["best_score"] = r.score;
    return p;
  }
};

}  // namespace

std::unique_ptr<Placer> make_anneal_placer() { return std::make_unique<AnnealPlacer>(); }

}  // namespace tessera::devices
