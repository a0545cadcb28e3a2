#pragma once
// Classical online and offline bin-packing heuristics.
//  first fit (FF): each item, in the given order, goes to the lowest-numbered bin it fits in;
//  best fit (BF):  ... to the fitting bin with the least residual capacity (ties: lowest number);
//  FFD / BFD:      FF / BF with the items sorted by non-increasing weight (stable sort).
// FF runs in O(n log n) with a segment tree over bin residuals; BF in O(n log n) with an ordered set.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/random.h"
#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

Packing first_fit(const BinPackingInstance& instance, const std::vector<int32_t>& order);
Packing best_fit(const BinPackingInstance& instance, const std::vector<int32_t>& order);
Packing first_fit(const BinPackingInstance& instance);  ///< items in file order
Packing best_fit(const BinPackingInstance& instance);
Packing first_fit_decreasing(const BinPackingInstance& instance);
Packing best_fit_decreasing(const BinPackingInstance& instance);
/// First fit over a random permutation of the items: the "random" start of SA.
Packing random_first_fit(const BinPackingInstance& instance, Rng& rng);

/// Item indices sorted by non-increasing weight (stable).
std::vector<int32_t> decreasing_order(const BinPackingInstance& instance);

/// Heuristic by name: "ff", "bf", "ffd", "bfd". Throws UsageError for other names.
Packing run_constructive(const std::string& name, const BinPackingInstance& instance);

}  // namespace tessera::binpack
