#pragma once
// k-way refinement of a partition: boundary Fiduccia–Mattheyses with rollback, a rebalancing step
// that enforces the block-weight bound, and multilevel V-cycles around both.
//
// Balance: every block ends with weight ≤ L_max = max_block_weight(g, k, ε) (see partition_metrics.h:
// (1+ε)·W/k, floored for integer weights, never below ⌈W/k⌉). Rebalancing is guaranteed to reach it
// for unit node weights (any L_max ≥ ⌈n/k⌉ is feasible by single moves) and, in general, whenever
// L_max ≥ W/k + max node weight; otherwise it does its best and refine() reports feasible = false.
//
// FM pass (k-way, global priority queue): every boundary node sits in an addressable max-heap keyed by
// the gain of its best feasible move (gain = w(v, target block) − w(v, own block), target block with
// room for v). The best node is moved and locked, its neighbours' gains are updated, and after
// `fm_max_negative_moves` moves without a new best cut the pass stops and rolls back to the best
// prefix. Passes repeat until one gains nothing.
//
// V-cycle (Walshaw; Sanders & Schulz, KaFFPa): the graph is coarsened by heavy-edge matchings that
// only join nodes of the same block, so the current partition is exact on every level; FM then runs
// from the coarsest level up, each level moving whole clusters. Repeated V-cycles with new seeds keep
// the best cut. Refining a GAP partition this way keeps what GAP found and sharpens it.
//
// Multi-try: refine() repeats the whole rebalance + V-cycle run `tries` times from the same input with
// derived seeds (try 0 uses `seed` itself) and keeps the lowest feasible cut.
#include <cstdint>
#include <vector>

#include "tessera/core/random.h"
#include "tessera/graph/graph.h"

namespace tessera::partition {

struct RefinerOptions {
  double imbalance = 0.03;          ///< ε of the block-weight bound
  int fm_passes = 8;                ///< max FM passes per level
  int fm_max_negative_moves = 300;  ///< pass stops after this many moves without a new best cut
  int vcycles = 12;                 ///< max multilevel V-cycles, alternating cluster caps (0 = flat FM only);
                                    ///< stops after vcycle_patience consecutive cycles without gain
  int vcycle_patience = 2;          ///< stop after this many consecutive V-cycles without gain
  int tries = 8;                    ///< independent refinement runs (own seeds) from the input; best kept
  int coarsest_nodes_per_block = 30;///< coarsening stops below k · this many nodes
  uint64_t seed = 1;
  void validate() const;
};

struct RefineStats {
  double initial_cut = 0;
  double final_cut = 0;
  int64_t moves = 0;
  bool feasible = true;  ///< max block weight ≤ L_max at the end
};

class FmRefiner {
 public:
  explicit FmRefiner(RefinerOptions options);
  const RefinerOptions& options() const { return options_; }

  /// Rebalances, then runs V-cycles (or flat FM when vcycles = 0), `tries` times from the same input with
  /// different seeds, keeping the best. part is changed in place.
  RefineStats refine(const graph::Graph& g, std::vector<int>& part, int k) const;

  /// One FM run (passes until no gain) with block bound lmax; returns the cut reduction. Expects
  /// part to respect lmax already (moves never break it).
  double fm(const graph::Graph& g, std::vector<int>& part, int k, double lmax, Rng& rng,
            int64_t* moves = nullptr) const;

  /// Moves nodes out of blocks heavier than lmax (cheapest cut increase first); true when every block
  /// ends ≤ lmax.
  bool rebalance(const graph::Graph& g, std::vector<int>& part, int k, double lmax) const;

 private:
  /// One rebalance + V-cycle run with its own seed.
  RefineStats refine_once(const graph::Graph& g, std::vector<int>& part, int k, uint64_t seed) const;
  RefinerOptions options_;
};

}  // namespace tessera::partition
