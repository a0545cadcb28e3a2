#pragma once
// REINFORCE training of the 2017 sequence-to-sequence placer (nn::Seq2SeqPlacer) on one graph and
// cluster, as in Mirhoseini et al. 2017: ops grouped (co-location groups, merged by METIS into at
// most max_groups), several placements sampled per step, reward R = −sqrt(score) where score is the
// simulator's penalized step time (a large penalty for out-of-memory placements), advantage
// R − b with b a learn::MovingAverageBaseline, loss = −Σ_k (R_k − b) · log π(placement_k) / K.
// Simulations run in parallel (one DeviceSimulator per worker; deterministic per seed + threads);
// checkpoints are atomic and resumable.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/learn/gdp_trainer.h"
#include "tessera/learn/ppo.h"
#include "tessera/learn/training_log.h"
#include "tessera/nn/seq2seq_placer.h"
#include "tessera/problems/placement_features.h"

namespace tessera::devices {

inline constexpr const char* kRl2017ModelKind = "rl2017";

struct Rl2017Options {
  int iterations = 60;          ///< policy-gradient steps
  int samples = 8;              ///< placements per step
  int max_groups = 128;         ///< METIS-merge co-location groups beyond this many
  double learning_rate = 2e-3;
  double baseline_decay = 0.9;
  double entropy_coef = 0.01;
  double oom_penalty = 10.0;
  uint64_t seed = 1;
  int threads = 2;
  std::string checkpoint;       ///< written every checkpoint_every iterations and at the end
  int checkpoint_every = 10;
  bool resume = false;
  std::string log_prefix;
  bool progress = true;
  double time_budget = 0;       ///< seconds (0 = no limit)
  int memory_repair = 0;        ///< rounds of memory repair of out-of-memory samples (see GdpTrainOptions)
  void validate() const;
};

class Rl2017Trainer {
 public:
  /// Builds the grouping and a fresh network for the task's cluster (or loads `model_path` when set:
  /// its device count and max_groups must match; resumes from options.checkpoint when asked).
  Rl2017Trainer(PlacementTask task, Rl2017Options options, const std::string& model_path = "");

  void train();
  void save(const std::string& path);
  void restore(const std::string& path);

  const TaskBest& best() const { return best_; }
  int64_t evaluations() const { return evaluations_; }
  /// Samples that needed memory repair (this run; not checkpointed).
  int64_t repaired_samples() const { return repaired_samples_; }
  int iteration() const { return iteration_; }
  const OpGrouping& grouping() const { return grouping_; }
  learn::TrainingLog& log() { return log_; }
  nn::Seq2SeqPlacer& policy() { return policy_; }

 private:
  Json meta() const;

  PlacementTask task_;
  Rl2017Options options_;
  OpGrouping grouping_;
  nn::GroupSequenceTensors input_;
  nn::Seq2SeqPlacer policy_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  learn::MovingAverageBaseline baseline_;
  learn::TrainingLog log_;
  TaskBest best_;
  int iteration_ = 0;
  int64_t evaluations_ = 0;
  int64_t repaired_samples_ = 0;
  double wall_offset_ = 0;
};

}  // namespace tessera::devices
