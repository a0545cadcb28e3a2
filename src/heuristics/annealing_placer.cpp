// Simulated annealing on the simulator's penalized score (see classical_device_placers.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/core/progress.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/heuristics/classical_device_placers.h"

namespace tessera::devices {

namespace {

class AnnealPlacer : public Placer {
 public:
  std::string name() const override { return "anneal"; }

  Placement place(const DeviceGraph& g, const Cluster& c, const PlaceOptions& o) override {
    const int D = c.num_devices();
    const int G = g.num_groups();
    SimOptions so = o.sim;
    so.record_trace = false;
    so.critical_path = false;
    DeviceSimulator sim(g, c, so);
    // Start: the best classical placement by score.
    std::vector<std::string> starts = o.extra.value("starts", std::vector<std::string>{
                                                                   "single", "m-topo", "m-etf", "m-sct", "heft",
                                                                   "metis", "rule-expert"});
    PlacerRegistry reg;
    add_classical_placers(reg);
    std::vector<int> best;
    double best_score = std::numeric_limits<double>::infinity();
    std::string best_name;
    Json start_scores = Json::object();
    for (const auto& name : starts) {
      if (name == "anneal" || !reg.has(name)) throw UsageError("anneal: bad start method '" + name + "'");
      std::vector<int> p;
      try {
        p = run_placer(*reg.create(name), g, c, o).device;
      } catch (const UsageError& e) {
        spdlog::debug("anneal: start {} skipped: {}", name, e.what());
        continue;
      }
      const double sc = sim.score(p);
      start_scores[name] = sc;
      if (sc < best_score) {
        best_score = sc;
        best = p;
        best_name = name;
      }
    }
    if (best.empty()) throw Error("anneal: no start placement");
    // Search over group devices.
    std::vector<int> gdev(G);
    for (int gi = 0; gi < G; ++gi) gdev[gi] = best[g.groups()[gi].front()];
    std::vector<int> cur = best, cand = best;
    double cur_score = best_score;
    // Deterministic by default: a fixed number of iterations (equal seeds, equal results). With
    // --time-budget the search also stops at the budget (then the result depends on speed).
    const double budget = o.time_budget > 0 ? o.time_budget : std::numeric_limits<double>::infinity();
    const int64_t max_iter = o.extra.value("iterations", static_cast<int64_t>(3000));
    if (max_iter < 0) throw UsageError("anneal: extra.iterations must be >= 0");
    const double t0 = o.extra.value("t0", 0.03), t1 = o.extra.value("t1", 1e-4);  // fractions of the start score
    Rng rng(derive_seed(o.seed, 0xA11EA1));
    Stopwatch sw;
    ProgressBar bar("anneal", max_iter, o.progress);
    int64_t it = 0, accepted = 0, improved = 0;
    if (D > 1 && G > 0) {
      for (; it < max_iter; ++it) {
        const double elapsed = sw.seconds();
        if (elapsed >= budget) break;
        const double frac = std::max(std::isfinite(budget) ? elapsed / budget : 0.0,
                                     static_cast<double>(it) / std::max<int64_t>(1, max_iter));
        const double temp = best_score * t0 * std::pow(t1 / t0, frac);
        // Move one group to another device (70%) or swap the devices of two groups (30%).
        const int a = static_cast<int>(uniform_int(rng, G));
        int b = -1;
        const int old_a = gdev[a];
        int new_a, old_b = -1;
        if (uniform01(rng) < 0.7) {
          new_a = static_cast<int>(uniform_int(rng, D - 1));
          if (new_a >= old_a) ++new_a;
        } else {
          b = static_cast<int>(uniform_int(rng, G));
          old_b = gdev[b];
          if (old_b == old_a) continue;
          new_a = old_b;
        }
        for (int v : g.groups()[a]) cand[v] = new_a;
        if (b >= 0)
          for (int v : g.groups()[b]) cand[v] = old_a;
        const double sc = sim.score(cand);
        const bool accept = sc <= cur_score || uniform01(rng) < std::exp((cur_score - sc) / std::max(temp, 1e-300));
        if (accept) {
          ++accepted;
          cur_score = sc;
          gdev[a] = new_a;
          if (b >= 0) gdev[b] = old_a;
          for (int v : g.groups()[a]) cur[v] = new_a;
          if (b >= 0)
            for (int v : g.groups()[b]) cur[v] = old_a;
          if (sc < best_score) {
            best_score = sc;
            best = cur;
            ++improved;
          }
        } else {
          for (int v : g.groups()[a]) cand[v] = old_a;
          if (b >= 0)
            for (int v : g.groups()[b]) cand[v] = old_b;
        }
        if ((it & 63) == 0) {
          bar.set(it);
          bar.set_status("best " + std::to_string(best_score * 1e3) + " ms");
        }
      }
    }
    bar.finish();
    Placement p;
    p.device = best;
    p.info["start"] = best_name;
    p.info["start_scores"] = start_scores;
    p.info["iterations"] = it;
    p.info["accepted"] = accepted;
    p.info["improvements"] = improved;
    p.info["best_score"] = best_score;
    return p;
  }
};

}  // namespace

std::unique_ptr<Placer> make_anneal_placer() { return std::make_unique<AnnealPlacer>(); }

}  // namespace tessera::devices
