#include "tessera/nn/mlp.h"

namespace tessera::nn {

MlpImpl::MlpImpl(MlpOptions options) : options_(std::move(options)) {
  const auto& s = options_.sizes();
  TORCH_CHECK(s.size() >= 2, "Mlp needs at least input and output sizes");
  linears_ = register_module("linears", torch::nn::ModuleList());
  norms_ = register_module("norms", torch::nn::ModuleList());
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    linears_->push_back(torch::nn::Linear(s[i], s[i + 1]));
    if (options_.layer_norm() && i + 2 < s.size())
      norms_->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({s[i + 1]})));
  }
}

torch::Tensor MlpImpl::forward(torch::Tensor x) {
  const size_t layers = linears_->size();
  for (size_t i = 0; i < layers; ++i) {
    x = linears_[i]->as<torch::nn::Linear>()->forward(x);
    if (i + 1 < layers) {
      x = torch::relu(x);
      if (options_.layer_norm()) x = norms_[i]->as<torch::nn::LayerNorm>()->forward(x);
      if (options_.dropout() > 0) x = torch::dropout(x, options_.dropout(), is_training());
    }
  }
  return x;
}

}  // namespace tessera::nn
