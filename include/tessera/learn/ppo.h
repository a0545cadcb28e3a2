#pragma once
// Proximal Policy Optimization (Schulman et al. 2017), one implementation for every learner in
// Tessera (chip macro placement, device placement, bin packing).
//
// The trainer is independent of what an "action" is: the problem stores a batch of decisions with
// their log-probabilities under the behaviour policy, advantages and return targets, and supplies a
// callback that re-evaluates a subset of the batch under the current policy. A sample can be one
// step of a sequential policy (chip, bin packing) or a whole one-shot placement whose log-prob is
// the sum over nodes (GDP).
//
// Loss per minibatch M:
//   L = -mean_M min(r·A, clip(r, 1-ε, 1+ε)·A) + c_v · mean_M (V - R)² - c_e · mean_M H,
//   r = exp(log π(a|s) - log π_old(a|s)).
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "tessera/core/random.h"

namespace tessera::learn {

struct PpoOptions {
  double clip = 0.2;
  double entropy_coef = 0.01;
  double value_coef = 0.5;
  double learning_rate = 3e-4;
  int epochs = 4;                 ///< passes over the batch per update
  int64_t minibatch_size = 64;    ///< samples per gradient step (<= 0: whole batch)
  double max_grad_norm = 0.5;     ///< global gradient-norm clip (<= 0: off)
  bool normalize_advantages = true;
  double target_kl = 0.0;         ///< stop the epochs early when approx-KL exceeds this (0: off)
  void validate() const;
};

/// Stored decisions. ret may be undefined when the policy has no value head.
struct PpoBatch {
  torch::Tensor old_log_prob;  ///< [B]
  torch::Tensor advantage;     ///< [B]
  torch::Tensor ret;           ///< [B] value targets
  int64_t size() const { return old_log_prob.size(0); }
};

/// The current policy's view of a subset of the batch. value may be undefined.
struct PolicyEval {
  torch::Tensor log_prob;  ///< [M]
  torch::Tensor entropy;   ///< [M]
  torch::Tensor value;     ///< [M]
};

struct PpoStats {
  double policy_loss = 0, value_loss = 0, entropy = 0, approx_kl = 0, clip_fraction = 0;
  int gradient_steps = 0;
};

class PpoTrainer {
 public:
  /// parameters: everything the optimizer updates.
  PpoTrainer(std::vector<torch::Tensor> parameters, PpoOptions options);

  /// Runs options.epochs passes of shuffled minibatches. `evaluate(indices)` gets an int64 tensor of
  /// batch indices and returns the current policy's log-probs, entropies and values for them.
  PpoStats update(const PpoBatch& batch, const std::function<PolicyEval(const torch::Tensor&)>& evaluate,
                  Rng& rng);

  torch::optim::Adam& optimizer() { return optimizer_; }
  const PpoOptions& options() const { return options_; }

 private:
  std::vector<torch::Tensor> parameters_;
  PpoOptions options_;
  torch::optim::Adam optimizer_;
};

/// Generalized advantage estimation over one episode: rewards[t], values[t] (t < T), bootstrap
/// value after the last step (0 for terminal). Returns {advantages, returns}.
std::pair<std::vector<double>, std::vector<double>> compute_gae(const std::vector<double>& rewards,
                                                                const std::vector<double>& values,
                                                                double last_value, double gamma,
                                                                double lambda);

/// Exponential moving-average baseline for REINFORCE-style learners (the 2017 placer).
class MovingAverageBaseline {
 public:
  explicit MovingAverageBaseline(double decay = 0.95) : decay_(decay) {}
  double value() const { return value_; }
  bool initialized() const { return initialized_; }
  /// Advantage of reward r against the current baseline; then updates the baseline.
  double advantage_and_update(double r);

 private:
  double decay_;
  double value_ = 0;
  bool initialized_ = false;
};

}  // namespace tessera::learn
