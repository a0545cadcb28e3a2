#pragma once
// The GAP network (Nazi et al. 2019): a GraphSAGE embedding of structural node features followed by
// an MLP and a softmax over k blocks. Node ids never enter, so one model serves any graph size.
//   h⁰ = x,  hˡ = SAGE(hˡ⁻¹) (edge-weighted mean aggregation, ReLU, l = 1..layers)
//   Y = softmax( MLP([h^layers, x]) )   (the skip of x keeps the spectral coordinates in view)
#include <torch/torch.h>

#include "tessera/core/json.h"
#include "tessera/graph/graph_tensors.h"
#include "tessera/nn/mlp.h"
#include "tessera/nn/sage_conv.h"

namespace tessera::partition {

struct GapModelConfig {
  int64_t in_features = 7;
  int64_t hidden = 64;
  int layers = 3;
  int k = 2;
  Json to_json() const;
  /// Throws InputError(source, 0, ...) on missing or bad fields.
  static GapModelConfig from_json(const Json& j, const std::string& source);
};

class GapModelImpl : public torch::nn::Module {
 public:
  explicit GapModelImpl(GapModelConfig config);
  /// Logits [n, k].
  torch::Tensor forward(const torch::Tensor& x, const graph::EdgeIndex& edges);
  /// Row-softmax probabilities Y [n, k].
  torch::Tensor probabilities(const torch::Tensor& x, const graph::EdgeIndex& edges);
  const GapModelConfig& config() const { return config_; }

 private:
  GapModelConfig config_;
  torch::nn::ModuleList convs_;
  nn::Mlp head_{nullptr};
};
TORCH_MODULE(GapModel);

}  // namespace tessera::partition
