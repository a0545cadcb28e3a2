// Hand-written bin-packing instances for the binpack tests.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

/// An instance named "hand" with the given capacity and item weights.
inline BinPackingInstance make_instance(int64_t capacity, std::vector<int64_t> weights) {
  BinPackingInstance inst;
  inst.name = "hand";
  inst.capacity = capacity;
  inst.weights = std::move(weights);
  return inst;
}

}  // namespace tessera::binpack
