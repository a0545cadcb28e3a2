#include "tessera/heuristics/bin_packing_annealer.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <unordered_map>

#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/bin_packing_cost.h"

namespace tessera::binpack {

void AnnealerOptions::validate() const {
  if (max_iterations < 0) throw UsageError("annealer: max_iterations must be >= 0");
  if (max_iterations == 0 && !(time_limit > 0)) throw UsageError("annealer: time_limit must be > 0");
  if (!(start_temperature > 0) || !(end_temperature > 0) || end_temperature > start_temperature)
    throw UsageError("annealer: need 0 < end_temperature <= start_temperature");
  if (overflow_share < 0 || overflow_share >= 1) throw UsageError("annealer: overflow_share must be in [0, 1)");
  if (!(overflow_start_temperature > 0) || !(overflow_end_temperature > 0))
    throw UsageError("annealer: overflow temperatures must be > 0");
  if (overflow_pair_probability < 0 || overflow_pair_probability > 1)
    throw UsageError("annealer: overflow_pair_probability must be in [0, 1]");
  if (cycles < 1) throw UsageError("annealer: cycles must be >= 1");
  if (swap_probability < 0 || empty_probability < 0 || pair_probability < 0 ||
      swap_probability + empty_probability + pair_probability > 1)
    throw UsageError("annealer: move probabilities must be >= 0 and sum to <= 1");
}

namespace {

/// Incremental state: items per bin, position of each item in its bin's list, loads.
class State {
 public:
  State(const BinPackingInstance& inst, const Packing& start) : w_(inst.weights), c_(inst.capacity) {
    bin_of_ = start.bin_of;
    loads_ = start.loads;
    items_.resize(loads_.size());
    pos_.resize(w_.size());
    for (size_t j = 0; j < w_.size(); ++j) {
      pos_[j] = static_cast<int32_t>(items_[bin_of_[j]].size());
      items_[bin_of_[j]].push_back(static_cast<int32_t>(j));
    }
  }
  int64_t bins() const { return static_cast<int64_t>(loads_.size()); }

  void move(int32_t j, int32_t to) {
    int32_t from = bin_of_[j];
    remove_from_list(j);
    loads_[from] -= w_[j];
    loads_[to] += w_[j];
    bin_of_[j] = to;
    pos_[j] = static_cast<int32_t>(items_[to].size());
    items_[to].push_back(j);
    if (items_[from].empty()) drop_bin(from);
  }
  void swap(int32_t i, int32_t j) {
    int32_t a = bin_of_[i], b = bin_of_[j];
    std::swap(items_[a][pos_[i]], items_[b][pos_[j]]);
    std::swap(pos_[i], pos_[j]);
    bin_of_[i] = b;
    bin_of_[j] = a;
    loads_[a] += w_[j] - w_[i];
    loads_[b] += w_[i] - w_[j];
  }
  Packing packing() const { return Packing{bin_of_, loads_}; }

  const std::vector<int64_t>& w_;
  const int64_t c_;
  std::vector<int32_t> bin_of_;
  std::vector<int64_t> loads_;
  std::vector<std::vector<int32_t>> items_;
  std::vector<int32_t> pos_;

