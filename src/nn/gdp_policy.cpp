#include "tessera/nn/gdp_policy.h"

#include <cmath>

#include "tessera/core/error.h"
#include "tessera/nn/sage_conv.h"

namespace tessera::nn {

SegmentAttentionImpl::SegmentAttentionImpl(int64_t hidden, int64_t heads, int64_t ffn, int64_t segment)
    : hidden_(hidden), heads_(heads), segment_(segment) {
  TORCH_CHECK(hidden % heads == 0, "SegmentAttention: hidden must be a multiple of heads");
  norm_q_ = register_module("norm_q", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  norm_kv_ = register_module("norm_kv", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  norm_ffn_ = register_module("norm_ffn", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  q_ = register_module("q", torch::nn::Linear(hidden, hidden));
  k_ = register_module("k", torch::nn::Linear(hidden, hidden));
  v_ = register_module("v", torch::nn::Linear(hidden, hidden));
  o_ = register_module("o", torch::nn::Linear(hidden, hidden));
  ffn_in_ = register_module("ffn_in", torch::nn::Linear(hidden, ffn));
  ffn_out_ = register_module("ffn_out", torch::nn::Linear(ffn, hidden));
  position_ = register_parameter("position", torch::randn({2 * segment, hidden}) * 0.02);
}

torch::Tensor SegmentAttentionImpl::forward(const torch::Tensor& h, const torch::Tensor& key_mask,
                                            const torch::Tensor& attn_scale, const torch::Tensor& ffn_scale) {
  const int64_t nseg = h.size(0), S = h.size(1), H = hidden_, dh = H / heads_;
  // Transformer-XL memory: the previous segment's input to this layer, without gradient.
  auto memory = torch::cat({torch::zeros({1, S, H}, h.options()), h.slice(0, 0, nseg - 1)}, 0).detach();
  auto kv_in = norm_kv_->forward(torch::cat({memory, h}, 1)) + position_.unsqueeze(0);  // [nseg, 2S, H]
  auto q_in = norm_q_->forward(h) + position_.slice(0, S, 2 * S).unsqueeze(0);
  auto split = [&](const torch::Tensor& x) { return x.view({nseg, x.size(1), heads_, dh}).transpose(1, 2); };
  auto q = split(q_->forward(q_in));
  auto k = split(k_->forward(kv_in));
  auto v = split(v_->forward(kv_in));
  auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(dh));  // [nseg, h, S, 2S]
  scores = scores.masked_fill(key_mask.logical_not().view({nseg, 1, 1, 2 * S}), -1e9);
  auto attn = torch::softmax(scores, -1);
  auto ctx = torch::matmul(attn, v).transpose(1, 2).reshape({nseg, S, H});
  auto x = h + o_->forward(ctx) * attn_scale;
  auto f = torch::gelu(ffn_in_->forward(norm_ffn_->forward(x))) * ffn_scale;
  return x + ffn_out_->forward(f);
}

GdpPolicyImpl::GdpPolicyImpl(GdpPolicyOptions options) : options_(options) {
  const auto& o = options_;
  TORCH_CHECK(o.max_devices() >= 1 && o.segment() >= 1 && o.hidden() >= 1, "GdpPolicy: bad options");
  type_embedding_ = register_module("type_embedding", torch::nn::Embedding(o.num_op_types(), o.type_embedding()));
  const int64_t hint_in = o.hint() ? o.max_devices() : 0;
  input_ = register_module("input",
                           torch::nn::Linear(o.type_embedding() + o.numeric_features() + hint_in, o.hidden()));
  sage_ = register_module("sage", torch::nn::ModuleList());
  for (int64_t l = 0; l < o.sage_layers(); ++l) sage_->push_back(SageConv(SageConvOptions(o.hidden(), o.hidden())));
  const int64_t cond_in = 2 * o.hidden() + o.max_devices() + o.context_features();
  condition_ = register_module("condition", torch::nn::Linear(cond_in, o.hidden()));
  scales_ = register_module("scales", torch::nn::ModuleList());
  attention_ = register_module("attention", torch::nn::ModuleList());
  for (int64_t l = 0; l < o.attention_layers(); ++l) {
    torch::nn::Linear scale(o.hidden(), o.hidden() + o.ffn());
    // Start at the identity modulation (scale 1) so that an untrained conditioner does not disturb.
    torch::nn::init::zeros_(scale->weight);
    torch::nn::init::zeros_(scale->bias);
    scales_->push_back(scale);
    attention_->push_back(SegmentAttention(o.hidden(), o.heads(), o.ffn(), o.segment()));
  }
  out_norm_ = register_module("out_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.hidden()})));
  head_ = register_module("head", torch::nn::Linear(o.hidden(), o.max_devices()));
  if (o.hint()) {
    hint_gain_ = register_module("hint_gain", torch::nn::Linear(o.hidden(), 1));
    torch::nn::init::zeros_(hint_gain_->weight);
    torch::nn::init::zeros_(hint_gain_->bias);
  }
}

torch::Tensor GdpPolicyImpl::forward(const OpGraphTensors& in, int64_t num_devices) {
  const auto& o = options_;
  const int64_t n = in.num_ops();
  if (num_devices < 1 || num_devices > o.max_devices())
    throw UsageError("gdp policy: the cluster has " + std::to_string(num_devices) +
                     " devices but this model supports 1.." + std::to_string(o.max_devices()));
  TORCH_CHECK(n > 0, "GdpPolicy: empty graph");
  TORCH_CHECK(in.numeric.size(0) == n && in.numeric.size(1) == o.numeric_features(),
              "GdpPolicy: numeric features must be [n, ", o.numeric_features(), "]");
  TORCH_CHECK(in.context.numel() == o.context_features(), "GdpPolicy: context must have ",
              o.context_features(), " values");
  auto types = in.op_type.clamp(0, o.num_op_types() - 1);
  torch::Tensor hint_onehot;
  std::vector<torch::Tensor> parts{type_embedding_->forward(types), in.numeric};
  if (o.hint()) {
    if (!in.hint.defined() || in.hint.numel() != n)
      throw Error("gdp policy: this model reads a placement hint, but the input has none for its " +
                  std::to_string(n) + " ops");
    auto hint = in.hint.to(torch::kInt64);
    if (hint.min().item<int64_t>() < 0 || hint.max().item<int64_t>() >= num_devices)
      throw Error("gdp policy: placement hint outside devices 0.." + std::to_string(num_devices - 1));
    hint_onehot = torch::one_hot(hint, o.max_devices()).to(torch::kFloat32);
    parts.push_back(hint_onehot);
  }
  auto h = torch::relu(input_->forward(torch::cat(parts, 1)));
  for (const auto& m : *sage_) h = h + m->as<SageConvImpl>()->forward(h, in.edges);

  // Superposition: graph embedding + cluster context -> per-layer feature-wise scales.
  auto device_onehot = torch::zeros({o.max_devices()});
  device_onehot[num_devices - 1] = 1.0;
  auto cond = torch::cat({h.mean(0), std::get<0>(h.max(0)), device_onehot, in.context.to(torch::kFloat32)}, 0);
  cond = torch::tanh(condition_->forward(cond.unsqueeze(0))).squeeze(0);

  // Ops in topological order, cut into segments (the last one padded; padded keys are masked).
  const int64_t S = o.segment(), nseg = (n + S - 1) / S, padded = nseg * S;
  auto x = h.index_select(0, in.order);
  if (padded > n) x = torch::cat({x, torch::zeros({padded - n, o.hidden()})}, 0);
  x = x.view({nseg, S, o.hidden()});
  auto valid = torch::arange(padded) < n;
  auto seg_mask = valid.view({nseg, S});
  auto mem_mask = torch::cat({torch::zeros({1, S}, torch::kBool), seg_mask.slice(0, 0, nseg - 1)}, 0);
  auto key_mask = torch::cat({mem_mask, seg_mask}, 1);
  for (size_t l = 0; l < attention_->size(); ++l) {
    auto s = 1.0 + torch::tanh(scales_[l]->as<torch::nn::LinearImpl>()->forward(cond.unsqueeze(0)).squeeze(0));
    x = attention_[l]->as<SegmentAttentionImpl>()->forward(x, key_mask, s.slice(0, 0, o.hidden()),
                                                           s.slice(0, o.hidden()));
  }
  auto topo = x.reshape({padded, o.hidden()}).slice(0, 0, n);
  auto out = torch::zeros({n, o.hidden()}).index_copy(0, in.order, topo);
  auto final = out_norm_->forward(out + h);
  auto logits = head_->forward(final);
  if (o.hint()) logits = logits + hint_gain_->forward(final) * hint_onehot;
  return logits.slice(1, 0, num_devices);
}

}  // namespace tessera::nn
