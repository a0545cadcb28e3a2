#include "tessera/learn/gdp_trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/core/parallel.h"
#include "tessera/core/progress.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/device_simulator.h"
#include "tessera/heuristics/classical_device_placers.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/problems/placement_features.h"

namespace tessera::devices {

learn::PpoOptions GdpTrainOptions::default_ppo() {
  learn::PpoOptions p;
  p.learning_rate = 5e-3;
  p.epochs = 3;
  p.minibatch_size = 0;  // whole batch: one forward per task per gradient step
  p.entropy_coef = 0.01;
  p.clip = 0.2;
  p.max_grad_norm = 1.0;
  p.target_kl = 0.0;
  return p;
}

void GdpTrainOptions::validate() const {
  if (iterations < 0) throw UsageError("gdp: iterations must be >= 0");
  if (samples < 2) throw UsageError("gdp: samples must be >= 2 (the baseline is the mean of the samples)");
  if (checkpoint_every < 1) throw UsageError("gdp: checkpoint_every must be >= 1");
  if (resume && checkpoint.empty()) throw UsageError("gdp: resume needs a checkpoint path");
  if (time_budget < 0) throw UsageError("gdp: time_budget must be >= 0");
  if (self_imitation < 0) throw UsageError("gdp: self_imitation must be >= 0");
  if (self_imitation_steps < 1) throw UsageError("gdp: self_imitation_steps must be >= 1");
  if (memory_repair < 0) throw UsageError("gdp: memory_repair must be >= 0");
  if (!(exploration >= 0)) throw UsageError("gdp: exploration must be >= 0 (decisions re-placed per sample)");
  if (!(block_exploration >= 0 && block_exploration < 1))
    throw UsageError("gdp: block_exploration must be in [0, 1) (share of samples with one block re-placed)");
  if (!(adapter_lr >= 0 && std::isfinite(adapter_lr)))
    throw UsageError("gdp: adapter_lr must be >= 0 (learning rate of the per-decision logit table; 0 = no table)");
  if (freeze_network && adapter_lr == 0)
    throw UsageError("gdp: freeze_network needs adapter_lr > 0 (with a frozen network only the table can learn)");
  if (reward != "linear" && reward != "sqrt" && reward != "log")
    throw UsageError("gdp: reward must be linear, sqrt or log (got \"" + reward + "\")");
  ppo.validate();
}

std::vector<float> cluster_context(const DeviceGraph& g, const Cluster& c) {
  double mem = c.device(0).memory, bw = c.device(0).mem_bandwidth, flops = c.device(0).peak_flops;
  for (const auto& d : c.devices()) {
    mem = std::min(mem, d.memory);
    bw = std::min(bw, d.mem_bandwidth);
    flops = std::min(flops, d.peak_flops);
  }
  double need = g.total_param_bytes() + g.total_output_bytes();
  double link = c.num_devices() > 1 ? c.route_bandwidth(0, 1) : bw;
  return {static_cast<float>(std::log(std::max(need, 1.0) / mem) / 3.0),
          static_cast<float>(std::log1p(g.total_flops() / flops * 1e6) / 15.0),
          static_cast<float>(std::log(link / bw) / 5.0),
          static_cast<float>(std::log1p(static_cast<double>(g.num_ops())) / 12.0)};
}

Json gdp_model_meta(const nn::GdpPolicyOptions& o, int64_t max_ops, bool group_actions,
                    const std::vector<std::string>& hint_methods) {
  Json config = {{"num_op_types", o.num_op_types()}, {"numeric_features", o.numeric_features()},
                 {"context_features", o.context_features()}, {"type_embedding", o.type_embedding()},
                 {"hidden", o.hidden()}, {"sage_layers", o.sage_layers()},
                 {"attention_layers", o.attention_layers()}, {"heads", o.heads()}, {"ffn", o.ffn()},
                 {"segment", o.segment()}, {"max_devices", o.max_devices()}, {"hint", o.hint()}};
  Json meta = {{"kind", kGdpModelKind}, {"features", kPlacementFeatureSet}, {"config", config},
               {"limits", {{"max_ops", max_ops}, {"max_devices", o.max_devices()}}},
               {"actions", group_actions ? "group" : "op"}};
  if (o.hint()) meta["hint_methods"] = hint_methods;
  return meta;
}

bool gdp_group_actions(const Json& meta) { return meta.value("actions", "op") == "group"; }

std::vector<std::string> gdp_hint_methods(const Json& meta) {
  if (!meta.contains("hint_methods")) return {};
  return meta.at("hint_methods").get<std::vector<std::string>>();
}

const std::vector<std::string>& default_hint_methods() {
  static const std::vector<std::string> methods = {"single", "rule-expert", "metis-sweep", "m-topo", "m-etf", "m-sct",
                                                    "heft"};
  return methods;
}

ReferencePlacement best_classical_placement(const DeviceGraph& graph, const Cluster& cluster,
                                            const std::vector<std::string>& methods, uint64_t seed,
                                            int repair_rounds) {
  PlacerRegistry registry;
  add_classical_placers(registry);
  PlaceOptions po;
  po.seed = seed;
  po.threads = 1;
  po.progress = false;
  SimOptions so;
  so.critical_path = false;
  so.record_trace = false;
  DeviceSimulator sim(graph, cluster, so);
  ReferencePlacement best;
  best.score = std::numeric_limits<double>::infinity();
  int64_t evaluations = 0;
  // Placers often agree (m-ETF and m-SCT on many graphs): a placement seen before is not simulated or
  // repaired again (both are deterministic), and cannot be a new best.
  std::set<std::vector<int>> seen;
  for (const auto& m : methods) {
    auto placer = registry.create(m);  // UsageError listing the names when unknown
    Placement p;
    try {
      p = run_placer(*placer, graph, cluster, po);
    } catch (const UsageError& e) {  // e.g. "expert" on a graph without an expert split
      spdlog::debug("gdp: classical placer {} skipped on {}: {}", m, graph.name(), e.what());
      continue;
    }
    evaluations += p.simulator_evaluations();  // metis-sweep simulates to choose
    if (!seen.insert(p.device).second) continue;
    SimResult r = sim.run(p.device);
    evaluations += 1 + repair_out_of_memory(sim, graph, cluster, p.device, r, repair_rounds);
    if (r.score < best.score) best = {std::move(p.device), m, r.score, r.step_time, r.feasible, 0};
  }
  if (best.placement.empty()) throw UsageError("gdp: none of the classical placers could place " + graph.name());
  // Devices renumbered by first use in topological order, kept when the score does not change (no simulation
  // when the numbering is canonical already).
  std::vector<int> map(cluster.num_devices(), -1);
  int next = 0;
  for (int op : graph.topological_order())
    if (map[best.placement[op]] < 0) map[best.placement[op]] = next++;
  std::vector<int> canonical(best.placement.size());
  for (size_t v = 0; v < canonical.size(); ++v) canonical[v] = map[best.placement[v]];
  best.evaluations = evaluations;
  if (canonical == best.placement) return best;
  const SimResult c = sim.run(canonical);
  best.evaluations = evaluations + 1;
  if (c.score <= best.score * (1 + 1e-9)) {
    best.placement = std::move(canonical);
    best.score = c.score;
    best.step_time = c.step_time;
    best.feasible = c.feasible;
  }
  return best;
}

nn::OpGraphTensors gdp_input(const DeviceGraph& graph, const Cluster& cluster,
                             const std::vector<std::string>& hint_methods, ReferencePlacement* hint_out) {
  nn::OpGraphTensors input = op_graph_tensors(graph, cluster_context(graph, cluster));
  if (!hint_methods.empty()) {
    ReferencePlacement ref = best_classical_placement(graph, cluster, hint_methods, 1, kHintMemoryRepair);
    input.hint = torch::tensor(std::vector<int64_t>(ref.placement.begin(), ref.placement.end()), torch::kInt64);
    if (hint_out != nullptr) *hint_out = std::move(ref);
  }
  return input;
}

torch::Tensor group_logits(const torch::Tensor& op_logits, const nn::OpGraphTensors& in) {
  TORCH_CHECK(in.group.defined() && in.group.numel() == op_logits.size(0) && in.num_groups > 0,
              "group_logits: the input has no co-location groups for its ", op_logits.size(0), " ops");
  const auto options = op_logits.options();
  auto sum = torch::zeros({in.num_groups, op_logits.size(1)}, options).index_add(0, in.group, op_logits);
  auto count = torch::zeros({in.num_groups}, options).index_add(0, in.group, torch::ones({op_logits.size(0)}, options));
  return sum / count.unsqueeze(1);
}

std::vector<int> placement_from_decisions(const torch::Tensor& row, const DeviceGraph& graph, bool group_actions) {
  auto r = row.contiguous();
  const int64_t* a = r.data_ptr<int64_t>();
  std::vector<int> decisions(a, a + r.numel());
  if (group_actions) return graph.expand_group_placement(decisions);
  graph.enforce_colocation(decisions);
  return decisions;
}

nn::GdpPolicy load_gdp_model(const std::string& path, Json* meta_out) {
  Json meta = learn::read_checkpoint_meta(path, kGdpModelKind);
  std::string features = meta.value("features", "");
  if (features != kPlacementFeatureSet)
    throw InputError(path, 0, "model was trained on feature set \"" + features + "\" but this build computes \"" +
                                  std::string(kPlacementFeatureSet) + "\"; retrain it with `tessera devices train`");
  nn::GdpPolicyOptions o;
  try {
    const Json& c = meta.at("config");
    o.num_op_types(c.at("num_op_types")).numeric_features(c.at("numeric_features"))
        .context_features(c.at("context_features")).type_embedding(c.at("type_embedding"))
        .hidden(c.at("hidden")).sage_layers(c.at("sage_layers")).attention_layers(c.at("attention_layers"))
        .heads(c.at("heads")).ffn(c.at("ffn")).segment(c.at("segment")).max_devices(c.at("max_devices"))
        .hint(c.value("hint", false));  // models written before stop 26 have no hint
    (void)meta.at("limits").at("max_ops").get<int64_t>();
    const std::vector<std::string> hint_methods = gdp_hint_methods(meta);
    if (o.hint() && hint_methods.empty())
      throw InputError(path, 0, "model reads a placement hint but names no hint_methods");
    PlacerRegistry classical;
    add_classical_placers(classical);
    const auto known = classical.names();
    for (const auto& m : hint_methods)
      if (std::find(known.begin(), known.end(), m) == known.end())
        throw InputError(path, 0, "model's hint placer \"" + m + "\" is not a classical placer of this build");
  } catch (const Json::exception& e) {
    throw InputError(path, 0, std::string("model metadata: missing or invalid field (") + e.what() + ")");
  }
  if (o.num_op_types() != kNumOpTypeIds || o.numeric_features() != kOpNumericFeatures || o.context_features() != 4)
    throw InputError(path, 0, "model feature sizes do not match feature set " + std::string(kPlacementFeatureSet));
  nn::GdpPolicy policy(o);
  learn::load_checkpoint(path, *policy);
  if (meta_out != nullptr) *meta_out = meta;
  return policy;
}

void check_gdp_limits(const Json& meta, const std::string& model_path, const DeviceGraph& g, const Cluster& c) {
  int64_t max_ops = meta.at("limits").at("max_ops").get<int64_t>();
  int64_t max_devices = meta.at("limits").at("max_devices").get<int64_t>();
  if (g.num_ops() > max_ops)
    throw UsageError("graph '" + g.name() + "' has " + std::to_string(g.num_ops()) + " ops but model " +
                     model_path + " supports at most " + std::to_string(max_ops));
  if (c.num_devices() > max_devices)
    throw UsageError("cluster '" + c.name() + "' has " + std::to_string(c.num_devices()) +
                     " devices but model " + model_path + " supports 1.." + std::to_string(max_devices) +
                     " (variable device counts up to that are supported)");
}

Json improvement_trace_json(const std::vector<TaskBest::Improvement>& trace) {
  Json rows = Json::array();
  for (const auto& i : trace) rows.push_back({i.evaluations, i.score, i.step_time, i.feasible});
  return rows;
}

std::vector<TaskBest::Improvement> improvement_trace_from_json(const Json& rows) {
  std::vector<TaskBest::Improvement> trace;
  for (const auto& r : rows)
    trace.push_back({r.at(0).get<int64_t>(), r.at(1).get<double>(), r.at(2).get<double>(), r.at(3).get<bool>()});
  return trace;
}

/// Whether all devices of a cluster are alike (kind, speed, memory, overheads); their links may differ.
static bool identical_devices(const Cluster& c) {
  const Device& a = c.device(0);
  for (const Device& d : c.devices())
    if (d.kind != a.kind || d.peak_flops != a.peak_flops || d.mem_bandwidth != a.mem_bandwidth ||
        d.memory != a.memory || d.launch_overhead != a.launch_overhead ||
        d.compute_efficiency != a.compute_efficiency || d.memory_efficiency != a.memory_efficiency)
      return false;
  return true;
}

/// Log-probability of an action under the behaviour policy (1 − ε)·π + ε·uniform over D devices.
static double gdp_behaviour_log_prob(double log_pi, double exploration, int64_t D) {
  return exploration > 0 ? std::log((1 - exploration) * std::exp(log_pi) + exploration / D) : log_pi;
}

std::pair<torch::Tensor, torch::Tensor> sample_placements(const torch::Tensor& logits, int64_t K, Rng& rng,
                                                         bool first_greedy, double exploration) {
  torch::NoGradGuard guard;
  auto logp = torch::log_softmax(logits.to(torch::kFloat64), 1).contiguous();
  const int64_t n = logp.size(0), D = logp.size(1);
  auto la = logp.accessor<double, 2>();
  auto actions = torch::empty({K, n}, torch::kInt64);
  auto aa = actions.accessor<int64_t, 2>();
  auto lp = torch::zeros({K}, torch::kFloat64);
  auto lpa = lp.accessor<double, 1>();
  for (int64_t k = 0; k < K; ++k)
    for (int64_t v = 0; v < n; ++v) {
      int64_t a = 0;
      if (k == 0 && first_greedy) {
        for (int64_t d = 1; d < D; ++d)
          if (la[v][d] > la[v][a]) a = d;
      } else if (exploration > 0 && uniform01(rng) < exploration) {
        a = uniform_int(rng, D);
      } else {
        a = sample_categorical(D, uniform01(rng), [&](int64_t d) { return std::exp(la[v][d]); });
      }
      aa[k][v] = a;
      lpa[k] += gdp_behaviour_log_prob(la[v][a], exploration, D);
    }
  return {actions, lp.to(torch::kFloat32)};
}

void explore_blocks(torch::Tensor& actions, torch::Tensor& log_probs, const torch::Tensor& logits, double exploration,
                    double block_exploration, Rng& rng) {
  torch::NoGradGuard guard;
  const int64_t m = logits.size(0), D = logits.size(1), K = actions.size(0);
  auto logp = torch::log_softmax(logits.to(torch::kFloat64), 1).contiguous();
  auto la = logp.accessor<double, 2>();
  auto aa = actions.accessor<int64_t, 2>();
  auto lpa = log_probs.accessor<float, 1>();
  const int64_t max_block = exploration_block_limit(m);
  const double keep_lp = std::log(1 - block_exploration);
  const double block_lp = std::log(block_exploration / (static_cast<double>(m) * max_block * D));
  for (int64_t k = 0; k < K; ++k) {
    if (uniform01(rng) >= block_exploration) {  // keeps its decisions
      lpa[k] = static_cast<float>(lpa[k] + keep_lp);
      continue;
    }
    const int64_t begin = uniform_int(rng, m);
    const int64_t end = std::min(m, begin + 1 + uniform_int(rng, max_block));
    const int64_t d = uniform_int(rng, D);
    // The block's decisions leave the sum; the block component's probability replaces them.
    double lp = lpa[k];
    for (int64_t v = begin; v < end; ++v) {
      lp -= gdp_behaviour_log_prob(la[v][aa[k][v]], exploration, D);
      aa[k][v] = d;
    }
    lpa[k] = static_cast<float>(lp + block_lp);
  }
}

GdpTrainer::GdpTrainer(nn::GdpPolicy policy, std::vector<PlacementTask> tasks, GdpTrainOptions options,
                       int64_t max_ops)
    : policy_(std::move(policy)),
      tasks_(std::move(tasks)),
      options_(std::move(options)),
      max_ops_(max_ops),
      log_(options_.log_prefix) {
  options_.validate();
  if (tasks_.empty()) throw UsageError("gdp: no training graphs");
  if (policy_->options().hint() && options_.hint_methods.empty())
    throw UsageError("gdp: the policy reads a placement hint but no hint placers are given (hint_methods)");
  for (const auto& t : tasks_) {
    if (t.graph == nullptr || t.cluster == nullptr) throw Error("gdp: task without graph or cluster");
    if (t.graph->num_ops() > max_ops_)
      throw UsageError("gdp: graph '" + t.name + "' has " + std::to_string(t.graph->num_ops()) +
                       " ops, more than the model's limit " + std::to_string(max_ops_));
    if (t.cluster->num_devices() > policy_->options().max_devices())
      throw UsageError("gdp: cluster of task '" + t.name + "' has " + std::to_string(t.cluster->num_devices()) +
                       " devices; the model supports 1.." + std::to_string(policy_->options().max_devices()));
    if (t.input != nullptr) {
      if (policy_->options().hint() != t.input->hint.defined())
        throw Error("gdp: task '" + t.name + "' comes with an input that does not match the policy's hint setting");
      inputs_.push_back(*t.input);
      hint_method_.push_back(t.hint_method);
    } else {
      ReferencePlacement hint;
      inputs_.push_back(gdp_input(*t.graph, *t.cluster,
                                  policy_->options().hint() ? options_.hint_methods : std::vector<std::string>{},
                                  &hint));
      hint_method_.push_back(hint.method);
    }
    TaskBest b;
    SimOptions so;
    so.oom_penalty = options_.oom_penalty;
    so.critical_path = false;
    b.reference = simulate(*t.graph, *t.cluster, std::vector<int>(t.graph->num_ops(), 0), so).step_time;
    b.score = std::numeric_limits<double>::infinity();
    if (t.start != nullptr && !t.start->placement.empty()) {
      if (t.start->placement.size() != static_cast<size_t>(t.graph->num_ops()))
        throw Error("gdp: the start placement of task '" + t.name + "' does not cover the graph's ops");
      b.placement = t.start->placement;
      b.score = t.start->score;
      b.step_time = t.start->step_time;
      b.feasible = t.start->feasible;
    }
    best_.push_back(b);
  }
  task_evaluations_.assign(tasks_.size(), 0);
  std::vector<torch::Tensor> params;
  if (!options_.freeze_network) params = policy_->parameters();
  if (options_.adapter_lr > 0) {
    adapter_scale_ = options_.adapter_lr / options_.ppo.learning_rate;
    for (size_t t = 0; t < tasks_.size(); ++t) {
      const int64_t m = options_.group_actions ? inputs_[t].num_groups : tasks_[t].graph->num_ops();
      adapter_.push_back(torch::zeros({m, static_cast<int64_t>(tasks_[t].cluster->num_devices())}).requires_grad_(true));
      params.push_back(adapter_.back());
    }
  }
  ppo_ = std::make_unique<learn::PpoTrainer>(params, options_.ppo);
  if (options_.resume && std::filesystem::exists(options_.checkpoint)) restore(options_.checkpoint);
  if (options_.freeze_network) {  // after a resume: the network's logits are those of the checkpoint's network
    torch::NoGradGuard guard;
    policy_->eval();
    for (size_t t = 0; t < tasks_.size(); ++t)
      frozen_logits_.push_back(decision_logits(policy_->forward(inputs_[t], tasks_[t].cluster->num_devices()),
                                               inputs_[t], options_.group_actions));
  }
}

torch::Tensor GdpTrainer::task_logits(size_t t) {
  torch::Tensor logits = options_.freeze_network
                             ? frozen_logits_[t]
                             : decision_logits(policy_->forward(inputs_[t], tasks_[t].cluster->num_devices()),
                                               inputs_[t], options_.group_actions);
  return adapter_.empty() ? logits : logits + adapter_scale_ * adapter_[t];
}

void GdpTrainer::record(size_t t, const std::vector<int>& placement, double score, double step_time, bool feasible) {
  TaskBest& b = best_[t];
  if (score < b.score) {
    b.placement = placement;
    b.score = score;
    b.step_time = step_time;
    b.feasible = feasible;
    b.evaluations_to_best = task_evaluations_[t];
    b.seconds_to_best = wall_offset_;
    b.note_improvement();
  }
}

void GdpTrainer::train() {
  // With a frozen network an iteration's tensor work is small (sampling from the logits, one step on the
  // table) and the simulations on parallel_for's threads are most of it. The tensor ops then run on this
  // thread alone: with an OpenMP team, its idle thread spins after every op (libgomp's default wait policy)
  // and takes a core from the simulations (28 % of the CPU in a profile of inception_v3 fine-tuning; the
  // same iterations ran about 1.25x faster without it, with identical results).
  TorchThreadsGuard single_threaded(options_.freeze_network ? 1 : 0);
  const size_t T = tasks_.size();
  const int K = options_.samples;
  const int threads = resolve_threads(options_.threads);
  SimOptions so;
  so.oom_penalty = options_.oom_penalty;
  so.critical_path = false;
  // One simulator per (task, worker): DeviceSimulator is not thread-safe.
  std::vector<std::vector<std::unique_ptr<DeviceSimulator>>> sims(T);
  for (size_t t = 0; t < T; ++t)
    for (int w = 0; w < threads; ++w)
      sims[t].push_back(std::make_unique<DeviceSimulator>(*tasks_[t].graph, *tasks_[t].cluster, so));

  ProgressBar bar("gdp training", options_.iterations, options_.progress);
  bar.resume_at(iteration_);
  Stopwatch clock;
  const double wall_start = wall_offset_;
  while (iteration_ < options_.iterations) {
    if (options_.time_budget > 0 && clock.seconds() >= options_.time_budget) {
      spdlog::info("gdp: time budget of {:.0f} s reached after {} iterations", options_.time_budget, iteration_);
      break;
    }
    // 1. Sample K placements per task from the current policy.
    std::vector<torch::Tensor> actions(T);
    std::vector<torch::Tensor> old_lp(T);
    {
      torch::NoGradGuard guard;
      policy_->eval();
      for (size_t t = 0; t < T; ++t) {
        Rng rng(derive_seed(options_.seed, static_cast<uint64_t>(iteration_) * 65536 + t));
        auto logits = task_logits(t);
        const double eps = std::min(0.5, options_.exploration / static_cast<double>(logits.size(0)));
        std::tie(actions[t], old_lp[t]) = sample_placements(logits, K, rng, false, eps);
        if (options_.block_exploration > 0)
          explore_blocks(actions[t], old_lp[t], logits, eps, options_.block_exploration, rng);
        if (options_.mean_log_prob) old_lp[t] = old_lp[t] / static_cast<double>(logits.size(0));
      }
    }
    // 2. Evaluate all T*K placements in parallel (results by index: deterministic).
    std::vector<std::vector<int>> placements(T * K);
    std::vector<double> score(T * K), step(T * K);
    std::vector<char> feasible(T * K);
    std::vector<int> sample_evaluations(T * K, 1);
    parallel_for(static_cast<int64_t>(T * K), threads, [&](int64_t i, int w) {
      size_t t = i / K, k = i % K;
      std::vector<int> placement = placement_from_decisions(actions[t][k], *tasks_[t].graph, options_.group_actions);
      SimResult r = sims[t][w]->run(placement);
      sample_evaluations[i] += repair_out_of_memory(*sims[t][w], *tasks_[t].graph, *tasks_[t].cluster, placement, r,
                                                    options_.memory_repair);
      score[i] = r.score;
      step[i] = r.step_time;
      feasible[i] = r.feasible ? 1 : 0;
      placements[i] = std::move(placement);
    });
    for (int e : sample_evaluations) {
      evaluations_ += e;
      repaired_samples_ += e > 1 ? 1 : 0;
    }
    wall_offset_ = wall_start + clock.seconds();
    // 3. Rewards, per-task baselines.
    auto reward_of = [&](double ratio) {
      if (options_.reward == "sqrt") return -std::sqrt(ratio);
      if (options_.reward == "log") return -std::log(ratio);
      return -ratio;
    };
    std::vector<float> adv(T * K);
    double mean_reward = 0, mean_best_ratio = 0, mean_ratio = 0;
    for (size_t t = 0; t < T; ++t) {
      double mean = 0;
      for (int k = 0; k < K; ++k) mean += reward_of(score[t * K + k] / best_[t].reference);
      mean /= K;
      for (int k = 0; k < K; ++k) {
        size_t i = t * K + k;
        adv[i] = static_cast<float>(reward_of(score[i] / best_[t].reference) - mean);
        task_evaluations_[t] += sample_evaluations[i];
        record(t, placements[i], score[i], step[i], feasible[i] != 0);
      }
      mean_reward += mean / T;
      mean_ratio += -mean / T;
      mean_best_ratio += best_[t].score / best_[t].reference / T;
    }
    // 4. PPO update; a sample's log-prob is the sum over the ops of its placement.
    learn::PpoBatch batch;
    batch.old_log_prob = torch::cat(old_lp);
    batch.advantage = torch::tensor(adv);
    policy_->train();
    // One gather per task over all its samples in the subset. A per-sample loop builds hundreds of small
    // autograd nodes per gradient step: about 40 % of a fine-tuning iteration on MSR's 96 groups (stop 22).
    auto evaluate = [&](const torch::Tensor& idx) {
      auto ia = idx.accessor<int64_t, 1>();
      const int64_t M = idx.size(0);
      std::vector<std::vector<int64_t>> rows(T), positions(T);
      for (int64_t j = 0; j < M; ++j) {
        rows[ia[j] / K].push_back(ia[j] % K);
        positions[ia[j] / K].push_back(j);
      }
      std::vector<torch::Tensor> lp, ent;
      std::vector<int64_t> order;  // subset position of each row of the concatenation
      for (size_t t = 0; t < T; ++t) {
        if (rows[t].empty()) continue;
        auto logp = torch::log_softmax(task_logits(t), 1);
        auto entropy = -(logp.exp() * logp).sum(1).mean();
        auto chosen = actions[t].index_select(0, torch::tensor(rows[t], torch::kInt64));  // [M_t, m]
        auto sample_lp = logp.gather(1, chosen.t()).sum(0);                             // [M_t]
        if (options_.mean_log_prob) sample_lp = sample_lp / static_cast<double>(logp.size(0));
        lp.push_back(sample_lp);
        ent.push_back(entropy.expand({static_cast<int64_t>(rows[t].size())}));
        order.insert(order.end(), positions[t].begin(), positions[t].end());
      }
      std::vector<int64_t> inverse(M);
      for (int64_t r = 0; r < M; ++r) inverse[order[r]] = r;
      auto back = torch::tensor(inverse, torch::kInt64);
      return learn::PolicyEval{torch::cat(lp).index_select(0, back), torch::cat(ent).index_select(0, back),
                               torch::Tensor()};
    };
    Rng ppo_rng(derive_seed(options_.seed ^ 0x5050, static_cast<uint64_t>(iteration_)));
    auto stats = ppo_->update(batch, evaluate, ppo_rng);
    if (options_.self_imitation > 0) {
      std::vector<torch::Tensor> targets(T);
      for (size_t t = 0; t < T; ++t)
        if (!best_[t].placement.empty()) targets[t] = decision_targets(t, best_[t].placement);
      for (int s = 0; s < options_.self_imitation_steps; ++s) imitation_step(targets, options_.self_imitation);
    }
    ++iteration_;
    wall_offset_ = wall_start + clock.seconds();
    log_.add(iteration_, evaluations_, wall_offset_,
             {{"reward", mean_reward}, {"mean_score_ratio", mean_ratio}, {"best_score_ratio", mean_best_ratio},
              {"entropy", stats.entropy}, {"approx_kl", stats.approx_kl}, {"clip_fraction", stats.clip_fraction}});
    bar.set_status(fmt::format("score/ref {:.3f} best {:.3f}", mean_ratio, mean_best_ratio));
    bar.set(iteration_);
    if (!options_.checkpoint.empty() &&
        (iteration_ % options_.checkpoint_every == 0 || iteration_ == options_.iterations))
      save(options_.checkpoint);
  }
  bar.finish();
}

torch::Tensor GdpTrainer::decision_targets(size_t t, const std::vector<int>& placement) const {
  if (static_cast<int64_t>(placement.size()) != tasks_[t].graph->num_ops())
    throw Error("gdp: placement of task '" + tasks_[t].name + "' has the wrong size");
  std::vector<int64_t> target(placement.begin(), placement.end());
  if (options_.group_actions) {  // a group's target: the device of its heaviest op
    std::vector<int> enforced = placement;
    tasks_[t].graph->enforce_colocation(enforced);
    target.assign(inputs_[t].num_groups, 0);
    for (int v = 0; v < tasks_[t].graph->num_ops(); ++v) target[tasks_[t].graph->group(v)] = enforced[v];
  }
  return torch::tensor(target, torch::kInt64);
}

double GdpTrainer::imitation_step(const std::vector<torch::Tensor>& targets, double weight) {
  auto& opt = ppo_->optimizer();
  policy_->train();
  opt.zero_grad();
  torch::Tensor loss = torch::zeros({});
  int used = 0;
  for (size_t t = 0; t < tasks_.size(); ++t) {
    if (!targets[t].defined()) continue;
    loss = loss + torch::nn::functional::cross_entropy(task_logits(t), targets[t]);
    ++used;
  }
  if (used == 0) return -1;
  loss = loss / used;
  (loss * weight).backward();
  if (options_.ppo.max_grad_norm > 0)
    torch::nn::utils::clip_grad_norm_(policy_->parameters(), options_.ppo.max_grad_norm);
  opt.step();
  return loss.item<double>();
}

double GdpTrainer::imitate(const std::vector<std::vector<int>>& teachers, int epochs) {
  if (teachers.size() != tasks_.size())
    throw Error("gdp: imitate needs one teacher placement per task (" + std::to_string(tasks_.size()) + "), got " +
                std::to_string(teachers.size()));
  std::vector<torch::Tensor> targets(tasks_.size());
  for (size_t t = 0; t < tasks_.size(); ++t)
    if (!teachers[t].empty()) targets[t] = decision_targets(t, teachers[t]);
  // With a placement hint on identical devices, each step renames the devices of the hint and of the
  // teacher by one random permutation per task: where the teacher follows the hint, the copy is learned
  // for every device, not only for the low numbers that canonical renumbering gives most teachers.
  std::vector<bool> permute(tasks_.size(), false);
  std::vector<torch::Tensor> hints(tasks_.size());
  for (size_t t = 0; t < tasks_.size(); ++t) {
    permute[t] = inputs_[t].hint.defined() && identical_devices(*tasks_[t].cluster);
    hints[t] = inputs_[t].hint;
  }
  const auto renamed = std::count(permute.begin(), permute.end(), true);
  if (renamed > 0) spdlog::info("gdp imitation: devices renamed at random in {} of {} tasks", renamed, tasks_.size());
  Rng rng(derive_seed(options_.seed, 0x1417));
  ProgressBar bar("gdp imitation", epochs, options_.progress);
  double loss_value = 0;
  for (int e = 0; e < epochs; ++e) {
    std::vector<torch::Tensor> step_targets = targets;
    for (size_t t = 0; t < tasks_.size(); ++t) {
      if (!permute[t] || !targets[t].defined()) continue;
      const int64_t D = tasks_[t].cluster->num_devices();
      std::vector<int64_t> perm(D);
      for (int64_t d = 0; d < D; ++d) perm[d] = d;
      for (int64_t d = D - 1; d > 0; --d) std::swap(perm[d], perm[uniform_int(rng, d + 1)]);
      auto p = torch::tensor(perm, torch::kInt64);
      inputs_[t].hint = p.index_select(0, hints[t]);
      step_targets[t] = p.index_select(0, targets[t]);
    }
    double l = imitation_step(step_targets, 1.0);
    if (l < 0) break;
    loss_value = l;
    bar.set_status(fmt::format("cross-entropy {:.4f}", loss_value));
    bar.set(e + 1);
  }
  bar.finish();
  for (size_t t = 0; t < tasks_.size(); ++t) inputs_[t].hint = hints[t];
  return loss_value;
}

void GdpTrainer::save(const std::string& path) {
  Json meta = gdp_model_meta(policy_->options(), max_ops_, options_.group_actions, options_.hint_methods);
  Json best = Json::array();
  for (size_t t = 0; t < tasks_.size(); ++t) {
    const TaskBest& b = best_[t];
    best.push_back({{"task", tasks_[t].name}, {"placement", b.placement},
                    {"score", std::isfinite(b.score) ? b.score : -1.0}, {"step_time", b.step_time},
                    {"feasible", b.feasible}, {"evaluations_to_best", b.evaluations_to_best},
                    {"seconds_to_best", b.seconds_to_best}, {"evaluations", task_evaluations_[t]},
                    {"trace", improvement_trace_json(b.trace)}});
  }
  meta["state"] = {{"iteration", iteration_}, {"evaluations", evaluations_}, {"wall_s", wall_offset_},
                   {"seed", options_.seed}, {"log", log_.to_json()}, {"best", best}};
  // The adapter's table (floats, exact through JSON's doubles) and the settings a resume must match: they
  // decide which tensors the optimizer state belongs to.
  Json adapter = Json::array();
  for (const auto& a : adapter_) {
    auto c = a.detach().contiguous();
    adapter.push_back(std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel()));
  }
  meta["state"]["adapter"] = {{"learning_rate", options_.adapter_lr}, {"freeze_network", options_.freeze_network},
                              {"tables", adapter}};
  learn::save_checkpoint(path, *policy_, meta, &ppo_->optimizer());
}

