#include "tessera/learn/chip_rl_trainer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/core/parallel.h"
#include "tessera/core/progress.h"
#include "tessera/core/stopwatch.h"
#include "tessera/learn/checkpoint.h"

namespace tessera::chip {

namespace {

Json policy_config(const ChipPolicyOptions& o) {
  return {{"node_features", o.node_features},
          {"spatial_channels", o.spatial_channels},
          {"hidden", o.hidden},
          {"gcn_layers", o.gcn_layers},
          {"deconv_channels", o.deconv_channels}};
}

ChipPolicyOptions policy_options_from(const Json& config, const std::string& path) {
  ChipPolicyOptions o = default_chip_policy_options();
  try {
    o.node_features = config.at("node_features").get<int64_t>();
    o.spatial_channels = config.at("spatial_channels").get<int64_t>();
    o.hidden = config.at("hidden").get<int64_t>();
    o.gcn_layers = config.at("gcn_layers").get<int64_t>();
    o.deconv_channels = config.at("deconv_channels").get<int64_t>();
  } catch (const Json::exception& e) {
    throw InputError(path, 0, std::string("model metadata: bad or missing policy config field (") + e.what() + ")");
  }
  if (o.node_features != kChipRlNodeFeatures || o.spatial_channels != kChipRlSpatialChannels)
    throw InputError(path, 0, "model was trained with " + std::to_string(o.node_features) + " node features and " +
                                  std::to_string(o.spatial_channels) + " spatial channels; this build uses " +
                                  std::to_string(kChipRlNodeFeatures) + " and " +
                                  std::to_string(kChipRlSpatialChannels));
  try {
    o.validate();
  } catch (const UsageError& e) {
    throw InputError(path, 0, std::string("model metadata: ") + e.what());
  }
  return o;
}

// TorchThreadsGuard (core/parallel.h): on this shared 2-core machine OpenMP workers that spin-wait for a busy
// core made PPO updates 30x slower (measured: 100 s vs 3.3 s for the tiny training test), so rollouts always
// and updates by default run single-threaded per worker.

std::string metric_name(const std::string& task) {
  std::string s = "proxy_";
  for (char c : task) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

}  // namespace

void ChipRlTrainerOptions::validate() const {
  if (iterations < 0) throw UsageError("chip rl: iterations must be >= 0");
  if (episodes_per_task < 1) throw UsageError("chip rl: episodes_per_task must be >= 1");
  if (time_budget < 0) throw UsageError("chip rl: time_budget must be >= 0");
  if (baseline != "group" && baseline != "value")
    throw UsageError("chip rl: baseline must be \"group\" or \"value\", got \"" + baseline + "\"");
  if (baseline == "group" && episodes_per_task < 2)
    throw UsageError("chip rl: the group baseline needs episodes_per_task >= 2");
  if (gae_lambda < 0 || gae_lambda > 1) throw UsageError("chip rl: gae_lambda must be in [0, 1]");
  if (update_threads < 0) throw UsageError("chip rl: update_threads must be >= 0");
  if (resume && checkpoint.empty()) throw UsageError("chip rl: resume needs a checkpoint path");
  ppo.validate();
}

learn::PpoOptions ChipRlTrainerOptions::default_ppo() {
  learn::PpoOptions p;  // the paper: clip 0.2, entropy 0.01, value 0.5, gradient clip 1
  p.clip = 0.2;
  p.entropy_coef = 0.01;
  p.value_coef = 0.5;
  p.max_grad_norm = 1.0;
  p.learning_rate = 1e-3;
  p.epochs = 4;
  p.minibatch_size = 256;
  return p;
}

ChipPolicyOptions default_chip_policy_options() {
  ChipPolicyOptions o;
  o.node_features = kChipRlNodeFeatures;
  o.spatial_channels = kChipRlSpatialChannels;
  return o;
}

ChipRlRollout run_chip_episode(ChipPolicy& policy, const ChipRlEnv& env, const torch::Tensor& node_embedding,
                               Rng* rng, bool keep_observations, double temperature) {
  if (!(temperature > 0)) throw UsageError("chip rl: the sampling temperature must be > 0");
  torch::NoGradGuard no_grad;
  // Batch-1 steps are far too small for intra-op threads (OpenMP workers would spin-wait for
  // nothing); parallelism comes from running episodes side by side instead.
  TorchThreadsGuard single_thread(1);
  ChipRlRollout out;
  ChipRlEpisode episode(env);
  const int cells = env.rows() * env.cols();
  while (!episode.done()) {
    ChipRlObservation obs = episode.observe();
    ChipStateInput state{torch::tensor({obs.macro_node}, torch::kInt64), obs.spatial.unsqueeze(0),
                         obs.mask.unsqueeze(0)};
    ChipPolicyOutput po = policy->decode(node_embedding, state);
    auto log_p = masked_log_softmax(po.logits).squeeze(0).contiguous();
    int cell;
    if (rng != nullptr) {
      auto p = (temperature == 1.0 ? log_p.exp() : torch::softmax(log_p / temperature, 0)).contiguous();
      const float* pp = p.data_ptr<float>();
      cell = static_cast<int>(sample_categorical(cells, uniform01(*rng), [&](int64_t i) { return pp[i]; }));
    } else {
      cell = static_cast<int>(log_p.argmax().item<int64_t>());
    }
    if (cell < 0 || !obs.mask[cell].item<bool>())
      throw Error("chip rl: the policy chose a masked cell (non-finite logits?)");
    out.actions.push_back(cell);
    out.log_probs.push_back(log_p[cell].item<float>());
    out.values.push_back(po.value.item<float>());
    if (keep_observations) out.observations.push_back(std::move(obs));
    episode.step(cell);
  }
  out.cost = episode.finish();
  out.proxy = out.cost.proxy(env.options().weights);
  out.placement = episode.placement();
  out.fallback_steps = episode.fallback_steps();
  return out;
}

ChipPolicy load_chip_policy(const std::string& path, Json* meta_out) {
  Json meta = learn::read_checkpoint_meta(path, kChipRlModelKind);
  if (meta.value("features", "") != kChipRlFeatureSet)
    throw InputError(path, 0, "model feature set is \"" + meta.value("features", "") + "\" but \"" +
                                  kChipRlFeatureSet + "\" is needed");
  if (!meta.contains("config")) throw InputError(path, 0, "model metadata has no \"config\" block");
  ChipPolicy policy(policy_options_from(meta["config"], path));
  learn::load_checkpoint(path, *policy);
  policy->eval();
  if (meta_out != nullptr) *meta_out = meta;
  return policy;
}

void save_chip_policy(const std::string& path, ChipPolicy& policy, const Json& state,
                      torch::optim::Optimizer* optimizer) {
  Json meta = {{"kind", kChipRlModelKind},
               {"features", kChipRlFeatureSet},
               {"config", policy_config(policy->options())},
               {"state", state}};
  learn::save_checkpoint(path, *policy, meta, optimizer);
}

ChipRlTrainer::ChipRlTrainer(ChipPolicy policy, std::vector<std::shared_ptr<const ChipRlEnv>> envs,
                             ChipRlTrainerOptions options)
    : policy_(std::move(policy)),
      envs_(std::move(envs)),
      options_(std::move(options)),
      ppo_((options_.validate(), policy_->parameters()), options_.ppo),
      log_(options_.log_prefix) {
  if (envs_.empty()) throw UsageError("chip rl: no netlist to train on");
  best_.resize(envs_.size());
  first_mean_.assign(envs_.size(), std::numeric_limits<double>::quiet_NaN());
  if (options_.resume) try_resume();
}

Json ChipRlTrainer::state_json(double wall) const {
  Json names = Json::array(), best = Json::array(), first = Json::array();
  for (size_t e = 0; e < envs_.size(); ++e) {
    names.push_back(envs_[e]->task().name);
    best.push_back(std::isfinite(best_[e].proxy) ? Json(best_[e].proxy) : Json(nullptr));
    first.push_back(std::isfinite(first_mean_[e]) ? Json(first_mean_[e]) : Json(nullptr));
  }
  return {{"iteration", iteration_}, {"samples", samples_}, {"wall_s", wall}, {"seed", options_.seed},
          {"threads", options_.threads}, {"netlists", names}, {"best_proxy", best}, {"first_mean_proxy", first},
          {"log", log_.to_json()}};
}

void ChipRlTrainer::save(double wall) {
  if (options_.checkpoint.empty()) return;
  save_chip_policy(options_.checkpoint, policy_, state_json(wall), &ppo_.optimizer());
}

void ChipRlTrainer::try_resume() {
  if (!std::filesystem::exists(options_.checkpoint)) return;
  Json meta;
  ChipPolicy loaded = load_chip_policy(options_.checkpoint, &meta);
  if (policy_config(loaded->options()) != policy_config(policy_->options()))
    throw InputError(options_.checkpoint, 0, "checkpoint was written with another policy configuration");
  learn::load_checkpoint(options_.checkpoint, *policy_, &ppo_.optimizer());
  const Json& st = meta["state"];
  Json names = Json::array();
  for (const auto& env : envs_) names.push_back(env->task().name);
  if (st.value("netlists", Json::array()) != names)
    throw InputError(options_.checkpoint, 0, "checkpoint was trained on other netlists than this run");
  iteration_ = st.value("iteration", int64_t{0});
  samples_ = st.value("samples", int64_t{0});
  wall_offset_ = st.value("wall_s", 0.0);
  if (st.contains("best_proxy"))
    for (size_t e = 0; e < envs_.size() && e < st["best_proxy"].size(); ++e)
      if (st["best_proxy"][e].is_number()) best_[e].proxy = st["best_proxy"][e].get<double>();
  if (st.contains("first_mean_proxy"))
    for (size_t e = 0; e < envs_.size() && e < st["first_mean_proxy"].size(); ++e)
      if (st["first_mean_proxy"][e].is_number()) first_mean_[e] = st["first_mean_proxy"][e].get<double>();
  if (st.contains("log")) log_.from_json(st["log"]);
  spdlog::info("chip rl: resumed {} at iteration {} ({} samples)", options_.checkpoint, iteration_, samples_);
}

Json ChipRlTrainer::train() {
  TorchThreadsGuard update_threads(options_.update_threads);
  Stopwatch clock;
  const int64_t n_envs = static_cast<int64_t>(envs_.size());
  const int64_t k = options_.episodes_per_task;
  const int threads = resolve_threads(options_.threads);
  const int64_t start_iteration = iteration_;
  ProgressBar bar("chip rl training", options_.iterations - start_iteration, options_.progress);
  double last_iteration_seconds = 0;
  std::vector<double> last_mean(n_envs, std::numeric_limits<double>::quiet_NaN());
  std::string stop_reason = "iterations";
  while (iteration_ < options_.iterations) {
    if (options_.time_budget > 0 && clock.seconds() + last_iteration_seconds > options_.time_budget) {
      stop_reason = "time budget";
      break;
    }
    Stopwatch iteration_clock;
    policy_->eval();
    // ----- rollouts: encoder once per netlist, episodes spread over the workers
    std::vector<torch::Tensor> embedding(n_envs);
    {
      torch::NoGradGuard no_grad;
      for (int64_t e = 0; e < n_envs; ++e) embedding[e] = policy_->encode(envs_[e]->graph());
    }
    std::vector<ChipRlRollout> rollouts(n_envs * k);
    const uint64_t it_seed = derive_seed(options_.seed, static_cast<uint64_t>(iteration_));
    parallel_for(n_envs * k, threads, [&](int64_t i, int) {
      Rng rng(derive_seed(it_seed, static_cast<uint64_t>(i)));
      rollouts[i] = run_chip_episode(policy_, *envs_[i / k], embedding[i / k], &rng, true);
    });
    // ----- advantages and the PPO batch
    std::vector<float> old_lp, adv, ret;
    struct SampleRef {
      int64_t env, episode, step;
    };
    std::vector<SampleRef> refs;
    std::map<std::string, double> metrics;
    double sum_mean = 0, best_now = std::numeric_limits<double>::infinity();
    int64_t fallback_steps = 0;
    for (int64_t e = 0; e < n_envs; ++e) {
      double total = 0;
      for (int64_t j = 0; j < k; ++j) total += rollouts[e * k + j].proxy;
      const double mean = total / k;
      last_mean[e] = mean;
      if (!std::isfinite(first_mean_[e])) first_mean_[e] = mean;
      sum_mean += mean;
      if (n_envs > 1) metrics[metric_name(envs_[e]->task().name)] = mean;
      for (int64_t j = 0; j < k; ++j) {
        ChipRlRollout& r = rollouts[e * k + j];
        fallback_steps += r.fallback_steps;
        best_now = std::min(best_now, r.proxy);
        if (r.fallback_steps == 0 && r.proxy < best_[e].proxy) best_[e] = {r.proxy, r.cost, r.placement};
        const double reward = -r.proxy;
        const size_t steps = r.actions.size();
        std::vector<double> a(steps), g(steps, reward);
        if (options_.baseline == "group") {
          const double others = -(total - r.proxy) / (k - 1);
          std::fill(a.begin(), a.end(), reward - others);
        } else {
          std::vector<double> rewards(steps, 0.0), values(r.values.begin(), r.values.end());
          if (steps > 0) rewards.back() = reward;
          auto [gae_adv, gae_ret] = learn::compute_gae(rewards, values, 0.0, 1.0, options_.gae_lambda);
          a = gae_adv;
        }
        for (size_t t = 0; t < steps; ++t) {
          old_lp.push_back(r.log_probs[t]);
          adv.push_back(static_cast<float>(a[t]));
          ret.push_back(static_cast<float>(g[t]));
          refs.push_back({e, e * k + j, static_cast<int64_t>(t)});
        }
      }
    }
    learn::PpoStats stats;
    if (!refs.empty()) {
      policy_->train();
      learn::PpoBatch batch{torch::tensor(old_lp), torch::tensor(adv), torch::tensor(ret)};
      Rng ppo_rng(derive_seed(it_seed, 0xC0FFEEULL));
      auto evaluate = [&](const torch::Tensor& idx) {
        const int64_t m = idx.size(0);
        auto ia = idx.accessor<int64_t, 1>();
        std::vector<std::vector<int64_t>> by_env(n_envs);
        for (int64_t p = 0; p < m; ++p) by_env[refs[ia[p]].env].push_back(p);
        std::vector<torch::Tensor> lps, ents, vals;
        std::vector<int64_t> positions;
        for (int64_t e = 0; e < n_envs; ++e) {
          if (by_env[e].empty()) continue;
          std::vector<int64_t> macro, action;
          std::vector<torch::Tensor> spatial, mask;
          for (int64_t p : by_env[e]) {
            const SampleRef& s = refs[ia[p]];
            const ChipRlRollout& r = rollouts[s.episode];
            macro.push_back(r.observations[s.step].macro_node);
            action.push_back(r.actions[s.step]);
            spatial.push_back(r.observations[s.step].spatial);
            mask.push_back(r.observations[s.step].mask);
            positions.push_back(p);
          }
          auto emb = policy_->encode(envs_[e]->graph());
          ChipStateInput state{torch::tensor(macro, torch::kInt64), torch::stack(spatial), torch::stack(mask)};
          auto out = policy_->decode(emb, state);
          auto lp = masked_log_softmax(out.logits);
          lps.push_back(lp.gather(1, torch::tensor(action, torch::kInt64).unsqueeze(1)).squeeze(1));
          ents.push_back(masked_entropy(out.logits));
          vals.push_back(out.value);
        }
        auto order = torch::argsort(torch::tensor(positions, torch::kInt64));
        return learn::PolicyEval{torch::cat(lps).index_select(0, order), torch::cat(ents).index_select(0, order),
                                 torch::cat(vals).index_select(0, order)};
      };
      stats = ppo_.update(batch, evaluate, ppo_rng);
      policy_->eval();
    }
    samples_ += static_cast<int64_t>(refs.size());
    ++iteration_;
    last_iteration_seconds = iteration_clock.seconds();
    const double wall = wall_offset_ + clock.seconds();
    metrics["mean_proxy"] = sum_mean / n_envs;
    metrics["best_proxy"] = best_now;
    metrics["policy_loss"] = stats.policy_loss;
    metrics["value_loss"] = stats.value_loss;
    metrics["entropy"] = stats.entropy;
    metrics["approx_kl"] = stats.approx_kl;
    metrics["fallback_steps"] = static_cast<double>(fallback_steps);
    log_.add(iteration_, samples_, wall, metrics);
    save(wall);
    bar.set_status(fmt::format("mean proxy {:.4f} best {:.4f} H {:.2f}", metrics["mean_proxy"], best_now,
                               stats.entropy));
    bar.advance();
    spdlog::debug("chip rl: iteration {} mean proxy {:.4f} best {:.4f} ({:.1f} s)", iteration_,
                  metrics["mean_proxy"], best_now, last_iteration_seconds);
  }
  bar.finish();
  if (log_.size() > 0) {
    log_.plot("mean_proxy", "chip RL: mean episode proxy cost (WL + 0.5 den + 0.5 cong)");
    log_.plot("entropy", "chip RL: policy entropy");
  }
  Json per = Json::array();
  for (int64_t e = 0; e < n_envs; ++e)
    per.push_back({{"netlist", envs_[e]->task().name},
                   {"first_mean_proxy", std::isfinite(first_mean_[e]) ? Json(first_mean_[e]) : Json(nullptr)},
                   {"last_mean_proxy", std::isfinite(last_mean[e]) ? Json(last_mean[e]) : Json(nullptr)},
                   {"best_proxy", std::isfinite(best_[e].proxy) ? Json(best_[e].proxy) : Json(nullptr)}});
  return {{"iterations", iteration_},
          {"iterations_this_run", iteration_ - start_iteration},
          {"samples", samples_},
          {"seconds", clock.seconds()},
          {"stopped_by", stop_reason},
          {"netlists", per}};
}

}  // namespace tessera::chip
