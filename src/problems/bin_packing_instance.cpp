#include "tessera/problems/bin_packing_instance.h"

#include <fmt/format.h>

#include <numeric>

#include "tessera/core/error.h"

namespace tessera::binpack {

int64_t BinPackingInstance::total_weight() const {
  return std::accumulate(weights.begin(), weights.end(), int64_t{0});
}

void BinPackingInstance::validate() const {
  const std::string src = source.empty() ? name : source;
  if (capacity <= 0) throw InputError(src, 0, fmt::format("capacity must be a positive integer, got {}", capacity));
  if (weights.empty()) throw InputError(src, 0, "empty instance: expected at least one item");
  for (size_t j = 0; j < weights.size(); ++j) {
    if (weights[j] <= 0)
      throw InputError(src, 0, fmt::format("item {}: weight must be positive, got {}", j + 1, weights[j]));
    if (weights[j] > capacity)
      throw InputError(src, 0, fmt::format("item {}: weight {} is larger than the capacity {}", j + 1,
                                           weights[j], capacity));
  }
}

Packing packing_from_assignment(const BinPackingInstance& instance, const std::vector<int32_t>& bin_of) {
  if (bin_of.size() != instance.weights.size())
    throw Error(fmt::format("assignment has {} entries for {} items", bin_of.size(), instance.weights.size()));
  std::vector<int32_t> remap;
  Packing p;
  p.bin_of.resize(bin_of.size());
  for (size_t j = 0; j < bin_of.size(); ++j) {
    int32_t b = bin_of[j];
    if (b < 0) throw Error(fmt::format("item {} has no bin", j));
    if (static_cast<size_t>(b) >= remap.size()) remap.resize(b + 1, -1);
    if (remap[b] < 0) {
      remap[b] = static_cast<int32_t>(p.loads.size());
      p.loads.push_back(0);
    }
    p.bin_of[j] = remap[b];
    p.loads[remap[b]] += instance.weights[j];
  }
  return p;
}

void compact_packing(Packing& packing) {
  std::vector<int32_t> remap(packing.loads.size(), -1);
  std::vector<int64_t> loads;
  for (size_t b = 0; b < packing.loads.size(); ++b) {
    if (packing.loads[b] > 0) {
      remap[b] = static_cast<int32_t>(loads.size());
      loads.push_back(packing.loads[b]);
    }
  }
  for (auto& b : packing.bin_of) b = remap[b];
  packing.loads = std::move(loads);
}

std::string check_packing(const BinPackingInstance& instance, const Packing& packing) {
  if (packing.bin_of.size() != instance.weights.size())
    return fmt::format("{} items assigned, instance has {}", packing.bin_of.size(), instance.weights.size());
  std::vector<int64_t> load(packing.loads.size(), 0);
  for (size_t j = 0; j < packing.bin_of.size(); ++j) {
    int32_t b = packing.bin_of[j];
    if (b < 0 || static_cast<size_t>(b) >= load.size()) return fmt::format("item {} in bin {} out of range", j, b);
    load[b] += instance.weights[j];
  }
  for (size_t b = 0; b < load.size(); ++b) {
    if (load[b] != packing.loads[b])
      return fmt::format("bin {}: stored load {} but items weigh {}", b, packing.loads[b], load[b]);
    if (load[b] > instance.capacity)
      return fmt::format("bin {}: load {} exceeds capacity {}", b, load[b], instance.capacity);
    if (load[b] == 0) return fmt::format("bin {} is empty", b);
  }
  return "";
}

}  // namespace tessera::binpack
