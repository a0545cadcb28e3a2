#pragma once
// Simulated annealing over bin-packing assignments.
//
// Objective (maximised):  F = Σ_b (load_b / c)^2  — Falkenauer's fitness without the 1/N factor.
// For a fixed number of bins F grows when the loads become unequal, so the search fills some bins
// and drains others until a bin empties; the bin count never increases because no move opens a bin.
// Moves, all keeping every load <= c:
//   shift  one item to another bin           ΔF = 2w (L_b - L_a + w) / c²
//   swap   two items of different bins        ΔF = ((L_a-w_i+w_j)² + (L_b-w_j+w_i)² - L_a² - L_b²) / c²
//   pair   two random bins: the best exchange of up to two items each way (1-0, 1-1, 2-1, 2-2, ...)
//          by ΔF, accepted like any other move (Loh, Golden, Wasil's moves, annealed)
//   empty  a light bin (tournament of 3): its items, largest first, go best-fit into the other bins;
//          committed only when every item found room (the bin count drops by one).
// Phase 2 (the last overflow_share of the budget, or earlier once phase 1 has gone phase1_patience
// moves without removing a bin) looks for a packing with one bin fewer than the
// best one found, and repeats from every success. Two searches:
//  - pool (default; after Buljubasic and Vasquez's consistent neighbourhood search): the three
//    lightest bins are removed, leaving m - 2 bins that all respect the capacity and a pool of
//    unassigned items; a tabu search exchanges up to two items of a bin with up to two pool items,
//    taking the best non-tabu exchange by the weight it packs (even when negative), ties to the
//    exchange leaving more items in the pool; pool items that fit are packed best-fit after each
//    move. It succeeds when the pool splits into two bins (exact subset sums), and restarts with
//    three other light bins after 20·n iterations without a lighter pool.
//  - overflow: the lightest bin is removed, its items go to the least-loaded bins (overloading
//    them), and annealed shifts, swaps and pair exchanges minimise O = Σ_b max(0, L_b - c)/c; O = 0
//    is a feasible packing with one bin less.
// The returned packing is always the best feasible one found.
// A worse move is accepted with probability exp(ΔF / T); T falls geometrically from
// start_temperature to end_temperature over the budget (iterations, else wall-clock), repeated in
// `cycles` cooling cycles. The search stops early when it reaches the L2 lower bound.
// Because the bin count never increases, the result is never worse than the start and is feasible.
#include <cstdint>

#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

/// How phase 2 looks for a packing with one bin fewer than the best one found.
enum class Reduction {
  kPoolTabu,  ///< m bins within capacity + a pool of unassigned items, tabu search on bin/pool exchanges
  kOverflow,  ///< m bins, overloads allowed, annealed shifts/swaps minimise the total overflow
};

struct AnnealerOptions {
  double time_limit = 1.0;         ///< seconds; used when max_iterations == 0
  int64_t max_iterations = 0;      ///< > 0: a fixed, deterministic budget (the time limit still caps it)
  double start_temperature = 0.02; ///< in units of (load/c)²
  double end_temperature = 2e-4;
  int cycles = 1;                  ///< cooling cycles (reheats) within the budget
  double swap_probability = 0.4;   ///< share of swap moves (the rest: shifts)
  double pair_probability = 0.1;   ///< share of pair exchanges
  double empty_probability = 0.02; ///< share of bin-emptying moves
  double overflow_share = 0.9;     ///< share of the budget for phase 2 (one bin fewer than the best)
  Reduction reduction = Reduction::kPoolTabu;
  int64_t phase1_patience = 1000000; ///< phase 1 ends after this many moves without a bin fewer (0: never)
  double overflow_start_temperature = 0.05;  ///< in units of c
  double overflow_pair_probability = 0.2;   ///< share of pair exchanges in the overflow phase
  double overflow_end_temperature = 2e-4;
  int64_t target_bins = 0;         ///< stop when reached (0: the L2 lower bound)
  uint64_t seed = 1;
  void validate() const;
};

struct AnnealerResult {
  Packing packing;
  int64_t start_bins = 0;
  int64_t iterations = 0;
  int64_t accepted = 0;
  int64_t overflow_successes = 0;  ///< bins removed by the overflow phase
  double seconds = 0;
};

AnnealerResult anneal(const BinPackingInstance& instance, const Packing& start, const AnnealerOptions& options);

}  // namespace tessera::binpack
