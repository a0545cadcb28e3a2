#include "tessera/heuristics/nystrom_extension.h"

#include <cmath>

#include "tessera/core/error.h"
#include "tessera/graph/graph_tensors.h"

namespace tessera::cluster {

NystromExtension::NystromExtension(torch::Tensor reference, torch::Tensor reference_scale, torch::Tensor coefficients,
                                   AffinityOptions options)
    : reference_(reference.to(torch::kFloat32).contiguous()),
      reference_scale_(reference_scale.to(torch::kFloat64).contiguous()),
      coefficients_(coefficients.to(torch::kFloat64).contiguous()),
      options_(std::move(options)) {
  TORCH_CHECK(reference_.dim() == 2 && reference_scale_.dim() == 1 && coefficients_.dim() == 2 &&
                  reference_scale_.size(0) == reference_.size(0) && coefficients_.size(0) == reference_.size(0),
              "NystromExtension: reference [n, p], scale [n] and coefficients [n, m] expected");
  options_.validate(reference_.size(0));
}

NystromExtension NystromExtension::fit(const torch::Tensor& z, const graph::Graph& g,
                                       const SpectralEmbedding& embedding, const AffinityOptions& options) {
  torch::NoGradGuard no_grad;
  const int64_t n = z.size(0);
  TORCH_CHECK(g.num_nodes() == n && embedding.vectors.size(0) == n,
              "NystromExtension::fit: points, graph and embedding sizes differ");
  options.validate(n);
  auto nn = knn(z, options.neighbors, options.block);
  auto scale = local_scale(nn.distance, options);
  auto degree = graph::weighted_degree_tensor(g).to(torch::kFloat64);
  auto inv_sqrt = torch::where(degree > 0, degree.rsqrt(), torch::zeros_like(degree));
  // Eigenvalues near 0 (or negative) would blow the extension up: they carry no cluster structure.
  auto inv_lambda = 1.0 / embedding.values.to(torch::kFloat64).clamp_min(1e-3);
  auto coefficients = embedding.vectors.to(torch::kFloat64) * inv_lambda.unsqueeze(0) * inv_sqrt.unsqueeze(1);
  return NystromExtension(z, scale, coefficients, options);
}

torch::Tensor NystromExtension::combine(const KnnResult& nn, int64_t neighbors) const {
  const int64_t q = nn.index.size(0);
  auto scale = local_scale(nn.distance, options_);
  auto flat = nn.index.reshape(-1);
  auto w = directed_weights(nn.distance, scale, reference_scale_.index_select(0, flat).reshape({q, neighbors}),
                            options_);
  auto c = coefficients_.index_select(0, flat).reshape({q, neighbors, dim()});
  auto e = (w.unsqueeze(2) * c).sum(1);
  auto norms = e.norm(2, 1, /*keepdim=*/true);
  e = torch::where(norms > 1e-12, e / norms.clamp_min(1e-12), e) * std::sqrt(static_cast<double>(dim()));
  return e.to(torch::kFloat32).contiguous();
}

torch::Tensor NystromExtension::apply(const torch::Tensor& z) const {
  torch::NoGradGuard no_grad;
  if (!defined()) throw Error("NystromExtension: not fitted");
  if (z.dim() != 2 || z.size(1) != reference_.size(1))
    throw UsageError("NystromExtension: query points have the wrong dimension");
  const int64_t k = options_.neighbors;
  return combine(knn_query(z, reference_, k, options_.block), k);
}

torch::Tensor NystromExtension::apply_reference() const {
  torch::NoGradGuard no_grad;
  if (!defined()) throw Error("NystromExtension: not fitted");
  const int64_t k = options_.neighbors;
  return combine(knn(reference_, k, options_.block), k);
}

}  // namespace tessera::cluster
