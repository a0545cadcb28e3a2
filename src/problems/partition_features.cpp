#include "tessera/problems/partition_features.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/graph/graph_coarsener.h"

namespace tessera::partition {
namespace {

constexpr int64_t kCoarsest = 256;

std::vector<double> degrees(const graph::Graph& g) {
  std::vector<double> d(g.num_nodes());
  for (int64_t v = 0; v < g.num_nodes(); ++v) {
    d[v] = g.weighted_degree(v);
    if (d[v] <= 0) d[v] = 1.0;  // isolated node: unit mass, no neighbours
  }
  return d;
}

/// Y = A X for dense X [n, p] (row-major).
void adjacency_times(const graph::Graph& g, const double* x, double* y, int64_t p) {
  for (int64_t v = 0; v < g.num_nodes(); ++v) {
    double* yv = y + v * p;
    std::fill(yv, yv + p, 0.0);
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      const double w = g.edge_weight(a);
      const double* xu = x + g.neighbor(a) * p;
      for (int64_t j = 0; j < p; ++j) yv[j] += w * xu[j];
    }
  }
}

/// Rayleigh–Ritz for A f = μ D f on span(X): returns X·C with D-orthonormal columns, μ descending.
torch::Tensor rayleigh_ritz(const graph::Graph& g, const std::vector<double>& d, torch::Tensor x,
                            std::vector<double>* mu) {
  const int64_t n = x.size(0), p = x.size(1);
  auto dt = torch::from_blob(const_cast<double*>(d.data()), {n}, torch::kFloat64);
  auto ax = torch::empty_like(x);
  adjacency_times(g, x.data_ptr<double>(), ax.data_ptr<double>(), p);
  auto gram = torch::matmul(x.t(), x * dt.unsqueeze(1));
  auto h = torch::matmul(x.t(), ax);
  h = (h + h.t()) / 2;
  gram = (gram + gram.t()) / 2;
  auto [s, v] = torch::linalg::eigh(gram, "L");
  const double smax = s.max().item<double>();
  auto keep = s > smax * 1e-12;
  auto w = v.index({torch::indexing::Slice(), keep}) / s.index({keep}).sqrt().unsqueeze(0);
  auto m = torch::matmul(w.t(), torch::matmul(h, w));
  m = (m + m.t()) / 2;
  auto [e, z] = torch::linalg::eigh(m, "L");
  auto c = torch::matmul(w, z).flip(1);  // descending μ
  if (mu) {
    auto ef = e.flip(0).contiguous();
    mu->assign(ef.data_ptr<double>(), ef.data_ptr<double>() + ef.numel());
  }
  auto out = torch::matmul(x, c);
  if (out.size(1) < p) out = torch::cat({out, torch::zeros({n, p - out.size(1)}, out.options())}, 1);
  return out.contiguous();
}

/// Dense solve at the coarsest level: top p eigenvectors of D⁻¹A (generalized form).
torch::Tensor dense_solve(const graph::Graph& g, const std::vector<double>& d, int64_t p) {
  const int64_t n = g.num_nodes();
  auto a = torch::zeros({n, n}, torch::kFloat64);
  auto* pa = a.data_ptr<double>();
  for (int64_t v = 0; v < n; ++v)
    for (int64_t e = g.begin(v); e < g.end(v); ++e)
      pa[v * n + g.neighbor(e)] += g.edge_weight(e) / std::sqrt(d[v] * d[g.neighbor(e)]);
  auto [vals, vecs] = torch::linalg::eigh(a, "L");
  const int64_t take = std::min(p, n);
  auto top = vecs.index({torch::indexing::Slice(), torch::indexing::Slice(n - take, n)}).flip(1);
  auto dt = torch::tensor(d, torch::kFloat64);
  auto f = top / dt.sqrt().unsqueeze(1);
  if (take < p) f = torch::cat({f, torch::zeros({n, p - take}, f.options())}, 1);
  return f.contiguous();
}

void smooth(const graph::Graph& g, const std::vector<double>& d, torch::Tensor& x, const FeatureOptions& o,
            std::vector<double>* mu) {
  const int64_t n = x.size(0), p = x.size(1);
  auto tmp = torch::empty_like(x);
  for (int r = 0; r < o.smoothing_rounds; ++r) {
    for (int s = 0; s < o.smoothing_steps; ++s) {
      adjacency_times(g, x.data_ptr<double>(), tmp.data_ptr<double>(), p);
      double* px = x.data_ptr<double>();
      const double* pt = tmp.data_ptr<double>();
      for (int64_t v = 0; v < n; ++v)
        for (int64_t j = 0; j < p; ++j) px[v * p + j] = 0.5 * (px[v * p + j] + pt[v * p + j] / d[v]);
    }
    x = rayleigh_ritz(g, d, x, mu);
  }
}

}  // namespace

