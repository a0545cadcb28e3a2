#include "tessera/problems/affinity_graph.h"

#include <fmt/format.h>

#include <cmath>
#include <unordered_map>

#include "tessera/core/error.h"

namespace tessera::cluster {

void AffinityOptions::validate(int64_t num_points) const {
  if (neighbors < 1) throw UsageError(fmt::format("--neighbors must be >= 1, got {}", neighbors));
  if (neighbors >= num_points)
    throw UsageError(fmt::format("--neighbors {} needs more than {} points", neighbors, num_points));
  if (scale_neighbor < 0 || scale_neighbor > neighbors)
    throw UsageError(fmt::format("--scale-neighbor must be in [0, neighbors={}], got {}", neighbors, scale_neighbor));
  if (kernel != "self-tuning" && kernel != "binary")
    throw UsageError(fmt::format("--kernel must be 'self-tuning' or 'binary', got '{}'", kernel));
  if (block < 1) throw UsageError("affinity block size must be >= 1");
}

KnnResult knn(const torch::Tensor& x_in, int64_t k, int64_t block) {
  torch::NoGradGuard no_grad;
  auto x = x_in.to(torch::kFloat32).contiguous();
  const int64_t n = x.size(0);
  TORCH_CHECK(k >= 1 && k < n, "knn: k must be in [1, n)");
  auto sq = x.pow(2).sum(1);
  auto index = torch::empty({n, k}, torch::kInt64);
  auto dist = torch::empty({n, k}, torch::kFloat32);
  for (int64_t start = 0; start < n; start += block) {
    const int64_t stop = std::min(n, start + block);
    auto rows = x.slice(0, start, stop);
    auto d2 = (sq.slice(0, start, stop).unsqueeze(1) - 2.0 * rows.mm(x.t()) + sq.unsqueeze(0)).clamp_min_(0.0);
    auto self = torch::arange(start, stop, torch::kInt64);
    d2.index_put_({torch::arange(0, stop - start, torch::kInt64), self}, std::numeric_limits<float>::infinity());
    auto [vals, idx] = d2.topk(k, 1, /*largest=*/false, /*sorted=*/true);
    index.slice(0, start, stop).copy_(idx);
    dist.slice(0, start, stop).copy_(vals.sqrt());
  }
  return {index, dist};
}

graph::Graph build_affinity_graph(const torch::Tensor& x, const AffinityOptions& options) {
  const int64_t n = x.size(0);
  options.validate(n);
  const int64_t k = options.neighbors;
  auto nn = knn(x, k, options.block);
  const int64_t sk = options.scale_neighbor > 0 ? options.scale_neighbor : k;
  auto sigma = nn.distance.select(1, sk - 1).to(torch::kFloat64);
  // Duplicate points have σ = 0: fall back to the mean bandwidth (or 1) so weights stay finite.
  const double mean_sigma = sigma.mean().item<double>();
  sigma = sigma.clamp_min(mean_sigma > 0 ? 1e-3 * mean_sigma : 1.0);
  auto idx = nn.index.accessor<int64_t, 2>();
  auto dist = nn.distance.accessor<float, 2>();
  auto sig = sigma.accessor<double, 1>();
  const bool binary = options.kernel == "binary";

  struct Pair {
    double weight = 0;
    int count = 0;
  };
  std::unordered_map<uint64_t, Pair> pairs;
  pairs.reserve(static_cast<size_t>(n * k));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t a = 0; a < k; ++a) {
      const int64_t j = idx[i][a];
      const double d = dist[i][a];
      const double w = binary ? 1.0 : std::exp(-d * d / (sig[i] * sig[j]));
      const uint64_t key = static_cast<uint64_t>(std::min(i, j)) * static_cast<uint64_t>(n) +
                           static_cast<uint64_t>(std::max(i, j));
      auto& p = pairs[key];
      p.weight += std::max(w, 1e-12);
      p.count += 1;
    }
  }
  graph::GraphBuilder builder(n);
  // Insertion in key order keeps the graph independent of the hash map's iteration order.
  std::vector<std::pair<uint64_t, Pair>> sorted(pairs.begin(), pairs.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, p] : sorted) {
    if (options.mutual && p.count < 2) continue;
    builder.add_edge(static_cast<int64_t>(key / n), static_cast<int64_t>(key % n), p.weight);
  }
  return builder.build();
}

}  // namespace tessera::cluster
