#include "tessera/nn/gap_model.h"

#include "tessera/core/error.h"

namespace tessera::partition {

Json GapModelConfig::to_json() const {
  return Json{{"in_features", in_features}, {"hidden", hidden}, {"layers", layers}, {"k", k}};
}

GapModelConfig GapModelConfig::from_json(const Json& j, const std::string& source) {
  GapModelConfig c;
  try {
    c.in_features = j.at("in_features").get<int64_t>();
    c.hidden = j.at("hidden").get<int64_t>();
    c.layers = j.at("layers").get<int>();
    c.k = j.at("k").get<int>();
  } catch (const Json::exception& e) {
    throw InputError(source, 0, std::string("GAP model config: expected fields in_features, hidden, layers, k (") +
                                    e.what() + ")");
  }
  if (c.in_features < 1 || c.hidden < 1 || c.layers < 0 || c.k < 2 || c.hidden > 4096 || c.layers > 32)
    throw InputError(source, 0, "GAP model config out of range");
  return c;
}

GapModelImpl::GapModelImpl(GapModelConfig config) : config_(config) {
  int64_t in = config_.in_features;
  for (int l = 0; l < config_.layers; ++l) {
    convs_->push_back(nn::SageConv(nn::SageConvOptions(in, config_.hidden)));
    in = config_.hidden;
  }
  register_module("convs", convs_);
  head_ = register_module("head", nn::Mlp(nn::MlpOptions({in + config_.in_features, config_.hidden, config_.k})));
}

torch::Tensor GapModelImpl::forward(const torch::Tensor& x, const graph::EdgeIndex& edges) {
  torch::Tensor h = x;
  for (auto& m : *convs_) h = m->as<nn::SageConvImpl>()->forward(h, edges);
  return head_->forward(torch::cat({h, x}, 1));
}

torch::Tensor GapModelImpl::probabilities(const torch::Tensor& x, const graph::EdgeIndex& edges) {
  return torch::softmax(forward(x, edges), 1);
}

}  // namespace tessera::partition