 private:
  void remove_from_list(int32_t j) {
    auto& list = items_[bin_of_[j]];
    int32_t last = list.back();
    list[pos_[j]] = last;
    pos_[last] = pos_[j];
    list.pop_back();
  }
  /// Removes empty bin b by moving the last bin into its slot.
  void drop_bin(int32_t b) {
    int32_t last = static_cast<int32_t>(loads_.size()) - 1;
    if (b != last) {
      items_[b] = std::move(items_[last]);
      loads_[b] = loads_[last];
      for (int32_t j : items_[b]) bin_of_[j] = b;
    }
    items_.pop_back();
    loads_.pop_back();
  }
};

inline double sq(double x) { return x * x; }

/// A subset of at most two items of one bin.
struct Subset {
  int count = 0;
  int32_t items[2] = {-1, -1};
  int64_t sum = 0;
};

/// All subsets of size 0, 1 and 2 of a bin's items (size 2 only for bins of <= 16 items).
void subsets(const std::vector<int32_t>& it, const std::vector<int64_t>& w, std::vector<Subset>& out) {
  out.clear();
  out.push_back(Subset{});
  for (size_t i = 0; i < it.size(); ++i) out.push_back(Subset{1, {it[i], -1}, w[it[i]]});
  if (it.size() > 16) return;
  for (size_t i = 0; i < it.size(); ++i)
    for (size_t j = i + 1; j < it.size(); ++j) out.push_back(Subset{2, {it[i], it[j]}, w[it[i]] + w[it[j]]});
}
void subsets(const State& s, int32_t b, std::vector<Subset>& out) { subsets(s.items_[b], s.w_, out); }

/// Phase 2, unassigned-pool tabu search (after Buljubasic and Vasquez's consistent neighbourhood
/// search): m bins that all respect the capacity, plus a pool of unassigned items. A move exchanges a
/// subset A (0-2 items) of one bin with a non-empty subset T (1-2 items) of the pool, keeping the bin
/// within capacity; the best non-tabu move by Δ = w(T) - w(A) is taken even when Δ < 0, ties going
/// to the move that leaves more (hence smaller) items in the pool. An item that left bin b may not
/// return to b for a few iterations. Pool items that fit anywhere are packed best-fit after every
/// move. An empty pool is a feasible packing with m bins.
class PoolSearch {
 public:
  /// `from` minus the bins `removed` (their items form the pool).
  PoolSearch(const BinPackingInstance& inst, const Packing& from, const std::vector<int32_t>& removed, Rng& rng)
      : w_(inst.weights), c_(inst.capacity), rng_(rng) {
    const int32_t m = static_cast<int32_t>(from.bins());
    std::vector<int32_t> map(m, 0);
    for (int32_t b : removed) map[b] = -1;
    int32_t kept = 0;
    for (int32_t b = 0; b < m; ++b)
      if (map[b] == 0) map[b] = kept++;
    items_.resize(kept);
    loads_.assign(kept, 0);
    for (size_t j = 0; j < w_.size(); ++j) {
      int32_t b = map[from.bin_of[j]];
      if (b < 0) pool_.push_back(static_cast<int32_t>(j));
      else {
        items_[b].push_back(static_cast<int32_t>(j));
        loads_[b] += w_[j];
      }
    }
    tabu_bin_.assign(w_.size(), -1);
    tabu_until_.assign(w_.size(), 0);
    pack_pool();
  }

  /// True when the pool fits into `spare` extra bins (0, 1 or 2; exact for two by subset sums).
  bool solved(int spare) {
    const int64_t total = pool_weight();
    if (pool_.empty()) return true;
    if (spare == 0 || total > spare * c_) return false;
    if (spare == 1) return true;
    return split_in_two(total, nullptr);
  }
  int64_t pool_weight() const {
    int64_t s = 0;
    for (int32_t j : pool_) s += w_[j];
    return s;
  }

