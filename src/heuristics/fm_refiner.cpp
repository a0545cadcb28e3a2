#include "tessera/heuristics/fm_refiner.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "tessera/core/error.h"
#include "tessera/cost/partition_metrics.h"
#include "tessera/graph/graph_coarsener.h"

namespace tessera::partition {
namespace {

/// Addressable binary max-heap over node ids, keyed by (gain, random tie-break).
class MaxHeap {
 public:
  explicit MaxHeap(int64_t n) : pos_(n, -1) {}
  bool empty() const { return heap_.empty(); }
  bool contains(int64_t v) const { return pos_[v] >= 0; }
  int64_t top() const { return heap_[0].v; }
  double top_key() const { return heap_[0].key; }
  void push_or_update(int64_t v, double key, uint64_t tie) {
    if (pos_[v] < 0) {
      pos_[v] = static_cast<int64_t>(heap_.size());
      heap_.push_back({key, tie, v});
      up(pos_[v]);
    } else {
      const int64_t i = pos_[v];
      const double old = heap_[i].key;
      heap_[i].key = key;
      heap_[i].tie = tie;
      if (key > old) up(i); else down(i);
    }
  }
  void remove(int64_t v) {
    const int64_t i = pos_[v];
    if (i < 0) return;
    const int64_t last = static_cast<int64_t>(heap_.size()) - 1;
    if (i != last) {
      swap(i, last);
      heap_.pop_back();
      pos_[v] = -1;
      up(i);
      down(i);
    } else {
      heap_.pop_back();
      pos_[v] = -1;
    }
  }
  void clear() {
    for (auto& e : heap_) pos_[e.v] = -1;
    heap_.clear();
  }

 private:
  struct Entry {
    double key;
    uint64_t tie;
    int64_t v;
  };
  static bool less(const Entry& a, const Entry& b) { return a.key < b.key || (a.key == b.key && a.tie < b.tie); }
  void swap(int64_t i, int64_t j) {
    std::swap(heap_[i], heap_[j]);
    pos_[heap_[i].v] = i;
    pos_[heap_[j].v] = j;
  }
  void up(int64_t i) {
    while (i > 0) {
      int64_t p = (i - 1) / 2;
      if (!less(heap_[p], heap_[i])) break;
      swap(p, i);
      i = p;
    }
  }
  void down(int64_t i) {
    const int64_t n = static_cast<int64_t>(heap_.size());
    while (true) {
      int64_t l = 2 * i + 1, r = l + 1, b = i;
      if (l < n && less(heap_[b], heap_[l])) b = l;
      if (r < n && less(heap_[b], heap_[r])) b = r;
      if (b == i) break;
      swap(b, i);
      i = b;
    }
  }
  std::vector<Entry> heap_;
  std::vector<int64_t> pos_;
};

struct Move {
  int target = -1;
  double gain = 0;
};

/// Connectivity of one node to the blocks (dense array of size k plus the touched list).
class Connectivity {
 public:
  explicit Connectivity(int k) : conn_(k, 0.0), seen_(k, 0) {}

  /// Best move of v into an adjacent block with room (any_block: also non-adjacent blocks, for
  /// rebalancing). Ties prefer the lighter block.
  Move best(const graph::Graph& g, const std::vector<int>& part, const std::vector<double>& bw, int64_t v,
            double lmax, bool any_block) {
    const int own = part[v];
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      const int b = part[g.neighbor(a)];
      if (!seen_[b]) {
        seen_[b] = 1;
        touched_.push_back(b);
      }
      conn_[b] += g.edge_weight(a);
    }
    const double wv = g.node_weight(v);
    const double own_conn = conn_[own];
    Move m;
    m.gain = -std::numeric_limits<double>::infinity();
    for (int b : touched_) {
      if (b == own || bw[b] + wv > lmax) continue;
      const double gain = conn_[b] - own_conn;
      if (gain > m.gain || (gain == m.gain && bw[b] < bw[m.target])) {
        m.gain = gain;
        m.target = b;
      }
    }
    if (m.target < 0 && any_block) {
      int lightest = -1;
      for (int b = 0; b < static_cast<int>(bw.size()); ++b)
        if (b != own && bw[b] + wv <= lmax && (lightest < 0 || bw[b] < bw[lightest])) lightest = b;
      if (lightest >= 0) {
        m.target = lightest;
        m.gain = conn_[lightest] - own_conn;
      }
    }
    for (int b : touched_) {
      conn_[b] = 0;
      seen_[b] = 0;
    }
    touched_.clear();
    return m;
  }

  bool boundary(const graph::Graph& g, const std::vector<int>& part, int64_t v) const {
    for (int64_t a = g.begin(v); a < g.end(v); ++a)
      if (part[g.neighbor(a)] != part[v]) return true;
    return false;
  }

