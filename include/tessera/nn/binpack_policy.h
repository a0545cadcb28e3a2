#pragma once
// Pointer-style policy of the learned bin packer (see problems/bin_packing_env.h for the
// candidates and their features). Every candidate (open bin the item fits in, or "new bin") is
// encoded by an MLP; a context vector is the masked mean of the encodings; additive attention
// scores each candidate against the context,
//   logit_k = vᵀ tanh(W_k e_k + W_q ctx),
// infeasible/padded candidates get -1e9. A value head reads [ctx, max-pool of e].
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "tessera/core/random.h"
#include "tessera/nn/mlp.h"
#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

class BinpackPolicyImpl : public torch::nn::Module {
 public:
  explicit BinpackPolicyImpl(int64_t hidden = 64);
  /// x [M, K, F] candidate features, mask [M, K] (true = real candidate).
  /// Returns {logits [M, K] (masked entries -1e9), value [M]}.
  std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor x, torch::Tensor mask);
  int64_t hidden() const { return hidden_; }

 private:
  int64_t hidden_;
  nn::Mlp encoder_{nullptr};
  torch::nn::Linear key_{nullptr}, query_{nullptr}, score_{nullptr};
  nn::Mlp value_{nullptr};
};
TORCH_MODULE(BinpackPolicy);

/// The decisions of one episode, for PPO: features of step t are rows [offset[t], offset[t+1]).
struct BinpackTrajectory {
  std::vector<float> features;
  std::vector<int64_t> offsets{0};
  std::vector<int64_t> actions;
  std::vector<float> log_probs;
  std::vector<float> values;
  std::vector<double> rewards;  ///< -1/L1 when a bin is opened; the caller adds the terminal reward
  int64_t steps() const { return static_cast<int64_t>(actions.size()); }
};

struct BinpackRollout {
  Packing packing;
  BinpackTrajectory trajectory;  ///< filled when record = true
};

/// Packs one instance with the policy: greedy (argmax) or sampled from rng. Runs without gradients.
BinpackRollout binpack_rollout(BinpackPolicy& policy, const BinPackingInstance& instance, bool greedy, Rng& rng,
                               bool record);

}  // namespace tessera::binpack
