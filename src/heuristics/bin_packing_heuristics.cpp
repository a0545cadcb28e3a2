#include "tessera/heuristics/bin_packing_heuristics.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "tessera/core/error.h"

namespace tessera::binpack {
namespace {

/// Max-segment tree over bin residuals (bins opened lazily, n slots at most): finds the lowest
/// index whose residual is >= w in O(log n).
class ResidualTree {
 public:
  ResidualTree(int64_t n, int64_t capacity) : size_(1) {
    while (size_ < n) size_ *= 2;
    tree_.assign(2 * size_, capacity);  // unopened bins have the full capacity
  }
  int64_t first_fit(int64_t w) const {
    if (tree_[1] < w) return -1;
    int64_t node = 1;
    while (node < size_) node = tree_[2 * node] >= w ? 2 * node : 2 * node + 1;
    return node - size_;
  }
  void set(int64_t i, int64_t residual) {
    int64_t node = i + size_;
    tree_[node] = residual;
    for (node /= 2; node >= 1; node /= 2) tree_[node] = std::max(tree_[2 * node], tree_[2 * node + 1]);
  }

 private:
  int64_t size_;
  std::vector<int64_t> tree_;
};

}  // namespace

std::vector<int32_t> decreasing_order(const BinPackingInstance& instance) {
  std::vector<int32_t> order(instance.weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return instance.weights[a] > instance.weights[b]; });
  return order;
}

Packing first_fit(const BinPackingInstance& instance, const std::vector<int32_t>& order) {
  const int64_t n = instance.size();
  ResidualTree tree(std::max<int64_t>(n, 1), instance.capacity);
  Packing p;
  p.bin_of.assign(n, -1);
  for (int32_t j : order) {
    const int64_t w = instance.weights[j];
    int64_t b = tree.first_fit(w);
    if (b < 0) throw Error("first_fit: item larger than the capacity");
    if (b == p.bins()) p.loads.push_back(0);
    p.loads[b] += w;
    p.bin_of[j] = static_cast<int32_t>(b);
    tree.set(b, instance.capacity - p.loads[b]);
  }
  return p;
}

Packing best_fit(const BinPackingInstance& instance, const std::vector<int32_t>& order) {
  Packing p;
  p.bin_of.assign(instance.size(), -1);
  std::set<std::pair<int64_t, int32_t>> open;  // (residual, bin)
  for (int32_t j : order) {
    const int64_t w = instance.weights[j];
    auto it = open.lower_bound({w, -1});
    int32_t b;
    if (it == open.end()) {
      b = static_cast<int32_t>(p.loads.size());
      p.loads.push_back(0);
    } else {
      b = it->second;
      open.erase(it);
    }
    p.loads[b] += w;
    p.bin_of[j] = b;
    open.insert({instance.capacity - p.loads[b], b});
  }
  return p;
}

static std::vector<int32_t> identity_order(const BinPackingInstance& instance) {
  std::vector<int32_t> order(instance.weights.size());
  std::iota(order.begin(), order.end(), 0);
  return order;
}

Packing first_fit(const BinPackingInstance& instance) { return first_fit(instance, identity_order(instance)); }
Packing best_fit(const BinPackingInstance& instance) { return best_fit(instance, identity_order(instance)); }
Packing first_fit_decreasing(const BinPackingInstance& instance) {
  return first_fit(instance, decreasing_order(instance));
}
Packing best_fit_decreasing(const BinPackingInstance& instance) {
  return best_fit(instance, decreasing_order(instance));
}

Packing random_first_fit(const BinPackingInstance& instance, Rng& rng) {
  auto order = identity_order(instance);
  std::shuffle(order.begin(), order.end(), rng);
  return first_fit(instance, order);
}

Packing run_constructive(const std::string& name, const BinPackingInstance& instance) {
  if (name == "ff") return first_fit(instance);
  if (name == "bf") return best_fit(instance);
  if (name == "ffd") return first_fit_decreasing(instance);
  if (name == "bfd") return best_fit_decreasing(instance);
  throw UsageError("unknown constructive heuristic '" + name + "' (expected ff, bf, ffd or bfd)");
}

}  // namespace tessera::binpack