 private:
  std::vector<double> conn_;
  std::vector<char> seen_;
  std::vector<int> touched_;
};

}  // namespace

void RefinerOptions::validate() const {
  if (!(imbalance >= 0)) throw UsageError("imbalance must be >= 0, got " + std::to_string(imbalance));
  if (fm_passes < 0) throw UsageError("fm_passes must be >= 0");
  if (fm_max_negative_moves < 0) throw UsageError("fm_max_negative_moves must be >= 0");
  if (vcycles < 0) throw UsageError("vcycles must be >= 0");
  if (coarsest_nodes_per_block < 1) throw UsageError("coarsest_nodes_per_block must be >= 1");
  if (vcycle_patience < 1) throw UsageError("vcycle_patience must be >= 1");
  if (tries < 1) throw UsageError("tries must be >= 1");
}

FmRefiner::FmRefiner(RefinerOptions options) : options_(options) { options_.validate(); }

double FmRefiner::fm(const graph::Graph& g, std::vector<int>& part, int k, double lmax, Rng& rng,
                     int64_t* moves_done) const {
  const int64_t n = g.num_nodes();
  std::vector<double> bw = block_weights(g, part, k);
  Connectivity conn(k);
  MaxHeap heap(n);
  std::vector<char> locked(n, 0);
  std::vector<std::pair<int64_t, int>> moves;
  double total_gain = 0;
  for (int pass = 0; pass < options_.fm_passes; ++pass) {
    heap.clear();
    for (int64_t v = 0; v < n; ++v) {
      if (!conn.boundary(g, part, v)) continue;
      Move m = conn.best(g, part, bw, v, lmax, false);
      if (m.target >= 0) heap.push_or_update(v, m.gain, rng());
    }
    moves.clear();
    double cur = 0, best = 0;
    size_t best_idx = 0;
    int since_best = 0;
    while (!heap.empty()) {
      const int64_t v = heap.top();
      const double key = heap.top_key();
      Move m = conn.best(g, part, bw, v, lmax, false);
      if (m.target < 0) {
        heap.remove(v);
        continue;
      }
      if (m.gain < key - 1e-9) {  // stale key (a block filled up): reinsert with the true gain
        heap.push_or_update(v, m.gain, rng());
        continue;
      }
      heap.remove(v);
      locked[v] = 1;
      const int from = part[v];
      part[v] = m.target;
      bw[from] -= g.node_weight(v);
      bw[m.target] += g.node_weight(v);
      cur += m.gain;
      moves.emplace_back(v, from);
      if (cur > best + 1e-9) {
        best = cur;
        best_idx = moves.size();
        since_best = 0;
      } else if (++since_best > options_.fm_max_negative_moves) {
        break;
      }
      for (int64_t a = g.begin(v); a < g.end(v); ++a) {
        const int64_t u = g.neighbor(a);
        if (locked[u]) continue;
        Move mu = conn.best(g, part, bw, u, lmax, false);
        if (mu.target >= 0) heap.push_or_update(u, mu.gain, rng());
        else heap.remove(u);
      }
    }
    for (size_t i = moves.size(); i > best_idx; --i) {  // roll back to the best prefix
      auto [v, from] = moves[i - 1];
      bw[part[v]] -= g.node_weight(v);
      bw[from] += g.node_weight(v);
      part[v] = from;
    }
    for (auto& mv : moves) locked[mv.first] = 0;
    if (moves_done) *moves_done += static_cast<int64_t>(best_idx);
    total_gain += best;
    if (best <= 1e-9) break;
  }
  return total_gain;
}

bool FmRefiner::rebalance(const graph::Graph& g, std::vector<int>& part, int k, double lmax) const {
  const int64_t n = g.num_nodes();
  std::vector<double> bw = block_weights(g, part, k);
  auto overloaded = [&](int b) { return bw[b] > lmax + 1e-9; };
  bool any = false;
  for (int b = 0; b < k; ++b) any = any || overloaded(b);
  if (!any) return true;
  Connectivity conn(k);
  MaxHeap heap(n);
  for (int64_t v = 0; v < n; ++v) {
    if (!overloaded(part[v])) continue;
    Move m = conn.best(g, part, bw, v, lmax, true);
    // Prefer light nodes when gains tie: the tie-break favours small weight.
    if (m.target >= 0) heap.push_or_update(v, m.gain, ~static_cast<uint64_t>(g.node_weight(v) * 16));
  }
  while (true) {
    any = false;
    for (int b = 0; b < k; ++b) any = any || overloaded(b);
    if (!any) return true;
    if (heap.empty()) return false;
    const int64_t v = heap.top();
    const double key = heap.top_key();
    if (!overloaded(part[v])) {
      heap.remove(v);
      continue;
    }
    Move m = conn.best(g, part, bw, v, lmax, true);
    if (m.target < 0) {
      heap.remove(v);
      continue;
    }
    if (m.gain < key - 1e-9) {
      heap.push_or_update(v, m.gain, 0);
      continue;
    }
    heap.remove(v);
    const int from = part[v];
    part[v] = m.target;
    bw[from] -= g.node_weight(v);
    bw[m.target] += g.node_weight(v);
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      const int64_t u = g.neighbor(a);
      if (!overloaded(part[u])) continue;
      Move mu = conn.best(g, part, bw, u, lmax, true);
      if (mu.target >= 0) heap.push_or_update(u, mu.gain, 0);
      else heap.remove(u);
    }
  }
}

