#include "tessera/heuristics/chip_placer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/core/parallel.h"
#include "tessera/core/progress.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"

namespace tessera::chip {

void ChipPlacerOptions::validate() const {
  if (!(time_budget >= 0)) throw UsageError("time_budget must be >= 0 seconds");
  if (threads < 0) throw UsageError("threads must be >= 0");
  if (weights.wirelength < 0 || weights.density < 0 || weights.congestion < 0)
    throw UsageError("cost weights must be >= 0");
}

// ---------------------------------------------------------------- registry
void ChipPlacerRegistry::add(const std::string& name, const std::string& description, ChipPlacerFactory factory) {
  if (entries_.count(name)) throw UsageError("chip placer '" + name + "' is registered twice");
  entries_[name] = Entry{description, std::move(factory)};
}

std::unique_ptr<ChipPlacer> ChipPlacerRegistry::create(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string known;
    for (const auto& kv : entries_) known += (known.empty() ? "" : ", ") + kv.first;
    throw UsageError("unknown chip placement method '" + name + "' (known: " + known + ")");
  }
  return it->second.factory();
}

std::vector<std::string> ChipPlacerRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& kv : entries_) out.push_back(kv.first);
  return out;
}

std::string ChipPlacerRegistry::description(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? "" : it->second.description;
}

namespace {

/// Fresh canvas state with only the fixed hard macros placed.
ChipCanvas start_canvas(const ChipCanvas& canvas, const Placement& start) {
  ChipCanvas c = canvas;
  c.clear();
  c.place_fixed(start);
  return c;
}

bool is_fixed(const Placement& p, int64_t m) { return !p.fixed.empty() && p.fixed[m]; }

/// Exchanges the canvas positions of hard macros a and b (each keeps its orientation) when both stay
/// legal; otherwise leaves the canvas as it was. Positions are read from p, which still has the old ones.
bool swap_on_canvas(ChipCanvas& canvas, const Placement& p, int64_t a, int64_t b) {
  const double xa = p.x[a], ya = p.y[a], xb = p.x[b], yb = p.y[b];
  const Orientation oa = p.orientation[a], ob = p.orientation[b];
  canvas.unplace(a);
  canvas.unplace(b);
  bool ok = canvas.is_legal(a, xb, yb, oa);
  if (ok) {
    canvas.place(a, xb, yb, oa);
    ok = canvas.is_legal(b, xa, ya, ob);
    if (!ok) canvas.unplace(a);
  }
  if (!ok) {
    canvas.place(a, xa, ya, oa);
    canvas.place(b, xb, yb, ob);
    return false;
  }
  canvas.place(b, xa, ya, ob);
  return true;
}

std::vector<int> legal_cells(const ChipCanvas& canvas, int64_t m, Orientation o) {
  auto mask = canvas.require_legal_mask(m, o);
  std::vector<int> cells;
  for (int i = 0; i < static_cast<int>(mask.size()); ++i)
    if (mask[i]) cells.push_back(i);
  return cells;
}

/// Parks every non-fixed hard macro at the canvas centre (unplaced macros in partial placements).
void park_hard_macros(const Netlist& nl, const CanvasSpec& spec, Placement& p) {
  for (int64_t m : nl.hard_macros())
    if (!is_fixed(p, m)) {
      p.x[m] = spec.width / 2;
      p.y[m] = spec.height / 2;
      p.orientation[m] = Orientation::N;
    }
}

// ---------------------------------------------------------------- given
/// Keeps the hard macros of the start placement (e.g. a .plc): the reference point of a table.
class GivenPlacer : public ChipPlacer {
 public:
  std::string name() const override { return "given"; }

 private:
  Placement place_impl(const Netlist&, const ChipCanvas&, const Placement& start, const ChipPlacerOptions&) override {
    return start;
  }
};

// ---------------------------------------------------------------- random
class RandomPlacer : public ChipPlacer {
 public:
  std::string name() const override { return "random"; }

 private:
  Placement place_impl(const Netlist& nl, const ChipCanvas& canvas0, const Placement& start,
                       const ChipPlacerOptions& opt) override {
    Rng rng(derive_seed(opt.seed, 11));
    ChipCanvas canvas = start_canvas(canvas0, start);
    Placement p = start;
    for (int64_t m : canvas.macros_by_area()) {
      if (is_fixed(p, m)) continue;
      auto cells = legal_cells(canvas, m, Orientation::N);
      canvas.place_at_cell(m, cells[uniform_int(rng, static_cast<int64_t>(cells.size()))], Orientation::N);
    }
    canvas.write_to(p);
    return p;
  }
};

// ---------------------------------------------------------------- greedy
/// Connectivity-ordered greedy: the next macro is the one most connected to what is already placed
/// (ports and fixed macros count as placed); it goes to the legal cell with the lowest proxy cost.
class GreedyPlacer : public ChipPlacer {
 public:
  std::string name() const override { return "greedy"; }
  Json stats() const override { return stats_; }

