#pragma once
// PPO training of the bin-packing policy on generated instances (problems/bin_packing_generator.h),
// with the RLHO reward of Cai et al. (2019): the return of an episode is
//   R = obj(RL packing) + sa_weight · (obj(SA from the RL packing) - obj(RL packing)),
//   obj(P) = -bins(P)/L1 + fitness_weight · Falkenauer fitness(P),
// minus the same objective reached from FFD (+ SA) on the same instance (a self-critical baseline),
// paid as -1/L1 at each step that opens a bin plus the rest at the last step; so with
// sa_weight = 1 the policy is rewarded for the packing SA reaches from its start.
// Rollouts run in parallel (tessera::parallel_for), each from derive_seed(seed, episode), so a run
// is reproducible for a given seed and thread count. After every iteration the model, optimizer and
// training log are checkpointed atomically to `out`; `resume` continues from it.
#include <cstdint>
#include <string>

#include "tessera/core/json.h"
#include "tessera/learn/ppo.h"

namespace tessera::binpack {

struct BinpackTrainOptions {
  int iterations = 40;
  int episodes = 32;             ///< rollouts per iteration
  std::string family = "mixed";  ///< uniform | triplet | scholl | hard28 | mixed
  int64_t min_items = 60;
  int64_t max_items = 150;
  bool rlho = true;              ///< add the SA improvement to the reward
  int64_t sa_iterations = 20000; ///< SA budget per episode during training (deterministic)
  double sa_weight = 1.0;
  double fitness_weight = 1.0;
  int64_t hidden = 64;
  double gae_lambda = 0.95;
  int validation_instances = 8;  ///< fixed instances, greedy bins / L1 logged every iteration
  uint64_t seed = 1;
  int threads = 2;
  std::string out = "models/binpack_policy.pt";
  std::string best_out;          ///< also save the model of the best greedy validation here ("" = no)
  std::string log;               ///< training-log prefix ("" = out without ".pt" + "_log")
  bool resume = false;
  learn::PpoOptions ppo;
  void validate() const;
};

/// Trains and returns a summary (final metrics, wall-clock, paths).
Json train_binpack_policy(const BinpackTrainOptions& options, bool show_progress = true);

}  // namespace tessera::binpack
