#pragma once
// Objectives and bounds of one-dimensional bin packing.
#include <cstdint>

#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

/// Falkenauer's fitness  f = (1/N) Σ_b (load_b / c)^2  over the N used bins: 1 when every bin is
/// full, and for a fixed N larger when the loads are unequal (some bins full, some nearly empty),
/// which is what lets local search drive a bin to empty.
double falkenauer_fitness(const BinPackingInstance& instance, const Packing& packing);

/// L1 = ceil(Σ w_j / c).
int64_t lower_bound_l1(const BinPackingInstance& instance);

/// Martello–Toth L2 = max over 0 <= K <= c/2 of
///   |J1| + |J2| + max(0, ceil((Σ_{J3} w - (|J2| c - Σ_{J2} w)) / c)),
/// J1 = {w > c-K}, J2 = {c/2 < w <= c-K}, J3 = {K <= w <= c/2}. Every K equal to an item weight
/// (<= c/2) and K = 0 is tried (the maximum is attained at one of them); O(n log n).
int64_t lower_bound_l2(const BinPackingInstance& instance);

/// Whether a packing into `bins` bins is optimal for certain: it equals the instance's proven optimum (when
/// known) or the L2 lower bound, below which no packing can go.
bool proven_optimal(const BinPackingInstance& instance, int64_t bins);

}  // namespace tessera::binpack