 private:
  Placement place_impl(const Netlist& nl, const ChipCanvas& canvas0, const Placement& start,
                       const ChipPlacerOptions& opt) override {
    Stopwatch sw;
    ChipCanvas canvas = start_canvas(canvas0, start);
    Placement p = start;
    park_hard_macros(nl, canvas.spec(), p);
    const auto& hard = nl.hard_macros();
    const int64_t n = nl.num_nodes();
    std::vector<int64_t> slot(n, -1);
    for (size_t i = 0; i < hard.size(); ++i) slot[hard[i]] = static_cast<int64_t>(i);
    // weighted connectivity between hard macros, and to fixed objects (ports, soft macros count half)
    std::vector<std::vector<std::pair<int64_t, double>>> adj(hard.size());
    std::vector<double> to_fixed(hard.size(), 0.0);
    for (const Net& net : nl.nets()) {
      std::vector<int64_t> hs;
      int other = 0;
      auto visit = [&](int64_t node) {
        int64_t o = nl.owner(node);
        if (slot[o] >= 0) hs.push_back(slot[o]);
        else if (nl.node(o).type == NodeType::kPort) other += 2;
        else other += 1;
      };
      visit(net.driver);
      for (int64_t s : net.sinks) visit(s);
      std::sort(hs.begin(), hs.end());
      hs.erase(std::unique(hs.begin(), hs.end()), hs.end());
      const double k = static_cast<double>(hs.size()) + other;
      if (k < 2) continue;
      const double w = net.weight / (k - 1);
      for (int64_t a : hs) {
        to_fixed[a] += w * other * 0.5;
        if (hs.size() <= 32)
          for (int64_t b : hs)
            if (a != b) adj[a].emplace_back(b, w);
      }
    }
    std::vector<double> score(hard.size(), 0.0);
    std::vector<uint8_t> done(hard.size(), 0);
    for (size_t i = 0; i < hard.size(); ++i) {
      score[i] = to_fixed[i];
      if (is_fixed(p, hard[i])) done[i] = 1;
    }
    for (size_t i = 0; i < hard.size(); ++i)
      if (done[i])
        for (auto [b, w] : adj[i]) score[b] += w;
    IncrementalProxyCost inc(nl, canvas.spec(), p);
    ProgressBar bar("greedy", static_cast<int64_t>(hard.size()), opt.progress);
    int64_t evaluations = 0;
    for (;;) {
      int64_t best = -1;
      for (size_t i = 0; i < hard.size(); ++i) {
        if (done[i]) continue;
        if (best < 0) {
          best = static_cast<int64_t>(i);
          continue;
        }
        const Node& a = nl.node(hard[i]);
        const Node& b = nl.node(hard[best]);
        const double aa = a.width * a.height, ab = b.width * b.height;
        if (score[i] > score[best] + 1e-12 || (std::abs(score[i] - score[best]) <= 1e-12 && aa > ab))
          best = static_cast<int64_t>(i);
      }
      if (best < 0) break;
      const int64_t m = hard[best];
      auto cells = legal_cells(canvas, m, Orientation::N);
      double best_cost = 1e300;
      int best_cell = cells[0];
      for (int c : cells) {
        Point q = canvas.cell_center(c);
        inc.move(m, q.x, q.y, Orientation::N);
        const double cost = inc.proxy(opt.weights);
        ++evaluations;
        if (cost < best_cost) best_cost = cost, best_cell = c;
      }
      Point q = canvas.cell_center(best_cell);
      inc.move(m, q.x, q.y, Orientation::N);
      canvas.place_at_cell(m, best_cell, Orientation::N);
      done[best] = 1;
      for (auto [b, w] : adj[best]) score[b] += w;
      bar.advance();
    }
    bar.finish();
    canvas.write_to(p);
    stats_ = {{"evaluations", evaluations}, {"seconds", sw.seconds()}};
    return p;
  }
  Json stats_ = Json::object();
};

// ---------------------------------------------------------------- simulated annealing
struct SaParams {
  double p_swap = 0.3, p_shift = 0.3, p_move = 0.3, p_flip = 0.1;
  int rounds = 3;              ///< annealing rounds, each followed by FD for the soft macros
  double t_final_ratio = 1e-3;
  int chains = 0;              ///< 0 = threads
  bool start_greedy = true;
  static SaParams from(const Json& j) {
    SaParams s;
    s.p_swap = j.value("p_swap", s.p_swap);
    s.p_shift = j.value("p_shift", s.p_shift);
    s.p_move = j.value("p_move", s.p_move);
    s.p_flip = j.value("p_flip", s.p_flip);
    s.rounds = j.value("rounds", s.rounds);
    s.t_final_ratio = j.value("t_final_ratio", s.t_final_ratio);
    s.chains = j.value("chains", s.chains);
    s.start_greedy = j.value("start_greedy", s.start_greedy);
    if (s.rounds < 1) throw UsageError("sa: rounds must be >= 1");
    return s;
  }
};

struct ChainResult {
  Placement placement;
  double cost = 1e300;
  int64_t moves = 0, accepted = 0;
};

ChainResult anneal_chain(const Netlist& nl, const ChipCanvas& canvas0, const Placement& init, const ChipPlacerOptions& opt,
                         const SaParams& sp, uint64_t seed, double budget, bool progress) {
  Rng rng(seed);
  const CanvasSpec& spec = canvas0.spec();
  ChipCanvas canvas = canvas0;
  canvas.clear();
  std::vector<int64_t> movable;
  for (int64_t m : nl.hard_macros()) {
    canvas.place(m, init.x[m], init.y[m], init.orientation[m]);
    if (!is_fixed(init, m)) movable.push_back(m);
  }
  ChainResult res;
  Placement cur = init;
  ForceDirectedOptions fd;
  force_directed_place(nl, spec, cur, fd);
  ProxyCost full(nl, spec);
  res.placement = cur;
  res.cost = full.evaluate(cur).proxy(opt.weights);
  if (movable.empty()) return res;
  IncrementalProxyCost inc(nl, spec, cur);
  const int cols = spec.cols, rows = spec.rows;
  const Orientation flips[4] = {Orientation::N, Orientation::FN, Orientation::S, Orientation::FS};

  std::vector<int64_t> touched;
  // one proposal; returns false when it is illegal (nothing changed)
  auto propose = [&](double window_frac) -> bool {
    touched.clear();
    const int64_t m = movable[uniform_int(rng, static_cast<int64_t>(movable.size()))];
    touched.push_back(m);
    const double u = uniform01(rng) * (sp.p_swap + sp.p_shift + sp.p_move + sp.p_flip);
    const Placement& p = inc.placement();
    if (u < sp.p_swap) {
      const int64_t m2 = movable[uniform_int(rng, static_cast<int64_t>(movable.size()))];
      if (m2 == m) return false;
      const double x1 = p.x[m], y1 = p.y[m], x2 = p.x[m2], y2 = p.y[m2];
      const Orientation o1 = p.orientation[m], o2 = p.orientation[m2];
      if (!swap_on_canvas(canvas, p, m, m2)) return false;
      touched.push_back(m2);
      inc.move(m, x2, y2, o1);
      inc.move(m2, x1, y1, o2);
      return true;
    }
    const double x0 = p.x[m], y0 = p.y[m];
    const Orientation o0 = p.orientation[m];
    double nx = x0, ny = y0;
    Orientation no = o0;
    if (u < sp.p_swap + sp.p_shift) {
      const int dir = static_cast<int>(uniform_int(rng, 4));
      const int cell = canvas.cell_of(x0, y0);
      int r = cell / cols + (dir == 0 ? 1 : dir == 1 ? -1 : 0), c = cell % cols + (dir == 2 ? 1 : dir == 3 ? -1 : 0);
      if (r < 0 || r >= rows || c < 0 || c >= cols) return false;
      Point q = canvas.cell_center(r * cols + c);
      nx = q.x, ny = q.y;
    } else if (u < sp.p_swap + sp.p_shift + sp.p_move) {
      const int cell = canvas.cell_of(x0, y0);
      const int wr = std::max(1, static_cast<int>(std::ceil(window_frac * rows)));
      const int wc = std::max(1, static_cast<int>(std::ceil(window_frac * cols)));
      const int r = std::clamp(cell / cols + static_cast<int>(uniform_int(rng, 2 * wr + 1)) - wr, 0, rows - 1);
      const int c = std::clamp(cell % cols + static_cast<int>(uniform_int(rng, 2 * wc + 1)) - wc, 0, cols - 1);
      Point q = canvas.cell_center(r * cols + c);
      nx = q.x, ny = q.y;
    } else {
      no = flips[uniform_int(rng, 4)];
      if (no == o0) return false;
    }
    canvas.unplace(m);
    if (!canvas.is_legal(m, nx, ny, no)) {
      canvas.place(m, x0, y0, o0);
      return false;
    }
    canvas.place(m, nx, ny, no);
    inc.move(m, nx, ny, no);
    return true;
  };

  Stopwatch sw;
  // initial temperature from the mean uphill delta of random moves
  double cur_cost = inc.proxy(opt.weights);
  double up_sum = 0;
  int ups = 0;
  for (int i = 0; i < 200; ++i) {
    inc.checkpoint();
    if (!propose(0.5)) {
      inc.commit();
      continue;
    }
    const double c = inc.proxy(opt.weights);
    if (c > cur_cost) up_sum += c - cur_cost, ++ups;
    // undo on the canvas too: rollback the incremental state, then re-sync the canvas
    inc.rollback();
    for (int64_t m : touched) canvas.place(m, inc.placement().x[m], inc.placement().y[m], inc.placement().orientation[m]);
  }
  const double t0 = ups ? -(up_sum / ups) / std::log(0.2) : 1e-3;
  const double tf = t0 * sp.t_final_ratio;
  ProgressBar bar("sa", 1000, progress);
  double best_round_cost = cur_cost;
  Placement best_round = inc.placement();
  const double round_budget = budget / sp.rounds;
  for (int round = 0; round < sp.rounds; ++round) {
    Stopwatch rw;
    double frac = 0;
    int64_t since_resync = 0;
    while (frac < 1.0) {
      for (int k = 0; k < 64; ++k) {
        const double t = t0 * std::pow(tf / t0, frac);
        inc.checkpoint();
        if (!propose(std::max(0.05, 1.0 - frac))) {
          inc.commit();
          continue;
        }
        ++res.moves;
        const double c = inc.proxy(opt.weights);
        const double d = c - cur_cost;
        if (d <= 0 || uniform01(rng) < std::exp(-d / t)) {
          inc.commit();
          cur_cost = c;
          ++res.accepted;
          if (c < best_round_cost - 1e-12) {
            best_round_cost = c;
            best_round = inc.placement();
          }
        } else {
          inc.rollback();
          const Placement& q = inc.placement();
          for (int64_t m : touched) canvas.place(m, q.x[m], q.y[m], q.orientation[m]);
        }
        if (++since_resync >= 20000) {
          inc.resync();
          cur_cost = inc.proxy(opt.weights);
          since_resync = 0;
        }
      }
      frac = round_budget > 0 ? rw.seconds() / round_budget : 1.0;
      bar.set(static_cast<int64_t>(1000.0 * (round + std::min(frac, 1.0)) / sp.rounds));
    }
    // FD for the soft macros around the best hard-macro placement of this round
    Placement p = best_round;
    force_directed_place(nl, spec, p, fd);
    const double c = full.evaluate(p).proxy(opt.weights);
    if (c < res.cost) {
      res.cost = c;
      res.placement = p;
    }
    inc.reset(p);
    canvas.clear();
    for (int64_t m : nl.hard_macros()) canvas.place(m, p.x[m], p.y[m], p.orientation[m]);
    cur_cost = inc.proxy(opt.weights);
    best_round_cost = cur_cost;
    best_round = p;
  }
  bar.finish();
  return res;
}

class SaPlacer : public ChipPlacer {
 public:
  std::string name() const override { return "sa"; }
  Json stats() const override { return stats_; }

