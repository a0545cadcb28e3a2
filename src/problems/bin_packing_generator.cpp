#include "tessera/problems/bin_packing_generator.h"

#include <fmt/format.h>

#include <algorithm>

#include "tessera/core/error.h"

namespace tessera::binpack {
namespace {

int64_t uniform_in(Rng& rng, int64_t lo, int64_t hi) { return lo + uniform_int(rng, hi - lo + 1); }

}  // namespace

const std::vector<std::string>& generator_families() {
  static const std::vector<std::string> families{"uniform", "triplet", "scholl", "hard28", "mixed"};
  return families;
}

BinPackingInstance generate_instance(const std::string& family_in, int64_t n, Rng& rng) {
  if (n < 1) throw UsageError("generate_instance: n must be >= 1");
  std::string family = family_in;
  if (family == "mixed") family = generator_families()[uniform_int(rng, 4)];
  BinPackingInstance inst;
  inst.name = fmt::format("{}_{}", family, n);
  if (family == "uniform") {
    inst.capacity = 150;
    for (int64_t j = 0; j < n; ++j) inst.weights.push_back(uniform_in(rng, 20, 100));
  } else if (family == "triplet") {
    inst.capacity = 1000;
    const int64_t triplets = std::max<int64_t>(1, n / 3);
    for (int64_t t = 0; t < triplets; ++t) {
      int64_t w1 = uniform_in(rng, 380, 490);
      int64_t w2 = uniform_in(rng, 250, (inst.capacity - w1) / 2);
      int64_t w3 = inst.capacity - w1 - w2;
      inst.weights.insert(inst.weights.end(), {w1, w2, w3});
    }
    std::shuffle(inst.weights.begin(), inst.weights.end(), rng);
  } else if (family == "scholl") {
    if (uniform01(rng) < 0.5) {
      static const int64_t caps[] = {100, 120, 150}, los[] = {1, 20, 30};
      inst.capacity = caps[uniform_int(rng, 3)];
      const int64_t lo = los[uniform_int(rng, 3)];
      for (int64_t j = 0; j < n; ++j) inst.weights.push_back(uniform_in(rng, lo, 100));
    } else {
      static const int64_t ks[] = {3, 5, 7, 9}, spreads[] = {20, 50, 90};
      inst.capacity = 1000;
      const int64_t mean = inst.capacity / ks[uniform_int(rng, 4)];
      const int64_t spread = mean * spreads[uniform_int(rng, 3)] / 100;
      for (int64_t j = 0; j < n; ++j)
        inst.weights.push_back(std::max<int64_t>(1, uniform_in(rng, mean - spread, mean + spread)));
    }
  } else if (family == "hard28") {
    inst.capacity = 1000;
    for (int64_t j = 0; j < n; ++j)
      inst.weights.push_back((uniform_in(rng, 1, 800) + uniform_in(rng, 1, 800)) / 2);
  } else {
    throw UsageError(fmt::format("unknown instance family '{}' (expected uniform, triplet, scholl, hard28 or mixed)",
                                 family_in));
  }
  return inst;
}

}  // namespace tessera::binpack
