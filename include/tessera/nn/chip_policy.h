#pragma once
// The macro-placement policy of "Chip Placement with Deep Reinforcement Learning" (Mirhoseini et al.
// 2021), sized for a CPU:
//
//   encoder   edge-centric graph convolution over the macro/cluster/port graph:
//               h_v^0 = MLP(x_v);  e_uv = MLP([h_u ; h_v ; w_uv]);  h_v^{l+1} = h_v^l + mean_{e ∋ v} e
//   readout   graph embedding g = mean_v h_v; attention over nodes keyed by the current macro m:
//               a = Σ_v softmax_v(q_m·k_v / √d) · val_v
//   policy    [g ; h_m ; a] → 4×4 feature map → transposed convolutions (×2 each) → bilinear resize to
//             the placement grid, concatenated with the spatial state channels → 3×3 convolutions →
//             one logit per grid cell; illegal cells get −inf.
//   value     MLP([g ; h_m ; a ; pooled spatial features]) → V(s).
//
// The encoder depends only on the netlist, so an episode encodes once and decodes one step per
// macro; the placement state reaches the decoder through the spatial channels (legal mask,
// occupancy, pull of the placed neighbours of the current macro, ...), built by the environment.
#include <torch/torch.h>

#include <cstdint>

namespace tessera::chip {

/// The netlist as tensors for the encoder. Edges are stored once each (undirected).
struct ChipGraphInput {
  torch::Tensor node_features;  ///< float32 [N, F]
  torch::Tensor edge_src;       ///< int64 [E]
  torch::Tensor edge_dst;       ///< int64 [E]
  torch::Tensor edge_weight;    ///< float32 [E] (normalised net weights)
};

/// A batch of B decision states of one netlist (same grid).
struct ChipStateInput {
  torch::Tensor macro_node;  ///< int64 [B]: graph node of the macro being placed
  torch::Tensor spatial;     ///< float32 [B, S, rows, cols]: state channels
  torch::Tensor mask;        ///< bool [B, rows*cols]: true = legal cell (at least one per row)
};

struct ChipPolicyOptions {
  int64_t node_features = 8;      ///< F
  int64_t spatial_channels = 7;   ///< S
  int64_t hidden = 32;            ///< embedding width d
  int64_t gcn_layers = 3;
  int64_t deconv_channels = 16;   ///< channels of the first transposed-convolution map
  void validate() const;
};

struct ChipPolicyOutput {
  torch::Tensor logits;  ///< [B, rows*cols], −inf on illegal cells
  torch::Tensor value;   ///< [B]
};

class ChipPolicyImpl : public torch::nn::Module {
 public:
  explicit ChipPolicyImpl(ChipPolicyOptions options);

  /// Node embeddings [N, d] of a netlist.
  torch::Tensor encode(const ChipGraphInput& graph);
  /// Logits and values of a batch of states, given the node embeddings from encode().
  ChipPolicyOutput decode(const torch::Tensor& node_embedding, const ChipStateInput& state);
  ChipPolicyOutput forward(const ChipGraphInput& graph, const ChipStateInput& state) {
    return decode(encode(graph), state);
  }

  const ChipPolicyOptions& options() const { return options_; }

 private:
  ChipPolicyOptions options_;
  torch::nn::Sequential node_in_{nullptr};
  torch::nn::ModuleList edge_mlps_;
  torch::nn::Linear query_{nullptr}, key_{nullptr}, val_{nullptr};
  torch::nn::Linear to_map_{nullptr};
  torch::nn::ConvTranspose2d up1_{nullptr}, up2_{nullptr}, up3_{nullptr};
  torch::nn::Conv2d mix1_{nullptr}, mix2_{nullptr};
  torch::nn::Sequential value_head_{nullptr};
};
TORCH_MODULE(ChipPolicy);

/// Log-probabilities of a masked logit row: log_softmax with −inf kept on illegal cells.
torch::Tensor masked_log_softmax(const torch::Tensor& logits);
/// Entropy per row of masked logits (illegal cells contribute 0).
torch::Tensor masked_entropy(const torch::Tensor& logits);

}  // namespace tessera::chip
