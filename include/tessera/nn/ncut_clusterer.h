#pragma once
// The learned clusterer: a fixed feature map (centring + optional PCA, stored as buffers) followed by
// an MLP (core nn::Mlp) whose softmax over k is the soft cluster assignment of a point. It assigns any
// point, seen in training or not, by one forward pass (argmax): no embedding post-processing.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/nn/mlp.h"
#include "tessera/problems/feature_transform.h"

namespace tessera::cluster {

struct NcutClustererConfig {
  int64_t input_dim = 0;               ///< raw features d
  int64_t feature_dim = 0;             ///< after the feature map (p)
  int64_t k = 0;
  std::vector<int64_t> hidden{256, 128};
  bool layer_norm = true;
  Json to_json() const;
  static NcutClustererConfig from_json(const Json& j, const std::string& source);
};

class NcutClustererImpl : public torch::nn::Module {
 public:
  explicit NcutClustererImpl(NcutClustererConfig config);
  /// Logits [n, k] of raw points x [n, d].
  torch::Tensor forward(const torch::Tensor& x);
  /// Logits of points already mapped by the feature map (training path).
  torch::Tensor forward_features(const torch::Tensor& features);
  /// Softmax probabilities [n, k] of raw points (no gradient, batched).
  torch::Tensor probabilities(const torch::Tensor& x, int64_t batch = 4096);
  /// Hard assignment (argmax) of raw points.
  std::vector<int64_t> assign(const torch::Tensor& x, int64_t batch = 4096);

  void set_transform(const FeatureTransform& transform);
  FeatureTransform transform() const { return FeatureTransform(mean_, projection_); }
  const NcutClustererConfig& config() const { return config_; }

 private:
  NcutClustererConfig config_;
  torch::Tensor mean_;
  torch::Tensor projection_;
  nn::Mlp mlp_{nullptr};
};
TORCH_MODULE(NcutClusterer);

inline constexpr const char* kNcutModelKind = "cluster-ncut";

}  // namespace tessera::cluster