  /// One tabu iteration; false when no move exists at all.
  bool step(int64_t iteration) {
    // Pool subsets (singles and pairs) sorted by weight.
    pool_sets_.clear();
    for (size_t i = 0; i < pool_.size(); ++i) {
      pool_sets_.push_back(Subset{1, {pool_[i], -1}, w_[pool_[i]]});
      for (size_t k = i + 1; k < pool_.size(); ++k)
        pool_sets_.push_back(Subset{2, {pool_[i], pool_[k]}, w_[pool_[i]] + w_[pool_[k]]});
    }
    std::sort(pool_sets_.begin(), pool_sets_.end(), [](const Subset& x, const Subset& y) { return x.sum < y.sum; });
    int64_t best_delta = INT64_MIN;
    int best_shape = INT32_MIN, ties = 0;
    int32_t best_bin = -1;
    Subset best_a, best_t;
    const int32_t m = static_cast<int32_t>(items_.size());
    for (int32_t b = 0; b < m; ++b) {
      subsets(items_[b], w_, bin_sets_);
      for (const Subset& a : bin_sets_) {
        const int64_t cap = c_ - loads_[b] + a.sum;
        // The heaviest admissible pool subset: not tabu for b, not a same-weight single exchange.
        auto hi = std::upper_bound(pool_sets_.begin(), pool_sets_.end(), cap,
                                   [](int64_t v, const Subset& x) { return v < x.sum; });
        for (auto t = hi; t != pool_sets_.begin();) {
          --t;
          const int64_t delta = t->sum - a.sum;
          if (delta < best_delta) break;
          if (a.count == 1 && t->count == 1 && delta == 0) continue;
          if (tabu(t->items[0], b, iteration) || (t->count == 2 && tabu(t->items[1], b, iteration))) continue;
          const int shape = a.count - t->count;
          if (delta > best_delta || shape > best_shape) {
            best_delta = delta;
            best_shape = shape;
            ties = 1;
          } else if (shape < best_shape || uniform_int(rng_, ++ties) != 0) {
            break;
          }
          best_bin = b;
          best_a = a;
          best_t = *t;
          break;
        }
      }
    }
    if (best_bin < 0) return false;
    const int64_t tenure = 3 + uniform_int(rng_, 8);
    for (int k = 0; k < best_a.count; ++k) {
      const int32_t j = best_a.items[k];
      erase(items_[best_bin], j);
      pool_.push_back(j);
      tabu_bin_[j] = best_bin;
      tabu_until_[j] = iteration + tenure;
    }
    for (int k = 0; k < best_t.count; ++k) {
      const int32_t j = best_t.items[k];
      erase(pool_, j);
      items_[best_bin].push_back(j);
    }
    loads_[best_bin] += best_t.sum - best_a.sum;
    pack_pool();
    return true;
  }

  /// The packing once solved(spare) holds: the bins plus the pool in up to `spare` extra bins.
  Packing packing(int spare) {
    Packing p;
    p.bin_of.assign(w_.size(), -1);
    for (size_t b = 0; b < items_.size(); ++b)
      for (int32_t j : items_[b]) p.bin_of[j] = static_cast<int32_t>(b);
    p.loads = loads_;
    if (pool_.empty()) return p;
    std::vector<char> first(pool_.size(), 1);
    if (spare == 2 && pool_weight() > c_) split_in_two(pool_weight(), &first);
    for (int side = 1; side >= 0; --side) {
      int64_t load = 0;
      for (size_t k = 0; k < pool_.size(); ++k)
        if (first[k] == side) {
          p.bin_of[pool_[k]] = static_cast<int32_t>(p.loads.size());
          load += w_[pool_[k]];
        }
      if (load > 0) p.loads.push_back(load);
    }
    return p;
  }

 private:
  /// Whether the pool splits into two parts of at most c each: subset sums up to c reached with the
  /// pool items in order, each sum remembering the item that first reached it and the sum before it.
  /// With `side`, marks the items of the part holding the chosen sum (1) and the rest (0).
  bool split_in_two(int64_t total, std::vector<char>* side) {
    if (pool_.size() > 48) return false;
    reach_.clear();
    reach_.emplace(0, std::make_pair(-1, int64_t{-1}));
    std::vector<int64_t> sums{0}, added;
    for (size_t k = 0; k < pool_.size(); ++k) {
      added.clear();
      for (int64_t v : sums) {
        const int64_t u = v + w_[pool_[k]];
        if (u <= c_ && reach_.emplace(u, std::make_pair(static_cast<int32_t>(k), v)).second) added.push_back(u);
      }
      sums.insert(sums.end(), added.begin(), added.end());
      if (sums.size() > 200000) return false;
    }
    int64_t found = -1;
    for (int64_t v : sums)
      if (total - v <= c_) {
        found = v;
        break;
      }
    if (found < 0) return false;
    if (side != nullptr) {
      side->assign(pool_.size(), 0);
      for (int64_t v = found; v > 0;) {
        const auto& [k, prev] = reach_.at(v);
        (*side)[k] = 1;
        v = prev;
      }
    }
    return true;
  }
  bool tabu(int32_t j, int32_t b, int64_t iteration) const { return tabu_bin_[j] == b && tabu_until_[j] > iteration; }
  static void erase(std::vector<int32_t>& v, int32_t j) {
    auto it = std::find(v.begin(), v.end(), j);
    *it = v.back();
    v.pop_back();
  }
  /// Pool items, heaviest first, best-fit into the bins wherever they fit.
  void pack_pool() {
    std::sort(pool_.begin(), pool_.end(), [&](int32_t x, int32_t y) { return w_[x] > w_[y]; });
    std::vector<int32_t> rest;
    for (int32_t j : pool_) {
      int32_t dest = -1;
      for (size_t b = 0; b < items_.size(); ++b) {
        const int64_t res = c_ - loads_[b] - w_[j];
        if (res >= 0 && (dest < 0 || res < c_ - loads_[dest] - w_[j])) dest = static_cast<int32_t>(b);
      }
      if (dest < 0) {
        rest.push_back(j);
      } else {
        items_[dest].push_back(j);
        loads_[dest] += w_[j];
      }
    }
    pool_ = std::move(rest);
  }

