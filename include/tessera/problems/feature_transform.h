#pragma once
// The fixed map from raw features to the space where neighbours are found and the network reads its
// input: centring, an optional PCA projection (optionally whitened), and one global scale so that the
// mean squared norm is the dimension (unit variance per coordinate on average). Fitted on the training
// points only and stored with a trained model, so that unseen points are mapped the same way.
#include <torch/torch.h>

#include <cstdint>

namespace tessera::cluster {

struct FeatureTransformOptions {
  int64_t pca_dims = 0;  ///< project on the top principal components (0 or >= d: keep all, no projection)
  bool whiten = false;   ///< divide each principal component by its standard deviation
};

class FeatureTransform {
 public:
  FeatureTransform() = default;
  /// Fits on x [n, d].
  static FeatureTransform fit(const torch::Tensor& x, const FeatureTransformOptions& options);
  /// From stored tensors (mean [d], projection [d, p] (scale folded in)).
  FeatureTransform(torch::Tensor mean, torch::Tensor projection);

  /// (x - mean) · projection: [n, d] → [n, p].
  torch::Tensor apply(const torch::Tensor& x) const;
  int64_t input_dim() const { return mean_.size(0); }
  int64_t output_dim() const { return projection_.size(1); }
  const torch::Tensor& mean() const { return mean_; }
  const torch::Tensor& projection() const { return projection_; }

 private:
  torch::Tensor mean_;
  torch::Tensor projection_;
};

}  // namespace tessera::cluster
