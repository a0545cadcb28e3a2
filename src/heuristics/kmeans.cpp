#include "tessera/heuristics/kmeans.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/problems/cluster_dataset.h"

namespace tessera::cluster {
namespace {

// Squared distances [n, c] from rows of x to rows of c (clamped at 0).
torch::Tensor sq_distances(const torch::Tensor& x, const torch::Tensor& x_sq, const torch::Tensor& c) {
  return (x_sq.unsqueeze(1) - 2.0 * x.mm(c.t()) + c.pow(2).sum(1).unsqueeze(0)).clamp_min_(0.0);
}

// Index drawn with probability proportional to weights (all >= 0); uniform when they sum to 0.
int64_t sample_weighted(const std::vector<double>& cumulative, Rng& rng) {
  const double total = cumulative.back();
  if (!(total > 0)) return uniform_int(rng, static_cast<int64_t>(cumulative.size()));
  const double r = uniform01(rng) * total;
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), r);
  return std::min<int64_t>(it - cumulative.begin(), static_cast<int64_t>(cumulative.size()) - 1);
}

torch::Tensor kmeanspp_seed(const torch::Tensor& x, const torch::Tensor& x_sq, int64_t k, Rng& rng) {
  const int64_t n = x.size(0);
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<int64_t> chosen{uniform_int(rng, n)};
  auto closest = sq_distances(x, x_sq, x.index_select(0, torch::tensor(chosen))).squeeze(1);  // [n]
  std::vector<double> cumulative(n);
  for (int64_t c = 1; c < k; ++c) {
    auto cl = closest.to(torch::kFloat64).contiguous();
    const double* p = cl.data_ptr<double>();
    double acc = 0;
    for (int64_t i = 0; i < n; ++i) cumulative[i] = (acc += p[i]);
    std::vector<int64_t> candidates;
    for (int t = 0; t < trials; ++t) candidates.push_back(sample_weighted(cumulative, rng));
    auto cand_d = sq_distances(x, x_sq, x.index_select(0, torch::tensor(candidates)));  // [n, trials]
    auto new_closest = torch::minimum(cand_d, closest.unsqueeze(1));                     // [n, trials]
    auto pot = new_closest.to(torch::kFloat64).sum(0);
    const int64_t best = pot.argmin().item<int64_t>();
    chosen.push_back(candidates[best]);
    closest = new_closest.select(1, best).contiguous();
  }
  return x.index_select(0, torch::tensor(chosen)).clone();
}

}  // namespace

void KMeansOptions::validate(int64_t num_points) const {
  validate_cluster_count(k, num_points, "the data");
  if (restarts < 1) throw UsageError(fmt::format("k-means restarts must be >= 1, got {}", restarts));
  if (max_iter < 1) throw UsageError(fmt::format("k-means max_iter must be >= 1, got {}", max_iter));
  if (!(tol >= 0)) throw UsageError("k-means tol must be >= 0");
}

std::vector<int64_t> nearest_center(const torch::Tensor& x_in, const torch::Tensor& centers) {
  torch::NoGradGuard no_grad;
  auto x = x_in.to(torch::kFloat32).contiguous();
  auto lab = sq_distances(x, x.pow(2).sum(1), centers.to(torch::kFloat32)).argmin(1).contiguous();
  return std::vector<int64_t>(lab.data_ptr<int64_t>(), lab.data_ptr<int64_t>() + lab.numel());
}

KMeansResult kmeans(const torch::Tensor& x_in, const KMeansOptions& options) {
  torch::NoGradGuard no_grad;
  auto x = x_in.to(torch::kFloat32).contiguous();
  const int64_t n = x.size(0), d = x.size(1), k = options.k;
  options.validate(n);
  auto x_sq = x.pow(2).sum(1);
  const double tol = options.tol * x.var(0, /*unbiased=*/false).mean().item<double>();
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int run = 0; run < options.restarts; ++run) {
    Rng rng(derive_seed(options.seed, static_cast<uint64_t>(run)));
    auto centers = kmeanspp_seed(x, x_sq, k, rng);
    torch::Tensor labels, dist;
    int it = 0;
    for (; it < options.max_iter; ++it) {
      auto d2 = sq_distances(x, x_sq, centers);
      std::tie(dist, labels) = d2.min(1);
      auto sums = torch::zeros({k, d}, torch::kFloat32).index_add_(0, labels, x);
      auto counts = torch::zeros({k}, torch::kFloat32).index_add_(0, labels, torch::ones({n}, torch::kFloat32));
      auto next = sums / counts.clamp_min(1).unsqueeze(1);
      // Empty clusters take the points farthest from their centres (deterministic).
      auto empty = (counts == 0).nonzero().flatten();
      if (empty.numel() > 0) {
        auto far = std::get<1>(dist.topk(empty.numel()));
        next.index_copy_(0, empty, x.index_select(0, far));
      }
      const double shift = (next - centers).pow(2).sum().item<double>();
      centers = next;
      if (shift <= tol) {
        ++it;
        break;
      }
    }
    auto d2 = sq_distances(x, x_sq, centers);
    std::tie(dist, labels) = d2.min(1);
    const double inertia = dist.to(torch::kFloat64).sum().item<double>();
    if (inertia < best.inertia) {
      best.inertia = inertia;
      best.centers = centers;
      best.iterations = it;
      auto lab = labels.contiguous();
      best.labels.assign(lab.data_ptr<int64_t>(), lab.data_ptr<int64_t>() + n);
    }
  }
  return best;
}

}  // namespace tessera::cluster