 private:
  Placement place_impl(const Netlist& nl, const ChipCanvas& canvas, const Placement& start,
                       const ChipPlacerOptions& opt) override {
    const SaParams sp = SaParams::from(opt.params);
    Stopwatch sw;
    Placement init;
    ChipPlacerOptions sub = opt;
    sub.progress = false;
    if (sp.start_greedy) {
      GreedyPlacer g;
      init = g.place(nl, canvas, start, sub);
    } else {
      RandomPlacer r;
      init = r.place(nl, canvas, start, sub);
    }
    const int threads = resolve_threads(opt.threads);
    const int chains = sp.chains > 0 ? sp.chains : threads;
    const double left = std::max(0.0, opt.time_budget - sw.seconds());
    const double budget = chains <= threads ? left : left * threads / chains;
    std::vector<ChainResult> results(chains);
    parallel_for(chains, std::min(threads, chains), [&](int64_t i, int) {
      results[i] = anneal_chain(nl, canvas, init, opt, sp, derive_seed(opt.seed, 100 + i), budget,
                                opt.progress && i == 0);
    });
    size_t best = 0;
    int64_t moves = 0, accepted = 0;
    Json costs = Json::array();
    for (size_t i = 0; i < results.size(); ++i) {
      moves += results[i].moves;
      accepted += results[i].accepted;
      costs.push_back(results[i].cost);
      if (results[i].cost < results[best].cost) best = i;
    }
    stats_ = {{"chains", chains}, {"moves", moves}, {"accepted", accepted}, {"chain_costs", costs},
              {"seconds", sw.seconds()}, {"moves_per_second", moves / std::max(1e-9, sw.seconds())}};
    return results[best].placement;
  }
  Json stats_ = Json::object();
};

}  // namespace

