#pragma once
// The sequence-to-sequence device placer of Mirhoseini et al. 2017 ("Device Placement Optimization with
// Reinforcement Learning"): an LSTM encoder reads the op groups in topological order (op-type
// embedding, output sizes, adjacency features) and an LSTM decoder with (Bahdanau) attention over the
// encoder states emits one device per group; the decoder's input at step t is the embedding of the
// device chosen at step t-1 together with the encoder state of group t.
//
// The device count is fixed per model (the output layer has num_devices logits).
#include <torch/torch.h>

#include <cstdint>

#include "tessera/core/random.h"

namespace tessera::nn {

/// Groups in topological order, as tensors (built by devices::GroupFeatures).
struct GroupSequenceTensors {
  torch::Tensor op_type;    ///< int64 [G]: op type of the group's heaviest op
  torch::Tensor numeric;    ///< float32 [G, F]: log-scaled output bytes, FLOPs, params, op count
  torch::Tensor adjacency;  ///< float32 [G, A]: log bytes exchanged with groups at relative positions
  int64_t num_groups() const { return op_type.defined() ? op_type.size(0) : 0; }
};

struct Seq2SeqPlacerOptions {
  TORCH_ARG(int64_t, num_op_types) = 64;
  TORCH_ARG(int64_t, numeric_features) = 4;
  TORCH_ARG(int64_t, adjacency_features) = 10;
  TORCH_ARG(int64_t, embedding) = 32;
  TORCH_ARG(int64_t, hidden) = 64;
  TORCH_ARG(int64_t, num_devices) = 2;
};

/// Sampled placements: actions [K, G] and their log-probabilities [K] (differentiable).
struct Seq2SeqSample {
  torch::Tensor actions;
  torch::Tensor log_prob;
  torch::Tensor entropy;  ///< [K] mean per-step entropy
};

class Seq2SeqPlacerImpl : public torch::nn::Module {
 public:
  explicit Seq2SeqPlacerImpl(Seq2SeqPlacerOptions options = {});
  /// Decodes K placements (sampled with rng, or argmax when greedy). Gradients flow to log_prob.
  Seq2SeqSample sample(const GroupSequenceTensors& input, int64_t num_samples, Rng& rng, bool greedy = false);
  const Seq2SeqPlacerOptions& options() const { return options_; }

 private:
  Seq2SeqPlacerOptions options_;
  torch::nn::Embedding type_embedding_{nullptr}, device_embedding_{nullptr};
  torch::nn::Linear input_{nullptr};
  torch::nn::LSTM encoder_{nullptr};
  torch::nn::LSTMCell decoder_{nullptr};
  torch::nn::Linear attn_enc_{nullptr}, attn_dec_{nullptr}, attn_v_{nullptr}, out_{nullptr};
};
TORCH_MODULE(Seq2SeqPlacer);

}  // namespace tessera::nn