void GdpTrainer::restore(const std::string& path) {
  Json meta;
  nn::GdpPolicy loaded = load_gdp_model(path, &meta);
  (void)loaded;
  if (!meta.contains("state")) throw InputError(path, 0, "model file holds no training state to resume from");
  // Checkpoints written before the adapter existed have none: adapter_lr 0, network trained.
  const Json no_adapter = Json::object();
  const Json& adapter = meta["state"].contains("adapter") ? meta["state"]["adapter"] : no_adapter;
  const double lr = adapter.value("learning_rate", 0.0);
  const bool frozen = adapter.value("freeze_network", false);
  if ((lr > 0) != (options_.adapter_lr > 0) || frozen != options_.freeze_network)
    throw InputError(path, 0,
                     fmt::format("checkpoint was written with adapter_lr {:g} and freeze_network {}, this run has "
                                 "adapter_lr {:g} and freeze_network {}; delete the checkpoint or match the settings",
                                 lr, frozen, options_.adapter_lr, options_.freeze_network));
  learn::load_checkpoint(path, *policy_, &ppo_->optimizer());
  if (gdp_group_actions(meta) != options_.group_actions)
    throw InputError(path, 0, std::string("checkpoint decides per ") + (gdp_group_actions(meta) ? "group" : "op") +
                                  " but this run decides per " + (options_.group_actions ? "group" : "op") +
                                  "; delete the checkpoint or match the setting (devices train --per-op-actions)");
  try {
    const Json& s = meta.at("state");
    const Json& best = s.at("best");
    if (best.size() != tasks_.size())
      throw InputError(path, 0, "checkpoint was written for " + std::to_string(best.size()) +
                                    " training graphs, this run has " + std::to_string(tasks_.size()));
    for (size_t t = 0; t < tasks_.size(); ++t) {
      if (best[t].at("task").get<std::string>() != tasks_[t].name)
        throw InputError(path, 0, "checkpoint task " + std::to_string(t) + " is '" +
                                      best[t].at("task").get<std::string>() + "', this run has '" + tasks_[t].name + "'");
      TaskBest& b = best_[t];
      b.placement = best[t].at("placement").get<std::vector<int>>();
      double sc = best[t].at("score").get<double>();
      b.score = sc < 0 ? std::numeric_limits<double>::infinity() : sc;
      b.step_time = best[t].at("step_time");
      b.feasible = best[t].at("feasible");
      b.evaluations_to_best = best[t].at("evaluations_to_best");
      b.seconds_to_best = best[t].at("seconds_to_best");
      b.trace = best[t].contains("trace") ? improvement_trace_from_json(best[t]["trace"])
                                          : std::vector<TaskBest::Improvement>{};  // written before stop 18
      task_evaluations_[t] = best[t].at("evaluations");
    }
    if (!adapter_.empty()) {
      const Json& tables = s.at("adapter").at("tables");
      if (tables.size() != adapter_.size()) throw InputError(path, 0, "checkpoint adapter has the wrong task count");
      for (size_t t = 0; t < adapter_.size(); ++t) {
        const auto values = tables[t].get<std::vector<float>>();
        if (static_cast<int64_t>(values.size()) != adapter_[t].numel())
          throw InputError(path, 0, fmt::format("checkpoint adapter of task '{}' has {} values, this run needs {}",
                                                tasks_[t].name, values.size(), adapter_[t].numel()));
        torch::NoGradGuard guard;
        adapter_[t].copy_(torch::tensor(values).view_as(adapter_[t]));
      }
    }
    iteration_ = s.at("iteration");
    evaluations_ = s.at("evaluations");
    wall_offset_ = s.at("wall_s");
    log_.from_json(s.at("log"));
  } catch (const Json::exception& e) {
    throw InputError(path, 0, std::string("checkpoint training state is incomplete (") + e.what() + ")");
  }
  spdlog::info("gdp: resumed from {} at iteration {}", path, iteration_);
}

}  // namespace tessera::devices