ChipPlacerRegistry make_chip_placer_registry() {
  ChipPlacerRegistry r;
  r.add("given", "keep the hard macros of the input .plc (must be legal); soft macros by FD",
        [] { return std::make_unique<GivenPlacer>(); });
  r.add("random", "random legal cell for each hard macro, largest first",
        [] { return std::make_unique<RandomPlacer>(); });
  r.add("greedy", "connectivity-ordered greedy: each macro to the legal cell of lowest proxy cost",
        [] { return std::make_unique<GreedyPlacer>(); });
  r.add("sa", "simulated annealing over hard macros (swap, shift, move, flip) from greedy, FD between rounds",
        [] { return std::make_unique<SaPlacer>(); });
  return r;
}

// ---------------------------------------------------------------- refinement
Json refine_placement(const Netlist& nl, const ChipCanvas& canvas0, Placement& placement, const RefineOptions& opt) {
  Stopwatch sw;
  ChipCanvas canvas = canvas0;
  canvas.clear();
  for (int64_t m : nl.hard_macros()) canvas.place(m, placement.x[m], placement.y[m], placement.orientation[m]);
  IncrementalProxyCost inc(nl, canvas.spec(), placement);
  double cur = inc.proxy(opt.weights);
  const double initial = cur;
  const int cols = canvas.cols(), rows = canvas.rows();
  int64_t improved = 0, evaluations = 0;
  int passes = 0;
  auto order = canvas.macros_by_area();
  ProgressBar bar("refine", static_cast<int64_t>(opt.passes) * static_cast<int64_t>(order.size()), opt.progress);
  bool out_of_time = false;
  for (int pass = 0; pass < opt.passes && !out_of_time; ++pass) {
    ++passes;
    int64_t pass_improved = 0;
    for (int64_t m : order) {
      if (is_fixed(placement, m)) continue;
      if (sw.seconds() > opt.time_budget) {
        out_of_time = true;
        break;
      }
      const Placement& p = inc.placement();
      const double x0 = p.x[m], y0 = p.y[m];
      const Orientation o0 = p.orientation[m];
      canvas.unplace(m);
      double best = cur, bx = x0, by = y0;
      Orientation bo = o0;
      auto consider = [&](double x, double y, Orientation o) {
        if (!canvas.is_legal(m, x, y, o)) return;
        inc.move(m, x, y, o);
        const double c = inc.proxy(opt.weights);
        ++evaluations;
        if (c < best - 1e-12) best = c, bx = x, by = y, bo = o;
      };
      const int cell = canvas.cell_of(x0, y0);
      const int r0 = cell / cols, c0 = cell % cols;
      const int w = opt.window > 0 ? opt.window : std::max(rows, cols);
      for (int r = std::max(0, r0 - w); r <= std::min(rows - 1, r0 + w); ++r)
        for (int c = std::max(0, c0 - w); c <= std::min(cols - 1, c0 + w); ++c) {
          Point q = canvas.cell_center(r * cols + c);
          consider(q.x, q.y, o0);
        }
      if (opt.flips)
        for (Orientation o : {Orientation::N, Orientation::FN, Orientation::S, Orientation::FS})
          if (o != o0) consider(x0, y0, o);
      inc.move(m, bx, by, bo);
      canvas.place(m, bx, by, bo);
      if (best < cur - 1e-12) ++improved, ++pass_improved;
      cur = best;
      // Swaps reach what the window cannot in a packed placement: the cells a macro should move to
      // are taken by other macros. Each macro keeps its orientation; both must be legal after the swap.
      if (opt.swaps)
        for (int64_t m2 : order) {
          if (m2 == m || is_fixed(placement, m2)) continue;
          const Placement& q = inc.placement();
          const double x1 = q.x[m], y1 = q.y[m], x2 = q.x[m2], y2 = q.y[m2];
          const Orientation o1 = q.orientation[m], o2 = q.orientation[m2];
          if (!swap_on_canvas(canvas, q, m, m2)) continue;
          inc.move(m, x2, y2, o1);
          inc.move(m2, x1, y1, o2);
          const double c = inc.proxy(opt.weights);
          ++evaluations;
          if (c < cur - 1e-12) {
            cur = c;
            ++improved, ++pass_improved;
            continue;
          }
          swap_on_canvas(canvas, inc.placement(), m, m2);  // back; the old positions were legal
          inc.move(m2, x2, y2, o2);
          inc.move(m, x1, y1, o1);
        }
      bar.advance();
    }
    if (pass_improved == 0) break;
  }
  bar.finish();
  placement = inc.placement();
  return {{"initial_proxy", initial}, {"final_proxy", cur}, {"improved_moves", improved},
          {"evaluations", evaluations}, {"passes", passes}, {"seconds", sw.seconds()}};
}

