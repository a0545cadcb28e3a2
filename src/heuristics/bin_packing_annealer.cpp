#include "tessera/heuristics/bin_packing_annealer.h"

#include <algorithm>
#include <climits>
#include <cmath>

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

/// All subsets of size 0, 1 and 2 of bin b's items (size 2 only for bins of <= 16 items).
void subsets(const State& s, int32_t b, std::vector<Subset>& out) {
  const auto& it = s.items_[b];
  out.clear();
  out.push_back(Subset{});
  for (size_t i = 0; i < it.size(); ++i) out.push_back(Subset{1, {it[i], -1}, s.w_[it[i]]});
  if (it.size() > 16) return;
  for (size_t i = 0; i < it.size(); ++i)
    for (size_t j = i + 1; j < it.size(); ++j) out.push_back(Subset{2, {it[i], it[j]}, s.w_[it[i]] + s.w_[it[j]]});
}

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
  while (s.bins() > target && n > 1) {
    if ((it & 1023) == 0) {
      double elapsed = clock.seconds();
      if (elapsed >= limit) break;
      double progress = by_iterations ? static_cast<double>(it) / options.max_iterations : elapsed / limit;
      if (progress >= phase1_end) break;
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
  while (options.overflow_share > 0 && best.bins() > target && n > 1 && !out_of_budget) {
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
