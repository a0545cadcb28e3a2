#include "tessera/learn/device_learned_placers.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <vector>

#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/core/parallel.h"
#include "tessera/core/stopwatch.h"
#include "tessera/heuristics/classical_device_placers.h"
#include "tessera/learn/gdp_trainer.h"
#include "tessera/learn/rl2017_trainer.h"
#include "tessera/problems/placement_features.h"

namespace tessera::devices {

namespace {

// --extra keys per method (a key of the other method is an error, not silently ignored).
const std::vector<std::string> kRl2017Keys = {"iterations", "samples", "max_groups", "learning_rate",
                                              "checkpoint", "resume",  "log",        "refine",
                                              "refine_iterations", "refine_block_moves", "memory_repair"};
// Simulator evaluations per PPO iteration when fine-tuning a pre-trained model. A simulator evaluation
// costs well under a millisecond while one policy update costs tenths of a second, so many samples per
// update are nearly free at equal wall-clock and cut the variance of the per-group credit assignment
// (stop 17: 256 samples beat 8 on inception_v3 and MSR). Out-of-memory samples cost several evaluations
// each (memory repair), so the sample count is this budget over the evaluations per zero-shot sample:
// 256 when the samples fit, about 85 when each needs three repair rounds (stop 21, with exploration: on
// transformer b256, 256 samples leave about 33 iterations in a minute and reach 0.82; 85 samples reach
// 0.73; inception_v3 b512 loses about 1 %, docs/notes/devices_rl.md). Training from scratch keeps 8.
constexpr int kGdpFinetuneEvaluations = 256;
constexpr int kGdpFinetuneMinSamples = 8;
// Decisions each fine-tuning sample re-places at random (GdpTrainOptions::exploration). The pre-trained
// policy is nearly deterministic, so without it the samples are alike and PPO often stays in the
// zero-shot basin (stop 20: inception_v3 seed 2 0.3754 -> 0.3231, MSR seed 1 0.3655 -> 0.3513,
// docs/notes/devices_rl.md). Training from scratch samples a high-entropy policy and keeps 0.
constexpr double kGdpFinetuneExploration = 2.0;
// Share of fine-tuning samples that also move one run of consecutive groups to one device
// (GdpTrainOptions::block_exploration). Per-decision exploration re-places scattered groups; a pipeline
// boundary only moves when a whole run moves together, as in the anneal placer's block moves (stop 21 bench,
// docs/notes/devices_rl.md). Training from scratch keeps 0.
constexpr double kGdpFinetuneBlockExploration = 0.5;
// Fine-tuning learns a table of per-decision logit offsets on top of the frozen pre-trained network
// (GdpTrainOptions::adapter_lr, freeze_network) instead of updating the network. The network's forward and
// backward passes were most of an iteration (stop 22: MSR 43 of about 60 ms); without them an iteration is
// sampling and simulation, so a minute holds 1.7-6x as many (stop 23 bench). Stop 23 (60 s, seeds 1-3, medians): inception_v3
// 0.3263 -> 0.3198, transformer 0.1089 -> 0.1040, MSR 0.3511 -> 0.3490, inception_v3 b512 2.8362 -> 2.6435,
// transformer b256 0.7381 -> 0.7077; learning rates 0.05, 0.3 and 1 were no better (docs/notes/devices_rl.md).
// Training from scratch trains the network and has no table.
constexpr double kGdpFinetuneAdapterLr = 0.1;
// Self-imitation weight when fine-tuning with the table (GdpTrainOptions::self_imitation): one step per
// iteration towards the best placement found, so that the samples explore around it. With the network it
// hurt inception_v3 (stop 11); with the table, seed 1, it lowered all six bench graphs or left them within
// 0.2 % (stop 23, docs/notes/devices_rl.md).
constexpr double kGdpFinetuneSelfImitation = 0.1;
const std::vector<std::string> kGdpKeys = {"iterations",    "samples",      "zero_shot_samples", "scratch",
                                           "group_actions", "learning_rate", "entropy_coef",     "reward",
                                           "self_imitation", "self_imitation_steps", "exploration", "block_exploration",
                                           "ppo_epochs", "adapter_lr", "freeze_network",
                                           "checkpoint",    "resume",        "log",
                                           "refine",        "refine_iterations", "refine_block_moves",
                                           "memory_repair", "hint",          "start_from_zero_shot"};

void check_extra(const Json& extra, const std::string& method, const std::vector<std::string>& known) {
  if (!extra.is_object()) throw UsageError(method + ": --extra must be a JSON object");
  for (const auto& [key, value] : extra.items())
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw UsageError(method + ": unknown --extra key \"" + key + "\" (known: " + list + ")");
    }
}

template <typename T>
T extra_value(const Json& extra, const std::string& key, T fallback, const std::string& method) {
  if (!extra.contains(key)) return fallback;
  try {
    return extra.at(key).get<T>();
  } catch (const Json::exception&) {
    throw UsageError(method + ": --extra \"" + key + "\" has the wrong type (" + extra.at(key).dump() + ")");
  }
}

// best_trace: the learner's improvements (zero-shot samples and training, not the refinement), rows
// [evaluations until it, step time, feasible].
Json best_json(const TaskBest& b) {
  Json trace = Json::array();
  for (const auto& i : b.trace) trace.push_back({i.evaluations, i.step_time, i.feasible});
  return {{"best_step_time", b.step_time}, {"best_score", b.score}, {"best_feasible", b.feasible},
          {"evaluations_to_best", b.evaluations_to_best}, {"seconds_to_best", b.seconds_to_best},
          {"reference_single_device_time", b.reference}, {"best_trace", trace}};
}

constexpr int kDefaultMemoryRepair = 3;

// Local refinement of a learned placement (--extra refine / refine_iterations / refine_block_moves):
// simulated annealing (heuristics/classical_device_placers.h) from the learner's best placement, for the
// last `refine` seconds of --time-budget or for refine_iterations moves. The learner gets the rest of
// the budget, so a refined run takes the same wall-clock as an unrefined one.
struct RefineSettings {
  double seconds = 0;
  int64_t iterations = 0;
  double block_moves = 0.3;
  bool enabled() const { return seconds > 0 || iterations > 0; }
};

RefineSettings refine_settings(const Json& x, const PlaceOptions& options, const std::string& name) {
  RefineSettings r;
  r.seconds = extra_value(x, "refine", 0.0, name);
  r.iterations = extra_value(x, "refine_iterations", int64_t{0}, name);
  r.block_moves = extra_value(x, "refine_block_moves", r.block_moves, name);
  if (!(r.seconds >= 0)) throw UsageError(name + ": --extra refine must be >= 0 seconds");
  if (r.iterations < 0) throw UsageError(name + ": --extra refine_iterations must be >= 0");
  if (!(r.block_moves >= 0 && r.block_moves <= 1))
    throw UsageError(name + ": --extra refine_block_moves must be in [0, 1]");
  if (r.seconds > 0 && options.time_budget > 0 && r.seconds >= options.time_budget)
    throw UsageError(fmt::format("{}: --extra refine ({:g} s) must be shorter than --time-budget ({:g} s)", name,
                                 r.seconds, options.time_budget));
  return r;
}

// Runs the refinement on p (its device and info) when enabled; returns the simulator evaluations made.
int64_t refine_placement(Placement& p, const RefineSettings& r, const DeviceGraph& graph, const Cluster& cluster,
                         const PlaceOptions& options, int64_t evaluations_before) {
  if (!r.enabled() || p.device.empty()) return 0;
  AnnealOptions ao;
  ao.time_budget = r.seconds;
  ao.iterations = r.iterations > 0 ? r.iterations : std::numeric_limits<int64_t>::max() / 4;
  ao.block_moves = r.block_moves;
  ao.seed = derive_seed(options.seed, 0x5EF1);
  ao.progress = options.progress;
  AnnealResult a = anneal_placement(graph, cluster, options.sim, p.device, ao);
  SimOptions so = options.sim;
  so.record_trace = false;
  so.critical_path = false;
  DeviceSimulator sim(graph, cluster, so);
  const SimResult res = sim.run(a.placement);
  p.info["refine_start_step_time"] = p.info.value("best_step_time", 0.0);
  p.info["refine_start_score"] = a.start_score;
  p.info["refine_iterations"] = a.iterations;
  p.info["refine_improvements"] = a.improvements;
  if (a.improvements > 0) {
    p.info["evaluations_to_best"] = evaluations_before + a.iterations_to_best;
    p.info["seconds_to_best"] = p.info.value("learn_seconds", 0.0) + a.seconds_to_best;
  }
  p.info["best_step_time"] = res.step_time;
  p.info["best_score"] = res.score;
  p.info["best_feasible"] = res.feasible;
  p.device = std::move(a.placement);
  return a.iterations;
}

// Options every learned placer takes the same way: checkpoint/resume/log from --extra, and the run
// settings (seed, threads, progress, budget less the refinement's seconds, OOM penalty) from PlaceOptions.
template <class TrainOptions>
void apply_run_options(TrainOptions& o, const Json& x, const PlaceOptions& options, const RefineSettings& refine,
                       const std::string& name) {
  o.checkpoint = extra_value(x, "checkpoint", std::string(), name);
  o.resume = extra_value(x, "resume", false, name);
  o.log_prefix = extra_value(x, "log", std::string(), name);
  o.seed = options.seed;
  o.threads = options.threads;
  o.progress = options.progress;
  o.time_budget = options.time_budget;
  if (options.time_budget > 0) o.time_budget -= refine.seconds;
  o.oom_penalty = options.sim.oom_penalty;
  // Out-of-memory samples are repaired by default when placing (3 rounds; 0 = off). Pre-training
  // (devices train) keeps its own default of 0, so the shipped model's recipe is unchanged.
  o.memory_repair = extra_value(x, "memory_repair", kDefaultMemoryRepair, name);
  if (o.memory_repair < 0) throw UsageError(name + ": --extra memory_repair must be >= 0 (rounds; 0 = off)");
}

class Rl2017Placer : public Placer {
 public:
  std::string name() const override { return "rl2017"; }
  Placement place(const DeviceGraph& graph, const Cluster& cluster, const PlaceOptions& options) override {
    const Json& x = options.extra;
    check_extra(x, name(), kRl2017Keys);
    Rl2017Options o;
    o.iterations = extra_value(x, "iterations", o.iterations, name());
    o.samples = extra_value(x, "samples", o.samples, name());
    o.max_groups = extra_value(x, "max_groups", o.max_groups, name());
    o.learning_rate = extra_value(x, "learning_rate", o.learning_rate, name());
    const RefineSettings refine = refine_settings(x, options, name());
    apply_run_options(o, x, options, refine, name());
    Stopwatch clock;
    Rl2017Trainer trainer({graph.name(), &graph, &cluster}, o, options.model_path);
    trainer.train();
    if (!o.log_prefix.empty()) trainer.log().plot("reward", "rl2017 " + graph.name());
    Placement p;
    p.method = name();
    p.device = trainer.best().placement;
    p.info = best_json(trainer.best());
    p.info["evaluations"] = trainer.evaluations();
    p.info["iterations"] = trainer.iteration();
    p.info["groups"] = trainer.grouping().num_groups;
    p.info["memory_repaired_samples"] = trainer.repaired_samples();
    p.info["learn_seconds"] = clock.seconds();
    const int64_t refined = refine_placement(p, refine, graph, cluster, options, trainer.evaluations());
    p.info["evaluations"] = trainer.evaluations() + refined;
    return p;
  }
};

class GdpPlacer : public Placer {
 public:
  std::string name() const override { return "gdp"; }
  Placement place(const DeviceGraph& graph, const Cluster& cluster, const PlaceOptions& options) override {
    const Json& x = options.extra;
    check_extra(x, name(), kGdpKeys);
    const bool scratch = extra_value(x, "scratch", false, name());
    const int zero_shot_samples = extra_value(x, "zero_shot_samples", 15, name());
    if (zero_shot_samples < 0) throw UsageError("gdp: zero_shot_samples must be >= 0");
    GdpTrainOptions o;
    o.iterations = scratch ? extra_value(x, "iterations", 40, name()) : options.finetune_steps;
    // Fine-tuning without an explicit "samples": set from the zero-shot samples' cost below.
    const bool derive_samples = !scratch && !x.contains("samples");
    o.samples = extra_value(x, "samples", scratch ? o.samples : kGdpFinetuneEvaluations, name());
    o.ppo.learning_rate = extra_value(x, "learning_rate", o.ppo.learning_rate, name());
    o.ppo.entropy_coef = extra_value(x, "entropy_coef", o.ppo.entropy_coef, name());
    o.ppo.epochs = extra_value(x, "ppo_epochs", o.ppo.epochs, name());
    o.adapter_lr = extra_value(x, "adapter_lr", scratch ? 0.0 : kGdpFinetuneAdapterLr, name());
    o.freeze_network = extra_value(x, "freeze_network", !scratch && o.adapter_lr > 0, name());
    o.reward = extra_value(x, "reward", o.reward, name());
    o.self_imitation = extra_value(x, "self_imitation", o.adapter_lr > 0 ? kGdpFinetuneSelfImitation : 0.0, name());
    o.self_imitation_steps = extra_value(x, "self_imitation_steps", o.self_imitation_steps, name());
    o.exploration = extra_value(x, "exploration", scratch ? 0.0 : kGdpFinetuneExploration, name());
    o.block_exploration = extra_value(x, "block_exploration", scratch ? 0.0 : kGdpFinetuneBlockExploration, name());
    // Fine-tuning's best (the self-imitation target) starts from the zero-shot best, the hint included.
    // gnmt4, 60 s, seeds 1 / 2 / 3: 0.0577 / 0.0572 / 0.0589 against 0.0602 / 0.0588 / 0.0577 without
    // (stop 27, docs/notes/devices_rl.md).
    const bool start_from_zero_shot = extra_value(x, "start_from_zero_shot", true, name());
    const RefineSettings refine = refine_settings(x, options, name());
    apply_run_options(o, x, options, refine, name());

    Placement p;
    p.method = name();
    nn::GdpPolicy policy{nullptr};
    int64_t max_ops = 200000;
    std::string model;
    if (scratch) {
      torch::manual_seed(static_cast<int64_t>(derive_seed(options.seed, 23) & 0x7fffffff));
      // "hint": the policy reads the placement hint of default_hint_methods (as the shipped model does).
      const bool hint = extra_value(x, "hint", false, name());
      // The head covers the cluster (8 logits unless it has more devices: the runs on 8 or fewer are unchanged).
      policy = nn::GdpPolicy(nn::GdpPolicyOptions().hint(hint).max_devices(
          std::max<int64_t>(nn::GdpPolicyOptions().max_devices(), cluster.num_devices())));
      if (hint) o.hint_methods = default_hint_methods();
      p.info["mode"] = "scratch";
      o.group_actions = extra_value(x, "group_actions", true, name());
    } else {
      model = options.model_path.empty() ? default_gdp_model_path() : options.model_path;
      Json meta;
      policy = load_gdp_model(model, &meta);
      check_gdp_limits(meta, model, graph, cluster);
      max_ops = meta["limits"]["max_ops"].get<int64_t>();
      if (x.contains("hint"))
        throw UsageError("gdp: --extra hint applies to training from scratch only; a pre-trained model keeps the "
                         "placement hint it was trained with (" + model + ")");
      if (x.contains("group_actions"))
        throw UsageError("gdp: --extra group_actions applies to training from scratch only; a pre-trained model "
                         "keeps the decision unit it was trained with (" + model + ")");
      o.group_actions = gdp_group_actions(meta);  // fine-tune with the model's decision unit
      o.hint_methods = gdp_hint_methods(meta);
      p.info["mode"] = options.finetune_steps > 0 ? "finetune" : "zero-shot";
      p.info["model"] = model;
    }
    if (cluster.num_devices() > policy->options().max_devices())
      throw UsageError("gdp: cluster '" + cluster.name() + "' has " + std::to_string(cluster.num_devices()) +
                       " devices; the policy supports 1.." + std::to_string(policy->options().max_devices()));

    // Zero-shot: the greedy placement and a few samples of the (pre-trained) policy, best by the simulator.
    Stopwatch clock;
    TaskBest best;
    best.score = std::numeric_limits<double>::infinity();
    int64_t evaluations = 0;
    double inference_seconds = 0;
    // The policy input with the placement hint (for policies that read one): the hint's simulator evaluations
    // count as the run's; reported as hint_method / hint_step_time.
    ReferencePlacement hint;
    Stopwatch hint_clock;
    nn::OpGraphTensors input = gdp_input(graph, cluster, o.hint_methods, &hint);
    evaluations += hint.evaluations;
    if (!hint.method.empty()) {
      p.info["hint_method"] = hint.method;
      p.info["hint_step_time"] = hint.step_time;
      p.info["hint_feasible"] = hint.feasible;
      p.info["hint_seconds"] = hint_clock.seconds();
    }
    if (!scratch) {
      torch::NoGradGuard guard;
      policy->eval();
      Stopwatch inference;
      auto logits = decision_logits(policy->forward(input, cluster.num_devices()), input, o.group_actions);
      inference_seconds = inference.seconds();
      p.info["decisions"] = logits.size(0);
      Rng rng(derive_seed(options.seed, 99));
      auto [actions, lp] = sample_placements(logits, 1 + zero_shot_samples, rng, true);
      (void)lp;
      const int64_t S = actions.size(0);
      // The hint itself is a candidate too (first: it was found first), so the placer never returns a
      // placement worse than the hint it reads.
      const bool hint_candidate = !hint.placement.empty();
      const int64_t first_sample = hint_candidate ? 1 : 0;
      const int64_t K = S + first_sample;
      const int threads = resolve_threads(options.threads);
      SimOptions so = options.sim;
      so.record_trace = false;
      so.critical_path = false;
      std::vector<std::unique_ptr<DeviceSimulator>> sims;
      for (int w = 0; w < threads; ++w) sims.push_back(std::make_unique<DeviceSimulator>(graph, cluster, so));
      std::vector<std::vector<int>> placements(K);
      for (int64_t k = 0; k < K; ++k)
        placements[k] = k < first_sample ? hint.placement
                                         : placement_from_decisions(actions[k - first_sample], graph, o.group_actions);
      // A nearly deterministic policy draws the same placement several times, often the hint itself: a
      // candidate equal to an earlier one takes its result (simulation and repair are deterministic) and costs
      // no evaluation.
      std::vector<int64_t> same_as(K), distinct;
      {
        std::map<std::vector<int>, int64_t> seen;
        for (int64_t k = 0; k < K; ++k) {
          same_as[k] = seen.emplace(placements[k], k).first->second;
          if (same_as[k] == k) distinct.push_back(k);
        }
      }
      std::vector<SimResult> results(K);
      // cost: the evaluations a candidate takes when simulated (with its repair); spent: those it took here.
      std::vector<int> cost(K, 0), spent(K, 0);
      p.info["zero_shot_duplicates"] = K - static_cast<int64_t>(distinct.size());
      // A feasible hint was scored when it was computed, under the default simulator settings: with those,
      // its result is reused too (it would cost one evaluation). Otherwise it is simulated again.
      const bool hint_scored = hint_candidate && hint.feasible && options.sim.scores_like(SimOptions{});
      p.info["hint_candidate_evaluations"] = hint_candidate && !hint_scored ? 1 : 0;
      if (hint_scored) {
        results[0].score = hint.score;
        results[0].step_time = hint.step_time;
        results[0].feasible = true;
        cost[0] = 1;
        distinct.erase(distinct.begin());
      }
      parallel_for(static_cast<int64_t>(distinct.size()), threads, [&](int64_t i, int w) {
        const int64_t k = distinct[i];
        results[k] = sims[w]->run(placements[k]);
        cost[k] = spent[k] =
            1 + repair_out_of_memory(*sims[w], graph, cluster, placements[k], results[k], o.memory_repair);
      });
      for (int64_t k = 0; k < K; ++k)
        if (same_as[k] != k) {
          placements[k] = placements[same_as[k]];
          results[k] = results[same_as[k]];
        }
      int64_t repaired = 0, sample_total = 0;  // over the policy's candidates, a duplicate at its original's cost
      double policy_best = std::numeric_limits<double>::infinity();
      double policy_step_time = 0;
      for (int64_t k = 0; k < K; ++k) {
        evaluations += spent[k];
        if (k >= first_sample) {
          const int c = cost[same_as[k]];
          sample_total += c;
          repaired += c > 1 ? 1 : 0;
          if (results[k].score < policy_best) {
            policy_best = results[k].score;
            policy_step_time = results[k].step_time;
          }
        }
        if (results[k].score < best.score) {
          best.placement = placements[k];
          best.score = results[k].score;
          best.step_time = results[k].step_time;
          best.feasible = results[k].feasible;
          best.evaluations_to_best = evaluations;
          best.note_improvement();
        }
      }
      p.info["memory_repaired_samples"] = repaired;
      if (derive_samples) {
        const double per_sample = static_cast<double>(sample_total) / static_cast<double>(S);
        p.info["zero_shot_evaluations_per_sample"] = per_sample;
        o.samples = std::clamp(static_cast<int>(std::lround(kGdpFinetuneEvaluations / per_sample)),
                               kGdpFinetuneMinSamples, kGdpFinetuneEvaluations);
      }
      p.info["zero_shot_step_time"] = best.step_time;
      p.info["zero_shot_feasible"] = best.feasible;
      p.info["zero_shot_source"] = hint_candidate && results[0].score <= policy_best ? "hint" : "policy";
      p.info["policy_step_time"] = policy_step_time;  // the best of the policy's own candidates
      p.info["greedy_step_time"] = results[first_sample].step_time;
      p.info["policy_inference_seconds"] = inference_seconds;
    }
    if (o.iterations > 0) {
      PlacementTask task{graph.name(), &graph, &cluster, &input, hint.method};
      if (start_from_zero_shot && !scratch) task.start = &best;
      GdpTrainer trainer(policy, {task}, o, max_ops);
      trainer.train();
      if (!o.log_prefix.empty()) trainer.log().plot("reward", "gdp " + graph.name());
      const TaskBest& tb = trainer.best()[0];
      // The trace goes on from the zero-shot candidates with the training's improvements on them.
      std::vector<TaskBest::Improvement> trace = best.trace;
      double current = best.score;
      for (TaskBest::Improvement i : tb.trace)
        if (i.score < current) {
          i.evaluations += evaluations;
          trace.push_back(i);
          current = i.score;
        }
      if (tb.score < best.score) {
        best = tb;
        best.evaluations_to_best += evaluations;
      }
      best.trace = std::move(trace);
      evaluations += trainer.evaluations();
      p.info["iterations"] = trainer.iteration();
      p.info["samples_per_iteration"] = o.samples;
      p.info["memory_repaired_samples"] =
          p.info.value("memory_repaired_samples", int64_t{0}) + trainer.repaired_samples();
      best.reference = tb.reference;
    }
    p.device = best.placement;
    Json b = best_json(best);
    for (auto& [k, v] : b.items()) p.info[k] = v;
    p.info["evaluations"] = evaluations;
    p.info["learn_seconds"] = clock.seconds();
    // Zero-shot runs with refinement anneal for `refine` seconds too (there is no learning to shorten).
    p.info["evaluations"] = evaluations + refine_placement(p, refine, graph, cluster, options, evaluations);
    return p;
  }
};

}  // namespace

