#include "tessera/problems/affinity_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "tessera/core/error.h"

namespace tessera::cluster {

void AffinityOptions::validate(int64_t num_points) const {
  if (neighbors < 1) throw UsageError(fmt::format("--neighbors must be >= 1, got {}", neighbors));
  if (neighbors >= num_points)
    throw UsageError(fmt::format("--neighbors {} needs more than {} points", neighbors, num_points));
  if (scale_neighbor < 0 || scale_neighbor > neighbors)
    throw UsageError(fmt::format("--scale-neighbor must be in [0, neighbors={}], got {}", neighbors, scale_neighbor));
  if (kernel != "self-tuning" && kernel != "binary" && kernel != "fuzzy")
    throw UsageError(fmt::format("--kernel must be 'self-tuning', 'fuzzy' or 'binary', got '{}'", kernel));
  if (block < 1) throw UsageError("affinity block size must be >= 1");
}

namespace {

KnnResult knn_impl(const torch::Tensor& q_in, const torch::Tensor& r_in, int64_t k, int64_t block, bool self) {
  torch::NoGradGuard no_grad;
  auto q = q_in.to(torch::kFloat32).contiguous();
  auto r = r_in.to(torch::kFloat32).contiguous();
  const int64_t n = q.size(0), m = r.size(0);
  TORCH_CHECK(k >= 1 && k <= (self ? m - 1 : m), "knn: k must be in [1, n)");
  TORCH_CHECK(q.size(1) == r.size(1), "knn: query and reference dimensions differ");
  auto sq_q = q.pow(2).sum(1);
  auto sq_r = r.pow(2).sum(1);
  auto index = torch::empty({n, k}, torch::kInt64);
  auto dist = torch::empty({n, k}, torch::kFloat32);
  for (int64_t start = 0; start < n; start += block) {
    const int64_t stop = std::min(n, start + block);
    auto rows = q.slice(0, start, stop);
    auto d2 = (sq_q.slice(0, start, stop).unsqueeze(1) - 2.0 * rows.mm(r.t()) + sq_r.unsqueeze(0)).clamp_min_(0.0);
    if (self) {
      auto own = torch::arange(start, stop, torch::kInt64);
      d2.index_put_({torch::arange(0, stop - start, torch::kInt64), own}, std::numeric_limits<float>::infinity());
    }
    auto [vals, idx] = d2.topk(k, 1, /*largest=*/false, /*sorted=*/true);
    index.slice(0, start, stop).copy_(idx);
    dist.slice(0, start, stop).copy_(vals.sqrt());
  }
  return {index, dist};
}

}  // namespace

KnnResult knn(const torch::Tensor& x, int64_t k, int64_t block) { return knn_impl(x, x, k, block, true); }

KnnResult knn_query(const torch::Tensor& query, const torch::Tensor& reference, int64_t k, int64_t block) {
  return knn_impl(query, reference, k, block, false);
}

torch::Tensor local_scale(const torch::Tensor& distance_in, const AffinityOptions& options) {
  torch::NoGradGuard no_grad;
  auto distance = distance_in.to(torch::kFloat64);
  const int64_t k = distance.size(1);
  if (options.kernel == "fuzzy") {
    // Bisection on s_i (all points at once): Σ_j exp(−max(0, d_ij − ρ_i) / s_i) = log2(k), increasing in s.
    auto rho = distance.select(1, 0).unsqueeze(1);
    auto excess = (distance - rho).clamp_min(0.0);
    const double target = std::log2(static_cast<double>(std::max<int64_t>(k, 2)));
    const int64_t n = distance.size(0);
    auto lo = torch::zeros({n}, torch::kFloat64);
    auto hi = torch::full({n}, std::numeric_limits<double>::infinity(), torch::kFloat64);
    auto s = torch::ones({n}, torch::kFloat64);
    for (int it = 0; it < 64; ++it) {
      auto total = torch::exp(-excess / s.unsqueeze(1)).sum(1);
      auto too_big = total > target;
      hi = torch::where(too_big, s, hi);
      lo = torch::where(too_big, lo, s);
      s = torch::where(torch::isinf(hi), s * 2.0, 0.5 * (lo + hi));
    }
    // Points whose neighbours are all at distance ρ never reach the target: keep a small positive scale.
    const double mean_excess = excess.mean().item<double>();
    return s.clamp_min(mean_excess > 0 ? 1e-3 * mean_excess : 1e-3);
  }
  const int64_t sk = options.scale_neighbor > 0 ? std::min(options.scale_neighbor, k) : k;
  auto sigma = distance.select(1, sk - 1).clone();
  // Duplicate points have σ = 0: fall back to a fraction of the mean bandwidth (or 1) so weights stay finite.
  const double mean_sigma = sigma.mean().item<double>();
  return sigma.clamp_min(mean_sigma > 0 ? 1e-3 * mean_sigma : 1.0);
}

torch::Tensor directed_weights(const torch::Tensor& distance_in, const torch::Tensor& scale,
                               const torch::Tensor& neighbor_scale, const AffinityOptions& options) {
  torch::NoGradGuard no_grad;
  auto d = distance_in.to(torch::kFloat64);
  if (options.kernel == "binary") return torch::ones_like(d);
  if (options.kernel == "fuzzy") {
    auto rho = d.select(1, 0).unsqueeze(1);
    return torch::exp(-(d - rho).clamp_min(0.0) / scale.to(torch::kFloat64).unsqueeze(1));
  }
  return torch::exp(-d.pow(2) / (scale.to(torch::kFloat64).unsqueeze(1) * neighbor_scale.to(torch::kFloat64)));
}

graph::Graph build_affinity_graph(const torch::Tensor& x, const AffinityOptions& options) {
  const int64_t n = x.size(0);
  options.validate(n);
  const int64_t k = options.neighbors;
  auto nn = knn(x, k, options.block);
  auto scale = local_scale(nn.distance, options);
  auto v = directed_weights(nn.distance, scale, scale.index_select(0, nn.index.reshape(-1)).reshape({n, k}), options)
               .contiguous();
  auto idx = nn.index.accessor<int64_t, 2>();
  auto vw = v.accessor<double, 2>();

  struct Pair {
    double forward = 0;   ///< v_{max|min}: found from the smaller endpoint
    double backward = 0;  ///< v_{min|max}
    int count = 0;
  };
  std::unordered_map<uint64_t, Pair> pairs;
  pairs.reserve(static_cast<size_t>(n * k));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t a = 0; a < k; ++a) {
      const int64_t j = idx[i][a];
      const uint64_t key = static_cast<uint64_t>(std::min(i, j)) * static_cast<uint64_t>(n) +
                           static_cast<uint64_t>(std::max(i, j));
      auto& p = pairs[key];
      (i < j ? p.forward : p.backward) += vw[i][a];
      p.count += 1;
    }
  }
  // Sorted k-NN lists with the point itself, for the shared-nearest-neighbour overlap.
  std::vector<int64_t> lists;
  if (options.snn) {
    lists.resize(static_cast<size_t>(n * (k + 1)));
    for (int64_t i = 0; i < n; ++i) {
      auto* row = &lists[static_cast<size_t>(i * (k + 1))];
      row[0] = i;
      for (int64_t a = 0; a < k; ++a) row[a + 1] = idx[i][a];
      std::sort(row, row + k + 1);
    }
  }
  graph::GraphBuilder builder(n);
  // Insertion in key order keeps the graph independent of the hash map's iteration order.
  std::vector<std::pair<uint64_t, Pair>> sorted(pairs.begin(), pairs.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, p] : sorted) {
    if (options.mutual && p.count < 2) continue;
    const auto i = static_cast<int64_t>(key / n), j = static_cast<int64_t>(key % n);
    double w = options.kernel == "fuzzy" ? p.forward + p.backward - p.forward * p.backward : p.forward + p.backward;
    if (options.snn) {
      const auto* a = &lists[static_cast<size_t>(i * (k + 1))];
      const auto* b = &lists[static_cast<size_t>(j * (k + 1))];
      int64_t common = 0;
      for (int64_t x = 0, y = 0; x <= k && y <= k;) {
        if (a[x] == b[y]) {
          ++common, ++x, ++y;
        } else if (a[x] < b[y]) {
          ++x;
        } else {
          ++y;
        }
      }
      w *= static_cast<double>(common) / static_cast<double>(2 * (k + 1) - common);
    }
    builder.add_edge(i, j, std::max(w, 1e-12));
  }
  return builder.build();
}

}  // namespace tessera::cluster
