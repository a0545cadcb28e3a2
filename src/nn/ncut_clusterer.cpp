#include "tessera/nn/ncut_clusterer.h"

#include "tessera/core/error.h"

namespace tessera::cluster {

Json NcutClustererConfig::to_json() const {
  return Json{{"input_dim", input_dim}, {"feature_dim", feature_dim}, {"k", k}, {"hidden", hidden},
              {"layer_norm", layer_norm}};
}

NcutClustererConfig NcutClustererConfig::from_json(const Json& j, const std::string& source) {
  NcutClustererConfig c;
  try {
    c.input_dim = j.at("input_dim").get<int64_t>();
    c.feature_dim = j.at("feature_dim").get<int64_t>();
    c.k = j.at("k").get<int64_t>();
    c.hidden = j.at("hidden").get<std::vector<int64_t>>();
    c.layer_norm = j.at("layer_norm").get<bool>();
  } catch (const Json::exception& e) {
    throw InputError(source, 0, std::string("bad clusterer config in the model metadata: ") + e.what());
  }
  if (c.input_dim < 1 || c.feature_dim < 1 || c.k < 1)
    throw InputError(source, 0, "bad clusterer config: dimensions and k must be >= 1");
  return c;
}

NcutClustererImpl::NcutClustererImpl(NcutClustererConfig config) : config_(std::move(config)) {
  mean_ = register_buffer("feature_mean", torch::zeros({config_.input_dim}));
  projection_ = register_buffer("feature_projection", torch::zeros({config_.input_dim, config_.feature_dim}));
  std::vector<int64_t> sizes{config_.feature_dim};
  sizes.insert(sizes.end(), config_.hidden.begin(), config_.hidden.end());
  sizes.push_back(config_.k);
  mlp_ = register_module("mlp", nn::Mlp(nn::MlpOptions(sizes).layer_norm(config_.layer_norm)));
}

void NcutClustererImpl::set_transform(const FeatureTransform& transform) {
  TORCH_CHECK(transform.input_dim() == config_.input_dim && transform.output_dim() == config_.feature_dim,
              "NcutClusterer: feature map shape does not match the config");
  torch::NoGradGuard no_grad;
  mean_.copy_(transform.mean());
  projection_.copy_(transform.projection());
}

torch::Tensor NcutClustererImpl::forward_features(const torch::Tensor& features) { return mlp_->forward(features); }

torch::Tensor NcutClustererImpl::forward(const torch::Tensor& x) {
  if (x.dim() != 2 || x.size(1) != config_.input_dim)
    throw UsageError("the data has " + std::to_string(x.dim() == 2 ? x.size(1) : -1) +
                     " features per point, the model was trained on " + std::to_string(config_.input_dim));
  return forward_features((x.to(torch::kFloat32) - mean_).mm(projection_));
}

torch::Tensor NcutClustererImpl::probabilities(const torch::Tensor& x, int64_t batch) {
  torch::NoGradGuard no_grad;
  const bool was_training = is_training();
  eval();
  std::vector<torch::Tensor> parts;
  for (int64_t s = 0; s < x.size(0); s += batch)
    parts.push_back(torch::softmax(forward(x.slice(0, s, std::min(x.size(0), s + batch))), 1));
  train(was_training);
  return torch::cat(parts, 0);
}

std::vector<int64_t> NcutClustererImpl::assign(const torch::Tensor& x, int64_t batch) {
  auto lab = probabilities(x, batch).argmax(1).contiguous();
  return std::vector<int64_t>(lab.data_ptr<int64_t>(), lab.data_ptr<int64_t>() + lab.numel());
}

}  // namespace tessera::cluster
