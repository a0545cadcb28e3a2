#include "tessera/learn/rl2017_trainer.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/core/parallel.h"
#include "tessera/core/progress.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/device_simulator.h"
#include "tessera/heuristics/classical_device_placers.h"
#include "tessera/learn/checkpoint.h"

namespace tessera::devices {

void Rl2017Options::validate() const {
  if (iterations < 0) throw UsageError("rl2017: iterations must be >= 0");
  if (samples < 1) throw UsageError("rl2017: samples must be >= 1");
  if (max_groups < 1) throw UsageError("rl2017: max_groups must be >= 1");
  if (!(learning_rate > 0)) throw UsageError("rl2017: learning_rate must be > 0");
  if (!(baseline_decay >= 0 && baseline_decay < 1)) throw UsageError("rl2017: baseline_decay must be in [0, 1)");
  if (checkpoint_every < 1) throw UsageError("rl2017: checkpoint_every must be >= 1");
  if (resume && checkpoint.empty()) throw UsageError("rl2017: resume needs a checkpoint path");
  if (memory_repair < 0) throw UsageError("rl2017: memory_repair must be >= 0");
}

Rl2017Trainer::Rl2017Trainer(PlacementTask task, Rl2017Options options, const std::string& model_path)
    : task_(std::move(task)), options_(std::move(options)), baseline_(options_.baseline_decay), log_(options_.log_prefix) {
  options_.validate();
  const int D = task_.cluster->num_devices();
  if (!model_path.empty()) {
    Json m = learn::read_checkpoint_meta(model_path, kRl2017ModelKind);
    if (m.value("features", "") != kPlacementFeatureSet)
      throw InputError(model_path, 0, "model feature set \"" + m.value("features", std::string()) +
                                          "\" is not \"" + kPlacementFeatureSet + "\"");
    int model_devices = m.at("config").value("num_devices", 0);
    if (model_devices != D)
      throw UsageError("rl2017 model " + model_path + " places onto " + std::to_string(model_devices) +
                       " devices but cluster '" + task_.cluster->name() + "' has " + std::to_string(D) +
                       " (the 2017 placer supports one fixed device count per model)");
    options_.max_groups = m.at("config").value("max_groups", options_.max_groups);
  }
  grouping_ = group_ops(*task_.graph, options_.max_groups, options_.seed);
  input_ = group_sequence_tensors(*task_.graph, grouping_);
  torch::manual_seed(static_cast<int64_t>(derive_seed(options_.seed, 17) & 0x7fffffff));
  policy_ = nn::Seq2SeqPlacer(nn::Seq2SeqPlacerOptions()
                                  .num_op_types(kNumOpTypeIds)
                                  .numeric_features(kGroupNumericFeatures)
                                  .adjacency_features(kGroupAdjacencyFeatures)
                                  .num_devices(D));
  optimizer_ = std::make_unique<torch::optim::Adam>(policy_->parameters(),
                                                    torch::optim::AdamOptions(options_.learning_rate));
  if (!model_path.empty()) learn::load_checkpoint(model_path, *policy_);
  SimOptions so;
  so.oom_penalty = options_.oom_penalty;
  so.critical_path = false;
  best_.reference = simulate(*task_.graph, *task_.cluster, std::vector<int>(task_.graph->num_ops(), 0), so).step_time;
  best_.score = std::numeric_limits<double>::infinity();
  if (options_.resume && std::filesystem::exists(options_.checkpoint)) restore(options_.checkpoint);
}

void Rl2017Trainer::train() {
  const int K = options_.samples;
  const int threads = resolve_threads(options_.threads);
  SimOptions so;
  so.oom_penalty = options_.oom_penalty;
  so.critical_path = false;
  std::vector<std::unique_ptr<DeviceSimulator>> sims;
  for (int w = 0; w < threads; ++w) sims.push_back(std::make_unique<DeviceSimulator>(*task_.graph, *task_.cluster, so));
  ProgressBar bar("rl2017 training", options_.iterations, options_.progress);
  bar.resume_at(iteration_);
  Stopwatch clock;
  const double wall_start = wall_offset_;
  while (iteration_ < options_.iterations) {
    if (options_.time_budget > 0 && clock.seconds() >= options_.time_budget) break;
    Rng rng(derive_seed(options_.seed, static_cast<uint64_t>(iteration_)));
    policy_->train();
    auto sample = policy_->sample(input_, K, rng, false);
    std::vector<std::vector<int>> placements(K);
    std::vector<double> score(K), step(K);
    std::vector<char> feasible(K);
    std::vector<int> sample_evaluations(K, 1);
    auto actions = sample.actions.contiguous();
    parallel_for(K, threads, [&](int64_t k, int w) {
      const int64_t* p = actions[k].data_ptr<int64_t>();
      std::vector<int> groups(p, p + grouping_.num_groups);
      placements[k] = grouping_.expand(groups);
      SimResult r = sims[w]->run(placements[k]);
      sample_evaluations[k] += repair_out_of_memory(*sims[w], *task_.graph, *task_.cluster, placements[k], r,
                                                    options_.memory_repair);
      score[k] = r.score;
      step[k] = r.step_time;
      feasible[k] = r.feasible ? 1 : 0;
    });
    const int64_t evaluations_before = evaluations_;
    for (int e : sample_evaluations) {
      evaluations_ += e;
      repaired_samples_ += e > 1 ? 1 : 0;
    }
    // Reward −sqrt(score), in units of the single-device time so that the learning rate transfers.
    std::vector<double> reward(K);
    double mean_reward = 0;
    for (int k = 0; k < K; ++k) {
      reward[k] = -std::sqrt(score[k] / best_.reference);
      mean_reward += reward[k] / K;
      if (score[k] < best_.score) {
        best_.placement = placements[k];
        best_.score = score[k];
        best_.step_time = step[k];
        best_.feasible = feasible[k] != 0;
        best_.evaluations_to_best = evaluations_before;
        for (int j = 0; j <= k; ++j) best_.evaluations_to_best += sample_evaluations[j];
        best_.seconds_to_best = wall_start + clock.seconds();
        best_.note_improvement();
      }
    }
    const double b = baseline_.initialized() ? baseline_.value() : mean_reward;
    std::vector<float> adv(K);
    for (int k = 0; k < K; ++k) {
      adv[k] = static_cast<float>(reward[k] - b);
      baseline_.advantage_and_update(reward[k]);
    }
    auto loss = -(torch::tensor(adv) * sample.log_prob).mean() - options_.entropy_coef * sample.entropy.mean();
    optimizer_->zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(policy_->parameters(), 1.0);
    optimizer_->step();
    ++iteration_;
    wall_offset_ = wall_start + clock.seconds();
    log_.add(iteration_, evaluations_, wall_offset_,
             {{"reward", mean_reward}, {"best_score_ratio", best_.score / best_.reference},
              {"entropy", sample.entropy.mean().item<double>()}});
    bar.set_status(fmt::format("best {:.4g} s", best_.score));
    bar.set(iteration_);
    if (!options_.checkpoint.empty() &&
        (iteration_ % options_.checkpoint_every == 0 || iteration_ == options_.iterations))
      save(options_.checkpoint);
  }
  bar.finish();
}

Json Rl2017Trainer::meta() const {
  Json m = {{"kind", kRl2017ModelKind},
            {"features", kPlacementFeatureSet},
            {"config", {{"num_devices", task_.cluster->num_devices()}, {"max_groups", options_.max_groups}}},
            {"limits", {{"max_groups", options_.max_groups}, {"num_devices", task_.cluster->num_devices()}}}};
  m["state"] = {{"iteration", iteration_},
                {"evaluations", evaluations_},
                {"wall_s", wall_offset_},
                {"task", task_.name},
                {"baseline", baseline_.value()},
                {"baseline_initialized", baseline_.initialized()},
                {"best_placement", best_.placement},
                {"best_score", std::isfinite(best_.score) ? best_.score : -1.0},
                {"best_step_time", best_.step_time},
                {"best_feasible", best_.feasible},
                {"evaluations_to_best", best_.evaluations_to_best},
                {"seconds_to_best", best_.seconds_to_best},
                {"trace", improvement_trace_json(best_.trace)},
                {"log", log_.to_json()}};
  return m;
}

void Rl2017Trainer::save(const std::string& path) { learn::save_checkpoint(path, *policy_, meta(), optimizer_.get()); }

void Rl2017Trainer::restore(const std::string& path) {
  Json m = learn::read_checkpoint_meta(path, kRl2017ModelKind);
  if (m.at("config").value("num_devices", 0) != task_.cluster->num_devices())
    throw UsageError("rl2017 checkpoint " + path + " has another device count than cluster '" +
                     task_.cluster->name() + "'");
  learn::load_checkpoint(path, *policy_, optimizer_.get());
  try {
    const Json& s = m.at("state");
    if (s.at("task").get<std::string>() != task_.name)
      throw InputError(path, 0, "checkpoint was written for graph '" + s.at("task").get<std::string>() +
                                    "', not '" + task_.name + "'");
    iteration_ = s.at("iteration");
    evaluations_ = s.at("evaluations");
    wall_offset_ = s.at("wall_s");
    baseline_ = learn::MovingAverageBaseline(options_.baseline_decay);
    if (s.at("baseline_initialized").get<bool>()) baseline_.advantage_and_update(s.at("baseline").get<double>());
    best_.placement = s.at("best_placement").get<std::vector<int>>();
    double sc = s.at("best_score");
    best_.score = sc < 0 ? std::numeric_limits<double>::infinity() : sc;
    best_.step_time = s.at("best_step_time");
    best_.feasible = s.at("best_feasible");
    best_.evaluations_to_best = s.at("evaluations_to_best");
    best_.seconds_to_best = s.at("seconds_to_best");
    best_.trace = s.contains("trace") ? improvement_trace_from_json(s["trace"])
                                      : std::vector<TaskBest::Improvement>{};  // written before stop 18
    log_.from_json(s.at("log"));
  } catch (const Json::exception& e) {
    throw InputError(path, 0, std::string("checkpoint training state is incomplete (") + e.what() + ")");
  }
}

}  // namespace tessera::devices
