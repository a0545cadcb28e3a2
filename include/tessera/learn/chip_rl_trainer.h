#pragma once
// PPO training of the chip macro-placement policy (Circuit Training): episodes place every hard macro
// of a netlist with the policy (one per step, largest first), the soft macros by force-directed
// placement, and end with reward −proxy. One trainer handles several netlists at once (pre-training)
// or a single target (fine-tuning); rollouts of an iteration run on `threads` workers through
// tessera::parallel_for, each episode with its own random stream derive_seed(seed, iteration, episode),
// so a run is reproducible for a seed and thread count, and resuming from a checkpoint continues
// exactly where the interrupted run would have been.
//
// Advantage: with `baseline = "group"` (default) each episode's return minus the mean return of the
// other episodes of the same netlist in the iteration (leave-one-out); with "value" the PPO value
// head V(s_t). The value head is trained in both cases (coefficient 0.5), γ = 1.
#include <torch/torch.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/core/random.h"
#include "tessera/learn/ppo.h"
#include "tessera/learn/training_log.h"
#include "tessera/nn/chip_policy.h"
#include "tessera/problems/chip_rl_env.h"

namespace tessera::chip {

/// Model-file kind and feature-set id checked when a model is loaded.
inline constexpr const char* kChipRlModelKind = "chip_rl";
inline constexpr const char* kChipRlFeatureSet = "chip_rl_v2";  // v2: + wire-field channel

struct ChipRlTrainerOptions {
  int iterations = 50;
  int episodes_per_task = 4;   ///< episodes of every netlist per iteration
  double time_budget = 0;      ///< wall-clock seconds (0 = iterations only); no iteration starts that would overrun
  std::string baseline = "group";  ///< "group" (leave-one-out mean per netlist) or "value"
  double gae_lambda = 1.0;     ///< with baseline "value"
  learn::PpoOptions ppo = default_ppo();
  uint64_t seed = 1;
  int threads = 2;             ///< rollout workers
  int update_threads = 1;      ///< LibTorch threads for the PPO update (0 = leave as is)
  std::string checkpoint;      ///< written atomically after every iteration ("" = none)
  bool resume = false;         ///< continue from `checkpoint` when it exists
  std::string log_prefix;      ///< TrainingLog output (CSV/JSON/SVG), "" = none
  bool progress = true;
  void validate() const;
  static learn::PpoOptions default_ppo();
};

/// One complete episode.
struct ChipRlRollout {
  std::vector<ChipRlObservation> observations;  ///< kept only when asked
  std::vector<int> actions;
  std::vector<float> log_probs, values;
  ProxyCostResult cost;
  double proxy = 0;
  Placement placement;
  int64_t fallback_steps = 0;
};

/// Runs one episode with the policy: sampled with `rng`, or greedy (arg-max) when rng is null.
/// `node_embedding` = policy->encode(env.graph()) (computed once, no grad). A temperature below 1
/// samples closer to the greedy episode (p ∝ π^(1/T)); the recorded log-probabilities stay those of
/// the policy itself (T = 1), so training must sample with T = 1.
ChipRlRollout run_chip_episode(ChipPolicy& policy, const ChipRlEnv& env, const torch::Tensor& node_embedding,
                               Rng* rng, bool keep_observations, double temperature = 1.0);

/// A policy with the configuration stored in a model file, parameters loaded. Throws InputError for a
/// missing/corrupt file or one of another kind/feature set.
ChipPolicy load_chip_policy(const std::string& path, Json* meta = nullptr);
/// Saves a policy as a model file (kind chip_rl) with `state` in the metadata.
void save_chip_policy(const std::string& path, ChipPolicy& policy, const Json& state,
                      torch::optim::Optimizer* optimizer = nullptr);
/// Policy options for the environment's feature sizes.
ChipPolicyOptions default_chip_policy_options();

class ChipRlTrainer {
 public:
  ChipRlTrainer(ChipPolicy policy, std::vector<std::shared_ptr<const ChipRlEnv>> envs, ChipRlTrainerOptions options);

  /// Trains until options.iterations (counted over resumed runs too) or the time budget; returns a
  /// summary (iterations, samples, seconds, per-netlist first/last mean proxy and best proxy).
  Json train();

  ChipPolicy& policy() { return policy_; }
  int64_t iteration() const { return iteration_; }
  const learn::TrainingLog& log() const { return log_; }
  /// Best placement seen so far for netlist i (sampled during training), with its proxy.
  const Placement& best_placement(size_t i) const { return best_[i].placement; }
  double best_proxy(size_t i) const { return best_[i].proxy; }

 private:
  struct Best {
    double proxy = std::numeric_limits<double>::infinity();
    ProxyCostResult cost;
    Placement placement;
  };
  void try_resume();
  void save(double wall);
  Json state_json(double wall) const;

  ChipPolicy policy_;
  std::vector<std::shared_ptr<const ChipRlEnv>> envs_;
  ChipRlTrainerOptions options_;
  learn::PpoTrainer ppo_;
  learn::TrainingLog log_;
  std::vector<Best> best_;
  std::vector<double> first_mean_;
  int64_t iteration_ = 0, samples_ = 0;
  double wall_offset_ = 0;
};

}  // namespace tessera::chip