void FeatureOptions::validate() const {
  if (eigenvectors < 0 || eigenvectors > 32) throw UsageError("eigenvectors must be in 0..32");
  if (smoothing_rounds < 1 || smoothing_steps < 1) throw UsageError("smoothing rounds/steps must be >= 1");
}

std::string feature_set_id(const FeatureOptions& o) {
  return "partition-v1:logdeg,wdeg,nweight,spectral" + std::to_string(o.eigenvectors);
}

int64_t feature_count(const FeatureOptions& o) { return 3 + o.eigenvectors; }

torch::Tensor spectral_embedding(const graph::Graph& g, const FeatureOptions& o, std::vector<double>* eigenvalues) {
  o.validate();
  const int64_t n = g.num_nodes();
  const int64_t p = o.eigenvectors + 1;  // + the trivial constant vector, dropped at the end
  if (o.eigenvectors == 0 || n == 0) return torch::zeros({n, o.eigenvectors}, torch::kFloat64);
  // Hierarchy.
  Rng rng(derive_seed(o.seed, 0x5bec));
  std::vector<std::unique_ptr<CoarseLevel>> levels;
  const graph::Graph* cur = &g;
  const double cap = std::max(4.0 * g.total_node_weight() / kCoarsest, 1.0);
  while (cur->num_nodes() > kCoarsest && levels.size() < 50) {
    auto level = std::make_unique<CoarseLevel>(coarsen_once(*cur, nullptr, cap, rng));
    if (level->graph.num_nodes() > 0.97 * cur->num_nodes()) break;
    cur = &level->graph;
    levels.push_back(std::move(level));
  }
  std::vector<double> mu;
  torch::Tensor x;
  if (cur->num_nodes() <= 2048) {
    x = dense_solve(*cur, degrees(*cur), p);
  } else {  // coarsening stalled (e.g. star-like graphs): start from seeded random vectors
    x = torch::empty({cur->num_nodes(), p}, torch::kFloat64);
    std::normal_distribution<double> normal;
    for (int64_t i = 0; i < x.numel(); ++i) x.data_ptr<double>()[i] = normal(rng);
    smooth(*cur, degrees(*cur), x, o, &mu);
  }
  for (size_t l = levels.size(); l > 0; --l) {
    const auto& map = levels[l - 1]->fine_to_coarse;
    const graph::Graph& fine = (l == 1) ? g : levels[l - 2]->graph;
    auto fx = x.index_select(0, torch::tensor(map, torch::kInt64)).contiguous();
    x = fx;
    smooth(fine, degrees(fine), x, o, &mu);
  }
  if (levels.empty() && mu.empty()) smooth(g, degrees(g), x, o, &mu);
  // Drop the trivial vector (largest μ = 1), normalize scale and sign.
  auto f = x.index({torch::indexing::Slice(), torch::indexing::Slice(1, p)}).clone();
  auto rms = f.pow(2).mean(0).sqrt().clamp_min(1e-12);
  f = f / rms;
  auto skew = f.pow(3).sum(0);
  f = f * torch::where(skew < 0, -torch::ones_like(skew), torch::ones_like(skew));
  if (eigenvalues) {
    eigenvalues->clear();
    for (int64_t j = 1; j < p && j < static_cast<int64_t>(mu.size()); ++j) eigenvalues->push_back(mu[j]);
  }
  return f.contiguous();
}

torch::Tensor partition_features(const graph::Graph& g, const FeatureOptions& o) {
  const int64_t n = g.num_nodes();
  auto base = torch::empty({n, 3}, torch::kFloat64);
  auto* pb = base.data_ptr<double>();
  double mean_logdeg = 0, mean_wdeg = 0, mean_w = 0;
  for (int64_t v = 0; v < n; ++v) {
    mean_logdeg += std::log1p(static_cast<double>(g.degree(v)));
    mean_wdeg += g.weighted_degree(v);
    mean_w += g.node_weight(v);
  }
  if (n > 0) {
    mean_logdeg /= n;
    mean_wdeg /= n;
    mean_w /= n;
  }
  for (int64_t v = 0; v < n; ++v) {
    pb[v * 3 + 0] = std::log1p(static_cast<double>(g.degree(v))) - mean_logdeg;
    pb[v * 3 + 1] = mean_wdeg > 0 ? g.weighted_degree(v) / mean_wdeg : 0.0;
    pb[v * 3 + 2] = mean_w > 0 ? g.node_weight(v) / mean_w : 0.0;
  }
  auto spectral = spectral_embedding(g, o);
  return torch::cat({base, spectral}, 1).to(torch::kFloat32).contiguous();
}

}  // namespace tessera::partition
