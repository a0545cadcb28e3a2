#pragma once
// Multi-layer perceptron: Linear → activation (→ LayerNorm) repeated, last layer linear.
#include <torch/torch.h>

#include <vector>

namespace tessera::nn {

struct MlpOptions {
  MlpOptions(std::vector<int64_t> sizes) : sizes_(std::move(sizes)) {}  // NOLINT: implicit from sizes
  TORCH_ARG(std::vector<int64_t>, sizes);     ///< in, hidden..., out
  TORCH_ARG(bool, layer_norm) = false;        ///< LayerNorm after each hidden activation
  TORCH_ARG(double, dropout) = 0.0;
};

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(MlpOptions options);
  torch::Tensor forward(torch::Tensor x);

 private:
  MlpOptions options_;
  torch::nn::ModuleList linears_;
  torch::nn::ModuleList norms_;
};
TORCH_MODULE(Mlp);

}  // namespace tessera::nn