RefineStats FmRefiner::refine(const graph::Graph& g, std::vector<int>& part, int k) const {
  check_partition(g, part, k);
  if (options_.tries <= 1) return refine_once(g, part, k, options_.seed);
  // Multi-try: independent runs from the same input with derived seeds; the lowest feasible cut wins
  // (ties: the earlier try).
  const std::vector<int> input = part;
  RefineStats best;
  for (int t = 0; t < options_.tries; ++t) {
    std::vector<int> p = input;
    RefineStats s = refine_once(g, p, k, t == 0 ? options_.seed : derive_seed(options_.seed, 0x7172 + t));
    const bool better = t == 0 || (s.feasible && !best.feasible) ||
                        (s.feasible == best.feasible && s.final_cut < best.final_cut - 1e-9);
    if (better) {
      const int64_t moves = best.moves + s.moves;
      best = s;
      best.moves = moves;
      part = std::move(p);
    } else {
      best.moves += s.moves;
    }
  }
  return best;
}

RefineStats FmRefiner::refine_once(const graph::Graph& g, std::vector<int>& part, int k, uint64_t seed) const {
  RefineStats stats;
  stats.initial_cut = edge_cut(g, part);
  const double lmax = max_block_weight(g, k, options_.imbalance);
  rebalance(g, part, k, lmax);
  Rng rng(derive_seed(seed, 0x4f4d));
  if (options_.vcycles == 0) {
    fm(g, part, k, lmax, rng, &stats.moves);
  } else {
    double cut = edge_cut(g, part);
    const double total = g.total_node_weight();
    // Cluster weight caps, alternated between cycles: a large cap coarsens deeply (global moves of
    // big clusters), a small one (the slack ε·W/k of a block) keeps coarse nodes movable under the
    // balance bound, which otherwise freezes most moves on the coarse levels.
    const double large_cap = std::max(2.0 * total / (static_cast<double>(k) * options_.coarsest_nodes_per_block), 1.0);
    const double small_cap = std::max(std::min(large_cap, options_.imbalance * total / k), 1.0);
    int failed = 0;
    for (int cycle = 0; cycle < options_.vcycles; ++cycle) {
      const double cap = cycle % 2 == 0 ? small_cap : large_cap;
      // Coarsen along the partition.
      std::vector<std::unique_ptr<CoarseLevel>> levels;
      std::vector<std::vector<int>> parts{part};
      const graph::Graph* cur = &g;
      while (cur->num_nodes() > static_cast<int64_t>(k) * options_.coarsest_nodes_per_block && levels.size() < 40) {
        auto level = std::make_unique<CoarseLevel>(coarsen_once(*cur, &parts.back(), cap, rng));
        if (level->graph.num_nodes() > 0.95 * cur->num_nodes()) break;
        std::vector<int> cp(level->graph.num_nodes());
        for (int64_t v = 0; v < cur->num_nodes(); ++v) cp[level->fine_to_coarse[v]] = parts.back()[v];
        parts.push_back(std::move(cp));
        cur = &level->graph;
        levels.push_back(std::move(level));
      }
      // Refine from the coarsest level up.
      for (size_t l = levels.size(); l > 0; --l) {
        fm(levels[l - 1]->graph, parts[l], k, lmax, rng, &stats.moves);
        const auto& map = levels[l - 1]->fine_to_coarse;
        for (size_t v = 0; v < map.size(); ++v) parts[l - 1][v] = parts[l][map[v]];
      }
      fm(g, parts[0], k, lmax, rng, &stats.moves);
      const double new_cut = edge_cut(g, parts[0]);
      const bool gained = new_cut < cut - 1e-9;
      if (new_cut <= cut) {
        part = std::move(parts[0]);
        cut = new_cut;
      }
      // Stop once vcycle_patience consecutive cycles (2 = both cap kinds) failed to improve the best cut.
      failed = gained ? 0 : failed + 1;
      if (failed >= options_.vcycle_patience && cycle > 1) break;
    }
  }
  stats.final_cut = edge_cut(g, part);
  auto bw = block_weights(g, part, k);
  stats.feasible = *std::max_element(bw.begin(), bw.end()) <= lmax + 1e-9;
  return stats;
}

}  // namespace tessera::partition
