#include "tessera/nn/chip_policy.h"

#include <cmath>
#include <limits>

#include "tessera/core/error.h"

namespace tessera::chip {

namespace F = torch::nn::functional;

void ChipPolicyOptions::validate() const {
  if (node_features < 1 || spatial_channels < 1) throw UsageError("chip policy: feature counts must be >= 1");
  if (hidden < 2) throw UsageError("chip policy: hidden must be >= 2");
  if (gcn_layers < 0 || gcn_layers > 16) throw UsageError("chip policy: gcn_layers must be in [0, 16]");
  if (deconv_channels < 2) throw UsageError("chip policy: deconv_channels must be >= 2");
}

ChipPolicyImpl::ChipPolicyImpl(ChipPolicyOptions options) : options_(options) {
  options_.validate();
  const int64_t d = options_.hidden;
  node_in_ = register_module("node_in", torch::nn::Sequential(torch::nn::Linear(options_.node_features, d),
                                                              torch::nn::ReLU(), torch::nn::Linear(d, d)));
  edge_mlps_ = register_module("edge_mlps", torch::nn::ModuleList());
  for (int64_t l = 0; l < options_.gcn_layers; ++l)
    edge_mlps_->push_back(torch::nn::Sequential(torch::nn::Linear(2 * d + 1, d), torch::nn::ReLU()));
  query_ = register_module("query", torch::nn::Linear(d, d));
  key_ = register_module("key", torch::nn::Linear(d, d));
  val_ = register_module("val", torch::nn::Linear(d, d));
  const int64_t c = options_.deconv_channels;
  to_map_ = register_module("to_map", torch::nn::Linear(3 * d, c * 16));
  auto up = [](int64_t in, int64_t out) {
    return torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1));
  };
  up1_ = register_module("up1", up(c, c));
  up2_ = register_module("up2", up(c, c / 2));
  up3_ = register_module("up3", up(c / 2, c / 2));
  mix1_ = register_module(
      "mix1", torch::nn::Conv2d(torch::nn::Conv2dOptions(c / 2 + options_.spatial_channels, 16, 3).padding(1)));
  mix2_ = register_module("mix2", torch::nn::Conv2d(torch::nn::Conv2dOptions(16, 1, 3).padding(1)));
  value_head_ = register_module("value_head", torch::nn::Sequential(torch::nn::Linear(3 * d + 16, d),
                                                                    torch::nn::ReLU(), torch::nn::Linear(d, 1)));
}

torch::Tensor ChipPolicyImpl::encode(const ChipGraphInput& graph) {
  TORCH_CHECK(graph.node_features.dim() == 2 && graph.node_features.size(1) == options_.node_features,
              "chip policy: node features must be [N, ", options_.node_features, "], got ",
              graph.node_features.sizes());
  const int64_t n = graph.node_features.size(0);
  TORCH_CHECK(n > 0, "chip policy: empty graph");
  auto h = node_in_->forward(graph.node_features);
  const int64_t edges = graph.edge_src.numel();
  if (edges == 0 || options_.gcn_layers == 0) return h;
  TORCH_CHECK(graph.edge_dst.numel() == edges && graph.edge_weight.numel() == edges,
              "chip policy: edge tensors differ in length");
  // Mean over incident edges: every edge counts once at each endpoint.
  auto ones = torch::ones({edges}, torch::kFloat32);
  auto degree = torch::zeros({n}, torch::kFloat32).index_add(0, graph.edge_src, ones).index_add(0, graph.edge_dst, ones);
  auto inv_degree = (1.0 / degree.clamp_min(1.0)).unsqueeze(1);
  auto w = graph.edge_weight.reshape({edges, 1});
  for (const auto& layer : *edge_mlps_) {
    auto e = layer->as<torch::nn::Sequential>()->forward(
        torch::cat({h.index_select(0, graph.edge_src), h.index_select(0, graph.edge_dst), w}, 1));
    auto agg = torch::zeros_like(h).index_add(0, graph.edge_src, e).index_add(0, graph.edge_dst, e);
    h = h + agg * inv_degree;
  }
  return h;
}

ChipPolicyOutput ChipPolicyImpl::decode(const torch::Tensor& node_embedding, const ChipStateInput& state) {
  TORCH_CHECK(state.spatial.dim() == 4 && state.spatial.size(1) == options_.spatial_channels,
              "chip policy: spatial state must be [B, ", options_.spatial_channels, ", rows, cols], got ",
              state.spatial.sizes());
  const int64_t b = state.spatial.size(0), rows = state.spatial.size(2), cols = state.spatial.size(3);
  TORCH_CHECK(state.macro_node.numel() == b, "chip policy: one macro per state expected");
  TORCH_CHECK(state.mask.dim() == 2 && state.mask.size(0) == b && state.mask.size(1) == rows * cols,
              "chip policy: mask must be [B, rows*cols]");
  const double scale = 1.0 / std::sqrt(static_cast<double>(options_.hidden));
  auto h_m = node_embedding.index_select(0, state.macro_node);                 // [B, d]
  auto g = node_embedding.mean(0, true).expand({b, node_embedding.size(1)});   // [B, d]
  auto scores = torch::matmul(query_->forward(h_m), key_->forward(node_embedding).t()) * scale;  // [B, N]
  auto attn = torch::matmul(torch::softmax(scores, 1), val_->forward(node_embedding));            // [B, d]
  auto ctx = torch::cat({g, h_m, attn}, 1);
  auto x = torch::relu(to_map_->forward(ctx)).view({b, options_.deconv_channels, 4, 4});
  x = torch::relu(up1_->forward(x));
  x = torch::relu(up2_->forward(x));
  x = torch::relu(up3_->forward(x));  // [B, c/2, 32, 32]
  x = F::interpolate(x, F::InterpolateFuncOptions()
                            .size(std::vector<int64_t>{rows, cols})
                            .mode(torch::kBilinear)
                            .align_corners(false));
  auto features = torch::relu(mix1_->forward(torch::cat({x, state.spatial}, 1)));  // [B, 16, rows, cols]
  auto logits = mix2_->forward(features).view({b, rows * cols});
  logits = logits.masked_fill(state.mask.logical_not(), -std::numeric_limits<float>::infinity());
  auto value = value_head_->forward(torch::cat({ctx, features.mean({2, 3})}, 1)).squeeze(1);
  return {logits, value};
}

torch::Tensor masked_log_softmax(const torch::Tensor& logits) { return torch::log_softmax(logits, -1); }

torch::Tensor masked_entropy(const torch::Tensor& logits) {
  auto log_p = torch::log_softmax(logits, -1);
  auto finite = torch::isfinite(log_p);
  auto safe = log_p.masked_fill(finite.logical_not(), 0.0);
  return -(safe.exp() * safe).masked_fill(finite.logical_not(), 0.0).sum(-1);
}

}  // namespace tessera::chip
