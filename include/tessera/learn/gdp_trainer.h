#pragma once
// PPO training of the GDP policy (nn::GdpPolicy) on one or many (graph, cluster) tasks at once.
//
// One PPO sample is one whole placement of one task. With group_actions (the default) the decision
// unit is the co-location group: a group's distribution is the softmax of the mean of its ops' logits,
// groups are sampled independently and every op follows its group, so log π(placement) =
// Σ_groups log π(device_group). Without it every op is sampled (the older models) and co-location is
// enforced afterwards, which leaves the log-probabilities of the overridden ops (half of the ops of a
// training graph: the backward ops) describing actions that never happened. The sum is divided by the
// number of decisions when mean_log_prob, the default; see below. Each iteration samples `samples`
// placements per task, evaluates them with the simulator in parallel (one DeviceSimulator per task
// and worker thread; results stored by index, so runs are deterministic for a seed and thread
// count), and runs learn::PpoTrainer on the batch.
//
// Reward of a placement of task t: r = −score / ref_t, where score is the simulator's penalized step
// time (out-of-memory placements are penalized) and ref_t the step time of the whole graph on device 0
// (a per-graph scale, so that graphs of very different sizes share one batch). Advantage = r − the
// mean reward of the task's samples in the same iteration (a per-graph baseline).
//
// Checkpoints (learn::save_checkpoint, atomic) hold the policy, the Adam state and the training state
// (iteration, evaluations, log rows, best placements); a resumed run continues exactly where the
// checkpoint was written (random streams derive from (seed, iteration)).
//
// Optionally the policy first imitates teacher placements (imitate(): per-op cross-entropy), so that
// PPO starts from a policy that already splits graphs the way a good classical placer does instead of
// from a uniform one, whose samples scatter ops over all devices.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/learn/ppo.h"
#include "tessera/learn/training_log.h"
#include "tessera/nn/gdp_policy.h"
#include "tessera/problems/cluster.h"
#include "tessera/problems/device_graph.h"

