#pragma once
// The learned clusterer: a fixed feature map (centring + optional PCA, stored as buffers), the network
// input built from it, and an MLP (core nn::Mlp) whose softmax over k is the soft cluster assignment of
// a point. It assigns any point, seen in training or not, by one forward pass (argmax): no embedding
// post-processing, no k-means on the output.
//
// Inputs (`input`):
//   "features":          the mapped features z (PCA coordinates);
//   "spectral":          the out-of-sample (Nyström) spectral embedding of z from its k nearest
//                        training points (NystromExtension, stored as buffers with the training points);
//   "spectral+features": both, concatenated.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/heuristics/nystrom_extension.h"
#include "tessera/nn/mlp.h"
#include "tessera/problems/feature_transform.h"

namespace tessera::cluster {

struct NcutClustererConfig {
  int64_t input_dim = 0;               ///< raw features d
  int64_t feature_dim = 0;             ///< after the feature map (p)
  int64_t k = 0;
  std::vector<int64_t> hidden{256, 128};
  bool layer_norm = true;
  std::string input = "features";      ///< "features" | "spectral" | "spectral+features"
  int64_t reference_points = 0;        ///< stored training points (spectral inputs)
  int64_t embedding_dim = 0;           ///< spectral embedding dimension m (spectral inputs)
  AffinityOptions affinity;            ///< graph options of the extension (spectral inputs)
  bool uses_spectral() const { return input != "features"; }
  bool uses_features() const { return input != "spectral"; }
  int64_t network_input_dim() const {
    return (uses_features() ? feature_dim : 0) + (uses_spectral() ? embedding_dim : 0);
  }
  Json to_json() const;
  static NcutClustererConfig from_json(const Json& j, const std::string& source);
};

class NcutClustererImpl : public torch::nn::Module {
 public:
  explicit NcutClustererImpl(NcutClustererConfig config);
  /// Logits [n, k] of raw points x [n, d].
  torch::Tensor forward(const torch::Tensor& x);
  /// Logits of network inputs (training path).
  torch::Tensor forward_features(const torch::Tensor& inputs);
  /// Network inputs [n, network_input_dim] of raw points x [n, d] (no gradient).
  torch::Tensor inputs(const torch::Tensor& x);
  /// Network inputs of the stored training points, each embedded from the *other* training points
  /// (leave-one-out, as in training). Only for spectral inputs.
  torch::Tensor reference_inputs();
  /// Softmax probabilities [n, k] of raw points (no gradient, batched).
  torch::Tensor probabilities(const torch::Tensor& x, int64_t batch = 4096);
  /// Hard assignment (argmax) of raw points.
  std::vector<int64_t> assign(const torch::Tensor& x, int64_t batch = 4096);
  /// Hard assignment of given network inputs.
  std::vector<int64_t> assign_inputs(const torch::Tensor& inputs);

  void set_transform(const FeatureTransform& transform);
  FeatureTransform transform() const { return FeatureTransform(mean_, projection_); }
  void set_extension(const NystromExtension& extension);
  NystromExtension extension() const;
  const NcutClustererConfig& config() const { return config_; }

 private:
  torch::Tensor inputs_of_mapped(const torch::Tensor& z, bool reference);

  NcutClustererConfig config_;
  torch::Tensor mean_;
  torch::Tensor projection_;
  torch::Tensor reference_;
  torch::Tensor reference_scale_;
  torch::Tensor coefficients_;
  nn::Mlp mlp_{nullptr};
};
TORCH_MODULE(NcutClusterer);

inline constexpr const char* kNcutModelKind = "cluster-ncut";

}  // namespace tessera::cluster
