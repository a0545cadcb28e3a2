#include "tessera/problems/feature_transform.h"

#include <cmath>

#include "tessera/core/error.h"

namespace tessera::cluster {

FeatureTransform::FeatureTransform(torch::Tensor mean, torch::Tensor projection)
    : mean_(std::move(mean)), projection_(std::move(projection)) {
  TORCH_CHECK(mean_.dim() == 1 && projection_.dim() == 2 && projection_.size(0) == mean_.size(0),
              "FeatureTransform: mean [d] and projection [d, p] expected");
}

FeatureTransform FeatureTransform::fit(const torch::Tensor& x_in, const FeatureTransformOptions& options) {
  if (options.pca_dims < 0) throw UsageError("--pca-dims must be >= 0");
  auto x = x_in.to(torch::kFloat64);
  const int64_t n = x.size(0), d = x.size(1);
  auto mean = x.mean(0);
  auto xc = x - mean;
  torch::Tensor projection;
  if (options.pca_dims > 0 && options.pca_dims < d) {
    // Covariance eigenvectors (LAPACK syevd through torch::linalg_eigh), largest first.
    auto cov = xc.t().mm(xc) / std::max<int64_t>(n - 1, 1);
    auto [evals, evecs] = torch::linalg_eigh(cov);
    auto top = evecs.flip({1}).slice(1, 0, options.pca_dims);
    auto vals = evals.flip({0}).slice(0, 0, options.pca_dims).clamp_min(1e-12);
    projection = options.whiten ? top / vals.sqrt().unsqueeze(0) : top;
  } else {
    projection = torch::eye(d, torch::kFloat64);
    if (options.whiten) {
      auto sd = xc.std(0).clamp_min(1e-6);
      projection = projection / sd.unsqueeze(0);
    }
  }
  // One global scale: mean squared norm of the output = its dimension.
  auto y = xc.mm(projection);
  const double ms = y.pow(2).sum(1).mean().item<double>();
  const int64_t p = projection.size(1);
  if (ms > 0) projection = projection * std::sqrt(static_cast<double>(p) / ms);
  return FeatureTransform(mean.to(torch::kFloat32), projection.to(torch::kFloat32).contiguous());
}

torch::Tensor FeatureTransform::apply(const torch::Tensor& x) const {
  if (x.size(1) != mean_.size(0))
    throw UsageError("the data has " + std::to_string(x.size(1)) + " features, the model expects " +
                     std::to_string(mean_.size(0)));
  return (x.to(torch::kFloat32) - mean_).mm(projection_);
}

}  // namespace tessera::cluster