// ---------------------------------------------------------------- protocol
namespace {
void check_legal(const Netlist& nl, const CanvasSpec& spec, const Placement& p, const std::string& method) {
  ChipCanvas c(nl, spec);
  for (int64_t m : nl.hard_macros()) {
    if (!c.is_legal(m, p.x[m], p.y[m], p.orientation[m]))
      throw Error("placer '" + method + "' produced an illegal position for hard macro '" + nl.node(m).name + "'");
    c.place(m, p.x[m], p.y[m], p.orientation[m]);
  }
}
}  // namespace

ChipPlaceReport place_chip(ChipPlacer& placer, const Netlist& netlist, const CanvasSpec& spec, const Placement& start,
                           const PlaceChipOptions& options) {
  options.placer.validate();
  ChipCanvas canvas(netlist, spec);
  ChipPlaceReport rep;
  Stopwatch sw;
  rep.placement = placer.place(netlist, canvas, start, options.placer);
  rep.place_seconds = sw.seconds();
  rep.placer_stats = placer.stats();
  check_legal(netlist, spec, rep.placement, placer.name());
  ProxyCost cost(netlist, spec);
  if (options.run_fd) {
    sw.reset();
    force_directed_place(netlist, spec, rep.placement, options.fd);
    rep.fd_seconds = sw.seconds();
  }
  rep.cost_unrefined = rep.cost = cost.evaluate(rep.placement);
  if (options.refine) {
    // Rounds of refinement, each followed by FD, while the proxy after FD improves: a round sees the
    // soft macros where the previous FD put them, so its gains survive the next FD better than one
    // long refinement against stale soft-macro positions. With swaps on, each round refines the
    // current best both without and with swaps and keeps the better result.
    sw.reset();
    RefineOptions ro = options.refinement;
    ro.weights = options.placer.weights;
    Json rounds = Json::array();
    bool improved = true;
    while (improved && sw.seconds() < options.refinement.time_budget) {
      improved = false;
      const Placement start_of_round = rep.placement;
      for (bool swaps : {false, true}) {
        if (swaps && !options.refinement.swaps) continue;
        if (sw.seconds() >= options.refinement.time_budget) break;
        Placement refined = start_of_round;
        ro.swaps = swaps;
        ro.time_budget = options.refinement.time_budget - sw.seconds();
        Json stats = refine_placement(netlist, canvas, refined, ro);
        if (options.run_fd) force_directed_place(netlist, spec, refined, options.fd);
        ProxyCostResult rc = cost.evaluate(refined);
        stats["proxy_after_fd"] = rc.proxy(options.placer.weights);
        stats["swaps"] = swaps;
        rounds.push_back(stats);
        if (rc.proxy(options.placer.weights) < rep.cost.proxy(options.placer.weights) - 1e-9) {
          rep.placement = std::move(refined);
          rep.cost = rc;
          improved = true;
        }
      }
      if (!options.run_fd) break;  // without FD a second round would repeat the first
    }
    rep.refine_seconds = sw.seconds();
    rep.refine_stats = {{"initial_proxy", rep.cost_unrefined.proxy(options.placer.weights)},
                        {"final_proxy", rep.cost.proxy(options.placer.weights)},
                        {"seconds", rep.refine_seconds},
                        {"rounds", rounds}};
  }
  return rep;
}

}  // namespace tessera::chip
