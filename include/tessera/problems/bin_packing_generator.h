#pragma once
// Random instances drawn from the distributions of the benchmark families, for training the
// learned packer:
//   uniform  Falkenauer U:  c = 150, w ~ U[20, 100]
//   triplet  Falkenauer T:  c = 1000, n/3 triplets that fill a bin exactly: w1 ~ U[380, 490],
//            w2 ~ U[250, (c - w1)/2], w3 = c - w1 - w2 (Falkenauer 1996); items shuffled
//   scholl   Scholl 1 / 2:  c in {100, 120, 150} with w ~ U[lo, 100], lo in {1, 20, 30};
//            or c = 1000 with mean c/k (k in {3,5,7,9}) and spread ±{20,50,90}%
//   hard28   Schoenfield-like: c = 1000, w ~ U[1, 800] skewed to the middle (mean of two draws)
//   mixed    one of the four, uniformly
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/random.h"
#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

/// The family names accepted by generate_instance.
const std::vector<std::string>& generator_families();

/// n items (rounded down to a multiple of 3 for triplets, at least 3). Throws UsageError on an
/// unknown family or n < 1.
BinPackingInstance generate_instance(const std::string& family, int64_t n, Rng& rng);

}  // namespace tessera::binpack
