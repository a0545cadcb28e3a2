#pragma once
// The GDP device-placement policy (Zhou et al. 2019, "GDP: Generalized Device Placement for Dataflow
// Graphs"): GraphSAGE op embeddings, then a segment-level recurrent attention network over the ops in
// topological order (Transformer-XL style: each segment attends to itself and to a detached memory of
// the previous segment), producing a device distribution for every op in one pass.
//
// One network serves many graphs and clusters ("superposition"): a conditioning vector — the graph
// embedding (mean and max of the SAGE embeddings) plus a cluster context (device count one-hot and a
// few log-scaled capacity ratios) — yields per-layer feature-wise scales s = 1 + tanh(W c) of the
// attention outputs and of the feed-forward hidden units.
//
// Variable device counts: the output head has max_devices logits; a cluster with D <= max_devices
// devices uses the first D (equivalent to masking the rest with -inf). D > max_devices is rejected.
//
// Memory is linear in the op count: attention is restricted to windows of 2·segment keys, so a 50k-op
// graph needs ~ n/segment · heads · segment · 2·segment floats per layer (≈ 200 MB at the defaults).
#include <torch/torch.h>

#include <cstdint>

#include "tessera/graph/graph_tensors.h"

namespace tessera::nn {

/// A placement input in tensor form (built by devices::PlacementFeatures from a DeviceGraph).
struct OpGraphTensors {
  torch::Tensor op_type;   ///< int64 [n]: op-type vocabulary id
  torch::Tensor numeric;   ///< float32 [n, F]: log-scaled per-op features
  graph::EdgeIndex edges;  ///< data edges, both directions (message passing)
  torch::Tensor order;     ///< int64 [n]: order[i] = op at topological position i
  torch::Tensor context;   ///< float32 [C]: cluster/graph context (capacity ratios, ...)
  torch::Tensor group;     ///< int64 [n]: co-location group of each op (the unit of a placement decision)
  int64_t num_groups = 0;  ///< groups are 0..num_groups-1
  /// int64 [n]: device of each op in a reference placement (a classical placer's), for policies with
  /// GdpPolicyOptions::hint; undefined otherwise.
  torch::Tensor hint;
  int64_t num_ops() const { return op_type.defined() ? op_type.size(0) : 0; }
};

struct GdpPolicyOptions {
  TORCH_ARG(int64_t, num_op_types) = 64;
  TORCH_ARG(int64_t, numeric_features) = 9;
  TORCH_ARG(int64_t, context_features) = 4;
  TORCH_ARG(int64_t, type_embedding) = 16;
  TORCH_ARG(int64_t, hidden) = 64;
  TORCH_ARG(int64_t, sage_layers) = 2;
  TORCH_ARG(int64_t, attention_layers) = 2;
  TORCH_ARG(int64_t, heads) = 4;
  TORCH_ARG(int64_t, ffn) = 128;
  TORCH_ARG(int64_t, segment) = 128;
  TORCH_ARG(int64_t, max_devices) = 8;
  /// Placement hint: the input also gets the one-hot device of each op in a reference placement
  /// (OpGraphTensors::hint), and each op's logits get g_v · onehot(hint_v), with a per-op gain g_v read
  /// from the op's final embedding (zero at initialization). Copying the hint is then one weight away,
  /// and the network learns where to leave it (Placeto-style: the policy sees a placement).
  TORCH_ARG(bool, hint) = false;
};

/// One Transformer-XL-style layer over segments, with superposition scales.
class SegmentAttentionImpl : public torch::nn::Module {
 public:
  SegmentAttentionImpl(int64_t hidden, int64_t heads, int64_t ffn, int64_t segment);
  /// h: [nseg, S, H]; key_mask: [nseg, 2S] (true = valid key); attn_scale [H], ffn_scale [ffn].
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& key_mask, const torch::Tensor& attn_scale,
                        const torch::Tensor& ffn_scale);

 private:
  int64_t hidden_, heads_, segment_;
  torch::nn::LayerNorm norm_q_{nullptr}, norm_kv_{nullptr}, norm_ffn_{nullptr};
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, o_{nullptr}, ffn_in_{nullptr}, ffn_out_{nullptr};
  torch::Tensor position_;  ///< [2S, H] learned positions of memory + segment slots
};
TORCH_MODULE(SegmentAttention);

class GdpPolicyImpl : public torch::nn::Module {
 public:
  explicit GdpPolicyImpl(GdpPolicyOptions options = {});
  /// Device logits [n, num_devices] for every op (ops in their original order).
  torch::Tensor forward(const OpGraphTensors& input, int64_t num_devices);
  const GdpPolicyOptions& options() const { return options_; }

 private:
  GdpPolicyOptions options_;
  torch::nn::Embedding type_embedding_{nullptr};
  torch::nn::Linear input_{nullptr};
  torch::nn::ModuleList sage_;
  torch::nn::Linear condition_{nullptr};
  torch::nn::ModuleList scales_;  ///< per attention layer: Linear(cond -> H + ffn)
  torch::nn::ModuleList attention_;
  torch::nn::LayerNorm out_norm_{nullptr};
  torch::nn::Linear head_{nullptr};
  torch::nn::Linear hint_gain_{nullptr};  ///< with options.hint: per-op gain of the hinted device's logit
};
TORCH_MODULE(GdpPolicy);

}  // namespace tessera::nn
