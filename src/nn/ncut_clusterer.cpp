#include "tessera/nn/ncut_clusterer.h"

#include "tessera/core/error.h"

namespace tessera::cluster {

Json NcutClustererConfig::to_json() const {
  Json j{{"input_dim", input_dim}, {"feature_dim", feature_dim}, {"k", k}, {"hidden", hidden},
         {"layer_norm", layer_norm}, {"input", input}};
  if (uses_spectral()) {
    j["reference_points"] = reference_points;
    j["embedding_dim"] = embedding_dim;
    j["affinity"] = Json{{"neighbors", affinity.neighbors}, {"scale_neighbor", affinity.scale_neighbor},
                         {"kernel", affinity.kernel}, {"mutual", affinity.mutual}, {"snn", affinity.snn}};
  }
  return j;
}

NcutClustererConfig NcutClustererConfig::from_json(const Json& j, const std::string& source) {
  NcutClustererConfig c;
  try {
    c.input_dim = j.at("input_dim").get<int64_t>();
    c.feature_dim = j.at("feature_dim").get<int64_t>();
    c.k = j.at("k").get<int64_t>();
    c.hidden = j.at("hidden").get<std::vector<int64_t>>();
    c.layer_norm = j.at("layer_norm").get<bool>();
    c.input = j.value("input", std::string("features"));  // models written before spectral inputs
    if (c.uses_spectral()) {
      c.reference_points = j.at("reference_points").get<int64_t>();
      c.embedding_dim = j.at("embedding_dim").get<int64_t>();
      const auto& a = j.at("affinity");
      c.affinity.neighbors = a.at("neighbors").get<int64_t>();
      c.affinity.scale_neighbor = a.at("scale_neighbor").get<int64_t>();
      c.affinity.kernel = a.at("kernel").get<std::string>();
      c.affinity.mutual = a.at("mutual").get<bool>();
      c.affinity.snn = a.at("snn").get<bool>();
    }
  } catch (const Json::exception& e) {
    throw InputError(source, 0, std::string("bad clusterer config in the model metadata: ") + e.what());
  }
  if (c.input_dim < 1 || c.feature_dim < 1 || c.k < 1)
    throw InputError(source, 0, "bad clusterer config: dimensions and k must be >= 1");
  if (c.input != "features" && c.input != "spectral" && c.input != "spectral+features")
    throw InputError(source, 0, "bad clusterer config: input must be features, spectral or spectral+features");
  if (c.uses_spectral() && (c.embedding_dim < 1 || c.reference_points <= c.affinity.neighbors))
    throw InputError(source, 0, "bad clusterer config: spectral inputs need embedding_dim >= 1 and more "
                                "reference points than neighbours");
  return c;
}

NcutClustererImpl::NcutClustererImpl(NcutClustererConfig config) : config_(std::move(config)) {
  mean_ = register_buffer("feature_mean", torch::zeros({config_.input_dim}));
  projection_ = register_buffer("feature_projection", torch::zeros({config_.input_dim, config_.feature_dim}));
  if (config_.uses_spectral()) {
    reference_ = register_buffer("reference_points", torch::zeros({config_.reference_points, config_.feature_dim}));
    reference_scale_ = register_buffer("reference_scale", torch::zeros({config_.reference_points}, torch::kFloat64));
    coefficients_ = register_buffer("nystrom_coefficients",
                                    torch::zeros({config_.reference_points, config_.embedding_dim}, torch::kFloat64));
  }
  std::vector<int64_t> sizes{config_.network_input_dim()};
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

void NcutClustererImpl::set_extension(const NystromExtension& extension) {
  TORCH_CHECK(config_.uses_spectral() && extension.reference_points() == config_.reference_points &&
                  extension.dim() == config_.embedding_dim && extension.reference().size(1) == config_.feature_dim,
              "NcutClusterer: spectral extension shape does not match the config");
  torch::NoGradGuard no_grad;
  reference_.copy_(extension.reference());
  reference_scale_.copy_(extension.reference_scale());
  coefficients_.copy_(extension.coefficients());
}

NystromExtension NcutClustererImpl::extension() const {
  if (!config_.uses_spectral()) throw Error("NcutClusterer: this model has no spectral inputs");
  return NystromExtension(reference_, reference_scale_, coefficients_, config_.affinity);
}

torch::Tensor NcutClustererImpl::inputs_of_mapped(const torch::Tensor& z, bool reference) {
  torch::NoGradGuard no_grad;
  if (!config_.uses_spectral()) return z;
  auto ext = extension();
  auto e = reference ? ext.apply_reference() : ext.apply(z);
  if (!config_.uses_features()) return e;
  return torch::cat({e, z}, 1).contiguous();
}

torch::Tensor NcutClustererImpl::inputs(const torch::Tensor& x) {
  if (x.dim() != 2 || x.size(1) != config_.input_dim)
    throw UsageError("the data has " + std::to_string(x.dim() == 2 ? x.size(1) : -1) +
                     " features per point, the model was trained on " + std::to_string(config_.input_dim));
  torch::NoGradGuard no_grad;
  return inputs_of_mapped((x.to(torch::kFloat32) - mean_).mm(projection_), false);
}

torch::Tensor NcutClustererImpl::reference_inputs() {
  if (!config_.uses_spectral()) throw Error("NcutClusterer: reference inputs need spectral inputs");
  return inputs_of_mapped(reference_, true);
}

torch::Tensor NcutClustererImpl::forward_features(const torch::Tensor& inputs) { return mlp_->forward(inputs); }

torch::Tensor NcutClustererImpl::forward(const torch::Tensor& x) { return forward_features(inputs(x)); }

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

std::vector<int64_t> NcutClustererImpl::assign_inputs(const torch::Tensor& in) {
  torch::NoGradGuard no_grad;
  const bool was_training = is_training();
  eval();
  auto lab = forward_features(in).argmax(1).contiguous();
  train(was_training);
  return std::vector<int64_t>(lab.data_ptr<int64_t>(), lab.data_ptr<int64_t>() + lab.numel());
}

}  // namespace tessera::cluster