namespace tessera::devices {

inline constexpr const char* kGdpModelKind = "gdp";

struct TaskBest;

/// A graph to place on a cluster. Both must outlive the trainer.
struct PlacementTask {
  std::string name;
  const DeviceGraph* graph = nullptr;
  const Cluster* cluster = nullptr;
  /// The policy input when already computed (gdp_input; must outlive the trainer); null = computed here.
  const nn::OpGraphTensors* input = nullptr;
  std::string hint_method = {};  ///< the placer of input's hint, when input is given
  /// The best placement known before training (e.g. the zero-shot candidates'; must outlive the trainer):
  /// the task's best starts from it, so self-imitation pulls towards it from the first update. Its score
  /// must come from the trainer's simulator settings; its evaluations are the caller's (not counted again).
  const TaskBest* start = nullptr;
};

struct GdpTrainOptions {
  int iterations = 40;         ///< PPO iterations (total, including resumed ones)
  int samples = 8;             ///< placements sampled per task per iteration (>= 2)
  learn::PpoOptions ppo = default_ppo();
  uint64_t seed = 1;
  int threads = 2;
  std::string checkpoint;      ///< written every checkpoint_every iterations and at the end ("" = none)
  int checkpoint_every = 5;
  bool resume = false;         ///< continue from `checkpoint` when it exists
  std::string log_prefix;      ///< TrainingLog prefix ("" = in memory)
  bool progress = true;
  double oom_penalty = 10.0;   ///< simulator's penalty (see cost/device_simulator.h)
  double time_budget = 0;      ///< stop after this many seconds (0 = no limit)
  /// PPO ratio on the mean log-probability per decision (Σ log π / number of groups or ops) instead of
  /// the sum. The sum over thousands of ops makes exp(Δ log π) overflow after one gradient step (ratio
  /// e^70 on a 7k-op graph), so every sample is clipped or the loss is infinite; the mean keeps the same
  /// gradient direction (the advantages are normalized anyway) with a usable trust region.
  bool mean_log_prob = true;
  /// One decision per co-location group (see above); false = one per op (models of stop 9 and before).
  bool group_actions = true;
  /// Reward of a score ratio x = score / ref: "linear" −x, "sqrt" −√x (the 2017 placer's), "log" −ln x.
  /// The compressing forms keep a few out-of-memory samples (score up to 1 + oom_penalty × excess times
  /// the step time) from flattening the normalized advantages of all the feasible ones.
  std::string reward = "linear";
  /// Self-imitation (Oh et al., 2018, simplified): after each PPO update, self_imitation_steps Adam
  /// steps on self_imitation × the cross-entropy between the policy and the best placement found so
  /// far for each task (0 = off). It pulls the policy towards its best sample, so that the next
  /// samples explore around it rather than around the policy's mean.
  double self_imitation = 0;
  int self_imitation_steps = 1;
  /// Rounds of memory repair of out-of-memory samples (repair_out_of_memory in
  /// heuristics/classical_device_placers.h; 0 = off). The sample's reward is that of the repaired
  /// placement (the repair is part of the environment), and each round costs one simulator evaluation.
  int memory_repair = 0;
  /// Exploration while training: each sample re-places about this many decisions (groups or ops) at
  /// random, i.e. every decision comes from the behaviour policy (1 − ε)·π + ε·uniform with
  /// ε = min(0.5, exploration / decisions) per task, and the PPO ratio is π/μ (0 = sample π). A
  /// pre-trained policy is nearly deterministic on many graphs (≈ 0.05 nats per decision): its samples
  /// are all alike and PPO gets no signal from them.
  double exploration = 0;
  /// Block exploration: this share of the training samples moves one run of up to
  /// exploration_block_limit(decisions) consecutive decisions (groups in op order) to one random device,
  /// like the anneal placer's block moves; the other decisions as above. The old log-probability of such
  /// a sample is log(share / (decisions · block lengths · D)) + Σ log μ over the decisions outside the
  /// block (the component that drew it), of the others log(1 − share) + Σ log μ. 0 here; the gdp placer
  /// fine-tunes with 0.5 (stop 21 bench: gnmt4 0.0648 → 0.0637, MSR 0.3601 → 0.3519, docs/notes/devices_rl.md).
  double block_exploration = 0;
  /// Per-decision logit adapter: a table of logit offsets [decisions x devices] per task, zero at the start,
  /// is added to the network's logits and trained by the same PPO loss with this Adam learning rate (0 = no
  /// table). It is specific to the graph it was trained on: a checkpoint keeps it (to resume), but a
  /// checkpoint used as a model for another graph uses the network alone. The gdp placer fine-tunes with
  /// 0.1 and a frozen network (device_learned_placers.cpp); pre-training and training from scratch use 0.
  double adapter_lr = 0;
  /// The network is not trained: its logits are computed once (after a resume, from the checkpoint's
  /// network) and only the adapter learns, so an iteration needs no forward or backward pass of the
  /// network. Needs adapter_lr > 0.
  bool freeze_network = false;
  /// Classical placers (device_placer.h names) whose best placement, by the simulator's score, is the
  /// placement hint of each task for a policy with GdpPolicyOptions::hint (best_classical_placement).
  /// Required for such a policy; a model records its list (gdp_hint_methods).
  std::vector<std::string> hint_methods;
  static learn::PpoOptions default_ppo();
  void validate() const;
};

/// Best placement found for one task.
struct TaskBest {
  std::vector<int> placement;
  double score = 0, step_time = 0;
  bool feasible = false;
  double reference = 0;            ///< ref_t (single-device step time)
  int64_t evaluations_to_best = 0; ///< simulator evaluations of this task until the best was found
  double seconds_to_best = 0;
  /// One entry per improvement of the best, in order (the last is the best): the evaluations until it,
  /// its score, step time and feasibility. "Evaluations to reach a given step time" are read from it.
  struct Improvement {
    int64_t evaluations = 0;
    double score = 0, step_time = 0;
    bool feasible = false;
  };
  std::vector<Improvement> trace;
  /// Appends the current best to the trace (call after each improvement).
  void note_improvement() { trace.push_back({evaluations_to_best, score, step_time, feasible}); }
};

/// The trace as JSON rows [evaluations, score, step_time, feasible] (checkpoints), and back; a malformed
/// row throws Json::exception, which the checkpoint readers report as an incomplete training state.
Json improvement_trace_json(const std::vector<TaskBest::Improvement>& trace);
std::vector<TaskBest::Improvement> improvement_trace_from_json(const Json& rows);

/// Cluster/graph context features of the policy (feature set devplace-v1): log memory need per device
/// capacity, log compute time, log link-to-memory bandwidth ratio, log op count.
std::vector<float> cluster_context(const DeviceGraph& graph, const Cluster& cluster);

/// Model metadata for save_checkpoint: kind, feature set, network configuration, limits, the
/// decision unit ("actions": "group" or "op"; files without the field are "op") and, for a policy with
/// a placement hint, the classical placers that make it ("hint_methods").
Json gdp_model_meta(const nn::GdpPolicyOptions& options, int64_t max_ops, bool group_actions = true,
                    const std::vector<std::string>& hint_methods = {});
/// Whether a model's metadata says it decides per co-location group.
bool gdp_group_actions(const Json& meta);
/// The hint's classical placers of a model (empty for a model without a hint).
std::vector<std::string> gdp_hint_methods(const Json& meta);

/// The best of the named classical placers' placements of a graph, by the simulator's score.
struct ReferencePlacement {
  std::vector<int> placement;
  std::string method;
  double score = 0, step_time = 0;
  bool feasible = false;
  int64_t evaluations = 0;  ///< simulator evaluations made to find it
};
/// Runs each named classical placer (seed `seed`, one thread); a placer that refuses the graph (UsageError,
/// e.g. "expert" without an expert split) is skipped. An out-of-memory placement gets up to repair_rounds
/// rounds of memory repair (repair_out_of_memory). A placer that simulates placements to choose its own
/// (metis-sweep) reports them in its info's "evaluations", and they count here. Devices are then renumbered
/// by first use in topological order when that leaves the score unchanged (homogeneous devices), so that one
/// numbering serves every graph. UsageError when no placer gives a placement.
ReferencePlacement best_classical_placement(const DeviceGraph& graph, const Cluster& cluster,
                                            const std::vector<std::string>& methods, uint64_t seed = 1,
                                            int repair_rounds = 0);
/// Default hint placers of `devices train --hint` (the fast classical placers; not the anneal).
const std::vector<std::string>& default_hint_methods();
/// Rounds of memory repair of the hint placement (the gdp placer's default for its samples).
inline constexpr int kHintMemoryRepair = 3;

/// The policy input of a task: op_graph_tensors with the cluster context, and with the placement hint
/// (best_classical_placement of hint_methods, seed 1, kHintMemoryRepair rounds) when hint_methods is
/// not empty. hint_out (optional) receives the hint.
nn::OpGraphTensors gdp_input(const DeviceGraph& graph, const Cluster& cluster,
                             const std::vector<std::string>& hint_methods, ReferencePlacement* hint_out = nullptr);
/// Loads a GDP model file; InputError (naming the file) when it is not a GDP model of feature set
/// devplace-v1 or its parameters do not fit. meta_out receives the metadata.
nn::GdpPolicy load_gdp_model(const std::string& path, Json* meta_out = nullptr);
/// UsageError naming the model when the graph has more ops than max_ops or the cluster more devices
/// than the model supports.
void check_gdp_limits(const Json& meta, const std::string& model_path, const DeviceGraph& graph,
                      const Cluster& cluster);

/// Per-group logits [num_groups, D]: the mean of the logits of each group's ops (differentiable).
torch::Tensor group_logits(const torch::Tensor& op_logits, const nn::OpGraphTensors& input);
/// The decision logits of a policy output: per group (group_actions) or per op.
inline torch::Tensor decision_logits(const torch::Tensor& op_logits, const nn::OpGraphTensors& input,
                                     bool group_actions) {
  return group_actions ? group_logits(op_logits, input) : op_logits;
}
/// Per-op placement from one sampled row of decisions (per group or per op), co-location enforced.
std::vector<int> placement_from_decisions(const torch::Tensor& row, const DeviceGraph& graph, bool group_actions);

/// Samples K placements from decision logits [m, D] (per group or per op) with rng (greedy = argmax as
/// sample 0 when set). With exploration ε > 0 each decision comes from the mixture (1 − ε)·π + ε·uniform,
/// and the log-probabilities are the mixture's (the behaviour policy's, for the PPO ratio).
/// Returns actions [K, m] (int64) and their summed log-probabilities [K].
std::pair<torch::Tensor, torch::Tensor> sample_placements(const torch::Tensor& logits, int64_t K, Rng& rng,
                                                         bool first_greedy, double exploration = 0);

/// Longest run of consecutive decisions that block exploration moves together: an eighth of the
/// decisions, at most 64 (stop 20: with a flat 64, MSR's 96 groups got 0.3924; with 12, 0.3476).
inline constexpr int64_t kMaxExplorationBlock = 64;
inline int64_t exploration_block_limit(int64_t decisions) {
  return std::max<int64_t>(1, std::min<int64_t>(kMaxExplorationBlock, decisions / 8));
}

/// Block exploration (GdpTrainOptions::block_exploration) applied to K samples drawn by
/// sample_placements(logits, K, rng, false, exploration): each sample, with probability
/// block_exploration, gets one block of decisions set to one device; every sample's log_probs entry
/// (sample_placements' sum for that exploration) becomes the behaviour log-probability described there.
void explore_blocks(torch::Tensor& actions, torch::Tensor& log_probs, const torch::Tensor& logits, double exploration,
                    double block_exploration, Rng& rng);

class GdpTrainer {
 public:
  /// max_ops is recorded in saved models (the policy's supported graph size).
  GdpTrainer(nn::GdpPolicy policy, std::vector<PlacementTask> tasks, GdpTrainOptions options,
             int64_t max_ops = 200000);