  const std::vector<int64_t>& w_;
  const int64_t c_;
  Rng& rng_;
  std::vector<std::vector<int32_t>> items_;
  std::vector<int64_t> loads_;
  std::vector<int32_t> pool_;
  std::vector<int32_t> tabu_bin_;
  std::vector<int64_t> tabu_until_;
  std::vector<Subset> pool_sets_, bin_sets_;
  std::unordered_map<int64_t, std::pair<int32_t, int64_t>> reach_;
};

}  // namespace

AnnealerResult anneal(const BinPackingInstance& instance, const Packing& start, const AnnealerOptions& options) {
  options.validate();
  std::string problem = check_packing(instance, start);
  if (!problem.empty()) throw Error("anneal: infeasible start packing: " + problem);
  Stopwatch clock;
  AnnealerResult result;
  result.start_bins = start.bins();
  State s(instance, start);
  const int64_t n = instance.size();
  const int64_t target = options.target_bins > 0 ? options.target_bins : lower_bound_l2(instance);
  const double inv_c2 = 1.0 / sq(static_cast<double>(instance.capacity));
  const double log_ratio = std::log(options.end_temperature / options.start_temperature);
  Rng rng(derive_seed(options.seed, 0xA11EA1));
  const bool by_iterations = options.max_iterations > 0;
  const double limit = options.time_limit > 0 ? options.time_limit : 1e300;
  double temperature = options.start_temperature;
  int64_t it = 0;
  const double phase1_end = 1.0 - options.overflow_share;
  std::vector<int32_t> tmp;
  std::vector<Subset> sa, sb;
  // Phase 1 hands over to phase 2 early when it has not removed a bin for phase1_patience moves.
  const int64_t patience1 =
      options.overflow_share > 0 && options.phase1_patience > 0 ? std::max<int64_t>(options.phase1_patience, 20000) : 0;
  int64_t last_bins = s.bins(), last_gain = 0;
  while (s.bins() > target && n > 1) {
    if ((it & 1023) == 0) {
      double elapsed = clock.seconds();
      if (elapsed >= limit) break;
      double progress = by_iterations ? static_cast<double>(it) / options.max_iterations : elapsed / limit;
      if (progress >= phase1_end) break;
      if (s.bins() < last_bins) {
        last_bins = s.bins();
        last_gain = it;
      } else if (patience1 > 0 && it - last_gain > patience1) {
        break;
      }
      double cyc = progress / phase1_end * options.cycles;
      temperature = options.start_temperature * std::exp(log_ratio * (cyc - std::floor(cyc)));
    }
    ++it;
    const double u = uniform01(rng);
    if (u < options.empty_probability) {
      // Bin emptying: the lightest of three random bins, best-fit into the others.
      int32_t a = static_cast<int32_t>(uniform_int(rng, s.bins()));
      for (int k = 0; k < 2; ++k) {
        int32_t b = static_cast<int32_t>(uniform_int(rng, s.bins()));
        if (s.loads_[b] < s.loads_[a]) a = b;
      }
      tmp = s.items_[a];
      std::sort(tmp.begin(), tmp.end(), [&](int32_t x, int32_t y) { return s.w_[x] > s.w_[y]; });
      std::vector<int64_t> load = s.loads_;
      std::vector<int32_t> dest(tmp.size(), -1);
      bool ok = true;
      for (size_t k = 0; k < tmp.size() && ok; ++k) {
        int64_t w = s.w_[tmp[k]], best_res = s.c_ + 1;
        for (int32_t b = 0; b < s.bins(); ++b) {
          if (b == a) continue;
          int64_t res = s.c_ - load[b] - w;
          if (res >= 0 && res < best_res) {
            best_res = res;
            dest[k] = b;
          }
        }
        if (dest[k] < 0) ok = false;
        else load[dest[k]] += w;
      }
      if (!ok) continue;
      // Bin a disappears with its last item (the last bin is then renumbered to a); no move
      // follows that one, so the destinations computed above stay valid.
      for (size_t k = 0; k < tmp.size(); ++k) s.move(tmp[k], dest[k]);
      ++result.accepted;
    } else if (u < options.empty_probability + options.pair_probability) {
      // Pair exchange: the best exchange of up to two items each way between two random bins.
      int32_t a = static_cast<int32_t>(uniform_int(rng, s.bins()));
      int32_t b = static_cast<int32_t>(uniform_int(rng, s.bins()));
      if (a == b) continue;
      subsets(s, a, sa);
      subsets(s, b, sb);
      const int64_t la = s.loads_[a], lb = s.loads_[b];
      double best_delta = -1e300;
      const Subset* best_a = nullptr;
      const Subset* best_b = nullptr;
      for (const auto& xa : sa) {
        for (const auto& xb : sb) {
          if (xa.count == 0 && xb.count == 0) continue;
          const int64_t na = la - xa.sum + xb.sum, nb = lb - xb.sum + xa.sum;
          if (na > s.c_ || nb > s.c_ || na == la) continue;
          const double delta = (sq(na) + sq(nb) - sq(la) - sq(lb)) * inv_c2;
          if (delta > best_delta) {
            best_delta = delta;
            best_a = &xa;
            best_b = &xb;
          }
        }
      }
      if (best_a == nullptr) continue;
      if (best_delta >= 0 || uniform01(rng) < std::exp(best_delta / temperature)) {
        // Swaps first (never empty a bin), then the surplus items move one way; only the last
        // of those can empty its bin, so the indices stay valid until then.
        const int common = std::min(best_a->count, best_b->count);
        int32_t ia[2] = {best_a->items[0], best_a->items[1]}, ib[2] = {best_b->items[0], best_b->items[1]};
        for (int k = 0; k < common; ++k) s.swap(ia[k], ib[k]);
        for (int k = common; k < best_a->count; ++k) s.move(ia[k], b);
        for (int k = common; k < best_b->count; ++k) s.move(ib[k], a);
        ++result.accepted;
      }
    } else if (u < options.empty_probability + options.pair_probability + options.swap_probability) {
      int32_t i = static_cast<int32_t>(uniform_int(rng, n)), j = static_cast<int32_t>(uniform_int(rng, n));
      int32_t a = s.bin_of_[i], b = s.bin_of_[j];
      if (a == b || s.w_[i] == s.w_[j]) continue;
      int64_t la = s.loads_[a] - s.w_[i] + s.w_[j], lb = s.loads_[b] - s.w_[j] + s.w_[i];
      if (la > s.c_ || lb > s.c_) continue;
      double delta = (sq(la) + sq(lb) - sq(s.loads_[a]) - sq(s.loads_[b])) * inv_c2;
      if (delta >= 0 || uniform01(rng) < std::exp(delta / temperature)) {
        s.swap(i, j);
        ++result.accepted;
      }
    } else {
      int32_t i = static_cast<int32_t>(uniform_int(rng, n));
      int32_t a = s.bin_of_[i];
      int32_t b = static_cast<int32_t>(uniform_int(rng, s.bins()));
      if (a == b || s.loads_[b] + s.w_[i] > s.c_) continue;
      double delta = 2.0 * s.w_[i] * (s.loads_[b] - s.loads_[a] + s.w_[i]) * inv_c2;
      if (delta >= 0 || uniform01(rng) < std::exp(delta / temperature)) {
        s.move(i, b);
        ++result.accepted;
      }
    }
  }
  // Phase 2: with one bin fewer than the best feasible packing, minimise the overflow
  // O = Σ_b max(0, L_b - c)/c by shifts and swaps (annealed); O = 0 is a packing with one bin less.
  Packing best = s.packing();
  bool out_of_budget = false;
  auto ov = [&](int64_t load) { return load > instance.capacity ? load - instance.capacity : int64_t{0}; };
  const double inv_c = 1.0 / static_cast<double>(instance.capacity);
  const double log_ratio2 = std::log(options.overflow_end_temperature / options.overflow_start_temperature);
  // Budget check shared by both phase-2 searches.
  auto budget_left = [&]() {
    double elapsed = clock.seconds();
    double progress = by_iterations ? static_cast<double>(it) / options.max_iterations : elapsed / limit;
    return elapsed < limit && progress < 1.0;
  };
  int64_t attempt = 0;
  while (options.reduction == Reduction::kPoolTabu && options.overflow_share > 0 && best.bins() > target && n > 1 &&
         !out_of_budget) {
    // CNS keeps m - 2 bins and a pool that must end up fitting into two bins: remove the two lightest
    // bins first, then two of the lighter half at random on each restart.
    const int spare = best.bins() >= 3 ? 2 : 1;
    std::vector<int32_t> order(best.bins());
    for (int32_t b = 0; b < best.bins(); ++b) order[b] = b;
    std::sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return best.loads[x] < best.loads[y]; });
    std::vector<int32_t> removed(order.begin(), order.begin() + spare + 1);
    if (attempt > 0) {
      const int64_t half = std::max<int64_t>(spare + 1, best.bins() / 2);
      for (int k = 0; k <= spare; ++k) std::swap(order[k], order[k + uniform_int(rng, half - k)]);
      removed.assign(order.begin(), order.begin() + spare + 1);
    }
    ++attempt;
    PoolSearch search(instance, best, removed, rng);
    int64_t best_pool = search.pool_weight(), since = 0;
    const int64_t patience = std::max<int64_t>(2000, 20 * n);
    while (!search.solved(spare)) {
      if ((it & 63) == 0 && !budget_left()) {
        out_of_budget = true;
        break;
      }
      ++it;
      if (!search.step(it)) break;
      ++result.accepted;
      const int64_t pw = search.pool_weight();
      if (pw < best_pool) {
        best_pool = pw;
        since = 0;
      } else if (++since > patience) {
        break;
      }
    }
    if (search.solved(spare)) {
      best = search.packing(spare);
      attempt = 0;
      ++result.overflow_successes;
    }
  }
  while (options.reduction == Reduction::kOverflow && options.overflow_share > 0 && best.bins() > target && n > 1 &&
         !out_of_budget) {
    State t(instance, best);
    int32_t light = 0;
    for (int32_t b = 1; b < t.bins(); ++b)
      if (t.loads_[b] < t.loads_[light]) light = b;
    tmp = t.items_[light];
    std::sort(tmp.begin(), tmp.end(), [&](int32_t x, int32_t y) { return t.w_[x] > t.w_[y]; });
    for (int32_t j : tmp) {  // each item to the least-loaded other bin (overflow allowed)
      int32_t dest = -1;
      for (int32_t b = 0; b < t.bins(); ++b)
        if (b != light && (dest < 0 || t.loads_[b] < t.loads_[dest])) dest = b;
      t.move(j, dest);  // only the last move empties `light`
    }
    int64_t overflow = 0;
    for (int64_t l : t.loads_) overflow += ov(l);
    double temp2 = options.overflow_start_temperature;
    while (overflow > 0) {
      if ((it & 1023) == 0) {
        double elapsed = clock.seconds();
        double progress = by_iterations ? static_cast<double>(it) / options.max_iterations : elapsed / limit;
        if (elapsed >= limit || progress >= 1.0) {
          out_of_budget = true;
          break;
        }
        double p2 = (progress - phase1_end) / std::max(1e-12, 1.0 - phase1_end);
        double cyc = p2 * options.cycles;
        temp2 = options.overflow_start_temperature * std::exp(log_ratio2 * (cyc - std::floor(cyc)));
      }
      ++it;
      // An item of an overloaded bin, most of the time.
      int32_t i = static_cast<int32_t>(uniform_int(rng, n));
      for (int k = 0; k < 4 && t.loads_[t.bin_of_[i]] <= t.c_; ++k) i = static_cast<int32_t>(uniform_int(rng, n));
      const int32_t a = t.bin_of_[i];
      const int32_t b = static_cast<int32_t>(uniform_int(rng, t.bins()));
      if (a == b) continue;
      const int64_t la = t.loads_[a], lb = t.loads_[b];
      const double r = uniform01(rng);
      if (r < options.overflow_pair_probability) {
        // Best exchange of up to two items each way between a and b (ties broken at random).
        subsets(t, a, sa);
        subsets(t, b, sb);
        const int64_t na0 = static_cast<int64_t>(t.items_[a].size()), nb0 = static_cast<int64_t>(t.items_[b].size());
        int64_t best_dov = INT64_MAX;
        int ties = 0;
        const Subset* best_a = nullptr;
        const Subset* best_b = nullptr;
        for (const auto& xa : sa) {
          for (const auto& xb : sb) {
            if (xa.sum == xb.sum) continue;  // no change in loads
            if (na0 - xa.count + xb.count == 0 || nb0 - xb.count + xa.count == 0) continue;
            const int64_t dov = ov(la - xa.sum + xb.sum) + ov(lb - xb.sum + xa.sum) - ov(la) - ov(lb);
            if (dov < best_dov) {
              best_dov = dov;
              ties = 1;
              best_a = &xa;
              best_b = &xb;
            } else if (dov == best_dov && uniform_int(rng, ++ties) == 0) {
              best_a = &xa;
              best_b = &xb;
            }
          }
        }
        if (best_a == nullptr) continue;
        if (best_dov <= 0 || uniform01(rng) < std::exp(-static_cast<double>(best_dov) * inv_c / temp2)) {
          const int common = std::min(best_a->count, best_b->count);
          int32_t ia[2] = {best_a->items[0], best_a->items[1]}, ib[2] = {best_b->items[0], best_b->items[1]};
          for (int k = 0; k < common; ++k) t.swap(ia[k], ib[k]);
          for (int k = common; k < best_a->count; ++k) t.move(ia[k], b);
          for (int k = common; k < best_b->count; ++k) t.move(ib[k], a);
          overflow += best_dov;
          ++result.accepted;
        }
      } else if (r < options.overflow_pair_probability + (1 - options.overflow_pair_probability) / 2) {
        if (t.items_[a].size() == 1) continue;  // keep every bin non-empty
        const int64_t w = t.w_[i];
        const int64_t dov = ov(la - w) + ov(lb + w) - ov(la) - ov(lb);
        if (dov <= 0 || uniform01(rng) < std::exp(-static_cast<double>(dov) * inv_c / temp2)) {
          t.move(i, b);
          overflow += dov;
          ++result.accepted;
        }
      } else {
        const auto& list = t.items_[b];
        const int32_t j = list[uniform_int(rng, static_cast<int64_t>(list.size()))];
        const int64_t d = t.w_[j] - t.w_[i];
        if (d == 0) continue;
        const int64_t dov = ov(la + d) + ov(lb - d) - ov(la) - ov(lb);
        if (dov <= 0 || uniform01(rng) < std::exp(-static_cast<double>(dov) * inv_c / temp2)) {
          t.swap(i, j);
          overflow += dov;
          ++result.accepted;
        }
      }
    }
    if (overflow <= 0) {
      best = t.packing();
      ++result.overflow_successes;
    }
  }
  result.packing = std::move(best);
  result.iterations = it;
  result.seconds = clock.seconds();
  return result;
}

}  // namespace tessera::binpack
