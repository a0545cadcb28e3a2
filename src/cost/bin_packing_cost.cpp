#include "tessera/cost/bin_packing_cost.h"

#include <algorithm>

namespace tessera::binpack {

double falkenauer_fitness(const BinPackingInstance& instance, const Packing& packing) {
  if (packing.loads.empty()) return 0.0;
  const double c = static_cast<double>(instance.capacity);
  double s = 0;
  for (int64_t l : packing.loads) s += (l / c) * (l / c);
  return s / static_cast<double>(packing.loads.size());
}

int64_t lower_bound_l1(const BinPackingInstance& instance) {
  const int64_t c = instance.capacity;
  return (instance.total_weight() + c - 1) / c;
}

int64_t lower_bound_l2(const BinPackingInstance& instance) {
  const int64_t c = instance.capacity;
  std::vector<int64_t> w = instance.weights;
  std::sort(w.begin(), w.end());
  std::vector<int64_t> ks{0};
  for (int64_t x : w)
    if (2 * x <= c && x != ks.back()) ks.push_back(x);
  int64_t best = 0;
  for (int64_t k : ks) {
    int64_t n1 = 0, n2 = 0, s2 = 0, s3 = 0;
    for (int64_t x : w) {
      if (x > c - k) {
        ++n1;
      } else if (2 * x > c) {
        ++n2;
        s2 += x;
      } else if (x >= k) {
        s3 += x;
      }
    }
    const int64_t excess = s3 - (n2 * c - s2);
    const int64_t extra = excess > 0 ? (excess + c - 1) / c : 0;
    best = std::max(best, n1 + n2 + extra);
  }
  return best;
}

bool proven_optimal(const BinPackingInstance& instance, int64_t bins) {
  return (instance.optimum && bins == *instance.optimum) || bins == lower_bound_l2(instance);
}

}  // namespace tessera::binpack