  /// Runs the remaining iterations (after a resume, from the checkpoint's iteration on).
  void train();
  /// Behaviour cloning before PPO: `epochs` Adam steps (the PPO optimizer) on the mean per-op
  /// cross-entropy between the policy and one teacher placement per task (an empty teacher leaves its
  /// task out). Teachers come from the classical placers on the training graphs. Returns the mean
  /// loss of the last epoch.
  double imitate(const std::vector<std::vector<int>>& teachers, int epochs);
  /// Saves the policy (+ optimizer and training state) atomically.
  void save(const std::string& path);
  /// Restores from a checkpoint (InputError when it does not match the tasks or the network).
  void restore(const std::string& path);

  const std::vector<TaskBest>& best() const { return best_; }
  int64_t evaluations() const { return evaluations_; }
  /// Samples that needed memory repair (this run; not checkpointed).
  int64_t repaired_samples() const { return repaired_samples_; }
  int iteration() const { return iteration_; }
  double wall_seconds() const { return wall_offset_; }
  /// The classical placer whose placement is task t's hint ("" for a policy without a hint).
  const std::string& hint_method(size_t t) const { return hint_method_.at(t); }
  learn::TrainingLog& log() { return log_; }
  nn::GdpPolicy& policy() { return policy_; }

 private:
  void record(size_t task, const std::vector<int>& placement, double score, double step_time, bool feasible);
  /// The policy's decision logits for task t (per group or per op, see group_actions).
  torch::Tensor task_logits(size_t t);
  /// Cross-entropy targets of a per-op placement in the policy's decision unit (a group takes the
  /// device of its heaviest op).
  torch::Tensor decision_targets(size_t t, const std::vector<int>& placement) const;
  /// One Adam step on weight × mean cross-entropy to the targets (undefined targets are skipped);
  /// returns the mean cross-entropy, or -1 when no task has a target.
  double imitation_step(const std::vector<torch::Tensor>& targets, double weight);

  nn::GdpPolicy policy_;
  std::vector<PlacementTask> tasks_;
  GdpTrainOptions options_;
  int64_t max_ops_;
  std::unique_ptr<learn::PpoTrainer> ppo_;
  learn::TrainingLog log_;
  /// Per task [decisions, D]: the logit offsets are adapter_scale_ x these (adapter_lr > 0). Adam's step does
  /// not depend on the gradient's scale, so the scale sets the table's learning rate within the PPO optimizer.
  std::vector<torch::Tensor> adapter_;
  double adapter_scale_ = 1;
  std::vector<torch::Tensor> frozen_logits_;  ///< per task, when freeze_network
  std::vector<nn::OpGraphTensors> inputs_;
  std::vector<std::string> hint_method_;  ///< per task: the placer of its hint ("" without)
  std::vector<TaskBest> best_;
  std::vector<int64_t> task_evaluations_;
  int iteration_ = 0;
  int64_t evaluations_ = 0;
  int64_t repaired_samples_ = 0;
  double wall_offset_ = 0;
};

}  // namespace tessera::devices