std::string default_gdp_model_path() {
  const std::string file = "gdp_devplace.pt";
  std::vector<std::string> candidates;
  if (const char* dir = std::getenv("TESSERA_MODEL_DIR")) candidates.push_back(std::string(dir) + "/" + file);
  candidates.push_back("models/" + file);
#ifdef TESSERA_SOURCE_DIR
  candidates.push_back(std::string(TESSERA_SOURCE_DIR) + "/models/" + file);
#endif
  for (const auto& c : candidates)
    if (std::filesystem::exists(c)) return c;
  std::string tried;
  for (const auto& c : candidates) tried += (tried.empty() ? "" : ", ") + c;
  throw UsageError("gdp: no --model given and the shipped model was not found (tried " + tried +
                   "); train one with `tessera devices train` or set TESSERA_MODEL_DIR");
}

void add_learned_placers(PlacerRegistry& registry) {
  registry.add("rl2017",
               "2017 seq2seq placer (LSTM encoder/attention decoder over co-location groups), REINFORCE on this graph; "
               "--extra '{\"refine\":S}' anneals its result for the last S s of --time-budget",
               [] { return std::make_unique<Rl2017Placer>(); });
  registry.add("gdp",
               "GDP policy (GraphSAGE + segment-recurrent attention, PPO); shipped pre-trained model zero-shot (it reads a "
               "placement hint: the best of the fast classical placers' placements), "
               "--finetune N to fine-tune (a per-group logit table on the frozen network), --extra '{\"scratch\":true}' to train from scratch, "
               "'{\"refine\":S}' to anneal the result for the last S s of --time-budget",
               [] { return std::make_unique<GdpPlacer>(); });
}

}  // namespace tessera::devices
