#include "tessera/learn/binpack_trainer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "tessera/core/error.h"
#include "tessera/core/parallel.h"
#include "tessera/core/progress.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/bin_packing_cost.h"
#include "tessera/heuristics/bin_packing_annealer.h"
#include "tessera/heuristics/bin_packing_heuristics.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/learn/training_log.h"
#include "tessera/nn/binpack_policy.h"
#include "tessera/problems/bin_packing_env.h"
#include "tessera/problems/bin_packing_generator.h"

namespace tessera::binpack {

void BinpackTrainOptions::validate() const {
  if (iterations < 1) throw UsageError("binpack train: iterations must be >= 1");
  if (episodes < 1) throw UsageError("binpack train: episodes must be >= 1");
  if (min_items < 3 || max_items < min_items) throw UsageError("binpack train: need 3 <= min_items <= max_items");
  if (max_items > 5000) throw UsageError("binpack train: max_items must be <= 5000");
  if (sa_iterations < 1) throw UsageError("binpack train: sa_iterations must be >= 1");
  if (hidden < 4) throw UsageError("binpack train: hidden must be >= 4");
  if (gae_lambda < 0 || gae_lambda > 1) throw UsageError("binpack train: gae_lambda must be in [0, 1]");
  if (out.empty()) throw UsageError("binpack train: --out must name the model file");
  const auto& fam = generator_families();
  if (std::find(fam.begin(), fam.end(), family) == fam.end())
    throw UsageError(fmt::format("binpack train: unknown family '{}'", family));
  ppo.validate();
}

namespace {

double objective(const BinPackingInstance& inst, const Packing& p, double l1, double fitness_weight) {
  return -static_cast<double>(p.bins()) / l1 + fitness_weight * falkenauer_fitness(inst, p);
}

struct Episode {
  BinpackTrajectory traj;
  std::vector<double> advantages, returns;
  double bins_over_l1 = 0, sa_bins_over_l1 = 0, ret = 0;
};

}  // namespace

Json train_binpack_policy(const BinpackTrainOptions& options, bool show_progress) {
  options.validate();
  namespace fs = std::filesystem;
  const int threads = resolve_threads(options.threads);
  torch::manual_seed(static_cast<int64_t>(options.seed & 0x7fffffff));
  BinpackPolicy policy(options.hidden);
  learn::PpoTrainer trainer(policy->parameters(), options.ppo);
  std::string prefix = options.log;
  if (prefix.empty()) {
    fs::path p(options.out);
    prefix = (p.parent_path() / (p.stem().string() + "_log")).string();
  }
  learn::TrainingLog log(prefix);
  int start = 0;
  int64_t samples = 0;
  double wall_before = 0;
  if (options.resume && fs::exists(options.out)) {
    Json meta = learn::read_checkpoint_meta(options.out, "binpack_policy");
    if (meta["config"].value("hidden", int64_t{-1}) != options.hidden)
      throw UsageError(fmt::format("binpack train --resume: {} has hidden = {}, options say {}", options.out,
                                   meta["config"].value("hidden", int64_t{-1}), options.hidden));
    learn::load_checkpoint(options.out, *policy, &trainer.optimizer());
    const Json& st = meta["state"];
    start = st.value("iteration", 0);
    samples = st.value("samples", int64_t{0});
    wall_before = st.value("wall_seconds", 0.0);
    if (st.contains("log")) log.from_json(st["log"]);
    spdlog::info("binpack train: resuming {} at iteration {}", options.out, start);
  }

  // Fixed validation instances: every family, 120 items.
  std::vector<BinPackingInstance> validation;
  std::vector<int64_t> validation_ffd;
  {
    Rng rng(derive_seed(options.seed, 0x7A11D));
    static const char* fams[] = {"uniform", "triplet", "scholl", "hard28"};
    for (int v = 0; v < options.validation_instances; ++v) {
      validation.push_back(generate_instance(fams[v % 4], 120, rng));
      validation_ffd.push_back(first_fit_decreasing(validation.back()).bins());
    }
  }

  Stopwatch clock;
  ProgressBar bar("binpack train", options.iterations - start, show_progress);
  Json last_metrics;
  double best_val = 1e300;
  for (int it = start; it < options.iterations; ++it) {
    std::vector<Episode> episodes(options.episodes);
    parallel_for(options.episodes, threads, [&](int64_t e, int) {
      Rng rng(derive_seed(options.seed, static_cast<uint64_t>(it) * 1000003ULL + e));
      const int64_t n = options.min_items + uniform_int(rng, options.max_items - options.min_items + 1);
      BinPackingInstance inst = generate_instance(options.family, n, rng);
      BinpackRollout roll = binpack_rollout(policy, inst, false, rng, true);
      Episode& ep = episodes[e];
      ep.traj = std::move(roll.trajectory);
      const double l1 = static_cast<double>(std::max<int64_t>(1, lower_bound_l1(inst)));
      ep.bins_over_l1 = roll.packing.bins() / l1;
      double terminal = options.fitness_weight * falkenauer_fitness(inst, roll.packing);
      ep.sa_bins_over_l1 = ep.bins_over_l1;
      if (options.rlho) {
        AnnealerOptions sa;
        sa.max_iterations = options.sa_iterations;
        sa.time_limit = 60.0;
        sa.seed = derive_seed(options.seed, static_cast<uint64_t>(it) * 1000003ULL + e + 0x5A);
        AnnealerResult improved = anneal(inst, roll.packing, sa);
        ep.sa_bins_over_l1 = improved.packing.bins() / l1;
        terminal += options.sa_weight * (objective(inst, improved.packing, l1, options.fitness_weight) -
                                         objective(inst, roll.packing, l1, options.fitness_weight));
      }
      // Self-critical baseline: the same objective reached from FFD (+ the same SA budget) on the
      // same instance. A per-instance constant leaves the expected gradient unchanged but removes
      // the instance-difficulty noise the value head cannot predict.
      Packing ref = first_fit_decreasing(inst);
      if (options.rlho) {
        AnnealerOptions sa;
        sa.max_iterations = options.sa_iterations;
        sa.time_limit = 60.0;
        sa.seed = derive_seed(options.seed, static_cast<uint64_t>(it) * 1000003ULL + e + 0x5A);
        ref = anneal(inst, ref, sa).packing;
      }
      terminal -= objective(inst, ref, l1, options.fitness_weight);
      ep.traj.rewards.back() += terminal;
      for (double r : ep.traj.rewards) ep.ret += r;
      std::vector<double> values(ep.traj.values.begin(), ep.traj.values.end());
      auto [adv, ret] = learn::compute_gae(ep.traj.rewards, values, 0.0, 1.0, options.gae_lambda);
      ep.advantages = std::move(adv);
      ep.returns = std::move(ret);
    });

    // Flatten into one padded batch [B, Kmax, F].
    int64_t total = 0, kmax = 1;
    for (const auto& ep : episodes) {
      total += ep.traj.steps();
      for (int64_t t = 0; t < ep.traj.steps(); ++t)
        kmax = std::max(kmax, ep.traj.offsets[t + 1] - ep.traj.offsets[t]);
    }
    auto X = torch::zeros({total, kmax, kCandidateFeatures});
    auto M = torch::zeros({total, kmax}, torch::kBool);
    auto A = torch::zeros({total}, torch::kInt64);
    auto old_lp = torch::zeros({total});
    auto adv = torch::zeros({total});
    auto ret = torch::zeros({total});
    {
      auto xa = X.accessor<float, 3>();
      auto ma = M.accessor<bool, 2>();
      auto aa = A.accessor<int64_t, 1>();
      auto la = old_lp.accessor<float, 1>();
      auto da = adv.accessor<float, 1>();
      auto ra = ret.accessor<float, 1>();
      int64_t row = 0;
      for (const auto& ep : episodes) {
        for (int64_t t = 0; t < ep.traj.steps(); ++t, ++row) {
          const int64_t k0 = ep.traj.offsets[t], k = ep.traj.offsets[t + 1] - k0;
          for (int64_t c = 0; c < k; ++c) {
            ma[row][c] = true;
            for (int64_t f = 0; f < kCandidateFeatures; ++f)
              xa[row][c][f] = ep.traj.features[(k0 + c) * kCandidateFeatures + f];
          }
          aa[row] = ep.traj.actions[t];
          la[row] = ep.traj.log_probs[t];
          da[row] = static_cast<float>(ep.advantages[t]);
          ra[row] = static_cast<float>(ep.returns[t]);
        }
      }
    }
    samples += total;
    learn::PpoBatch batch{old_lp, adv, ret};
    Rng update_rng(derive_seed(options.seed, 0xB00000ULL + it));
    learn::PpoStats stats = trainer.update(
        batch,
        [&](const torch::Tensor& idx) {
          auto mask = M.index_select(0, idx);
          auto [logits, value] = policy->forward(X.index_select(0, idx), mask);
          auto lp = torch::log_softmax(logits, -1);
          auto chosen = lp.gather(1, A.index_select(0, idx).unsqueeze(1)).squeeze(1);
          auto entropy = -(lp.exp() * lp).masked_fill(mask.logical_not(), 0.0).sum(1);
          return learn::PolicyEval{chosen, entropy, value};
        },
        update_rng);

    // Greedy validation.
    std::vector<double> val_ratio(validation.size()), val_gap(validation.size());
    parallel_for(static_cast<int64_t>(validation.size()), threads, [&](int64_t v, int) {
      Rng rng(1);
      Packing p = binpack_rollout(policy, validation[v], true, rng, false).packing;
      val_ratio[v] = static_cast<double>(p.bins()) / std::max<int64_t>(1, lower_bound_l1(validation[v]));
      val_gap[v] = static_cast<double>(p.bins() - validation_ffd[v]);
    });
    auto mean = [](const std::vector<double>& xs) {
      double s = 0;
      for (double x : xs) s += x;
      return xs.empty() ? 0.0 : s / xs.size();
    };
    std::vector<double> rl, sa, rets;
    for (const auto& ep : episodes) {
      rl.push_back(ep.bins_over_l1);
      sa.push_back(ep.sa_bins_over_l1);
      rets.push_back(ep.ret);
    }
    std::map<std::string, double> metrics{{"bins_over_l1", mean(rl)},
                                          {"sa_bins_over_l1", mean(sa)},
                                          {"return", mean(rets)},
                                          {"val_bins_over_l1", mean(val_ratio)},
                                          {"val_bins_minus_ffd", mean(val_gap)},
                                          {"policy_loss", stats.policy_loss},
                                          {"value_loss", stats.value_loss},
                                          {"entropy", stats.entropy},
                                          {"approx_kl", stats.approx_kl}};
    const double wall = wall_before + clock.seconds();
    log.add(it + 1, samples, wall, metrics);
    last_metrics = Json(metrics);
    Json meta{{"kind", "binpack_policy"},
              {"features", fmt::format("binpack-env-v1-{}", kCandidateFeatures)},
              {"config", {{"hidden", options.hidden}}},
              {"state",
               {{"iteration", it + 1},
                {"samples", samples},
                {"wall_seconds", wall},
                {"family", options.family},
                {"rlho", options.rlho},
                {"seed", options.seed},
                {"log", log.to_json()}}}};
    learn::save_checkpoint(options.out, *policy, meta, &trainer.optimizer());
    // Validation score: mean greedy bins / L1 (lower is better); ties keep the earlier model.
    if (!options.best_out.empty() && mean(val_ratio) < best_val) {
      best_val = mean(val_ratio);
      Json best_meta = meta;
      best_meta["state"]["best_validation_bins_over_l1"] = best_val;
      learn::save_checkpoint(options.best_out, *policy, best_meta);
    }
    bar.set_status(fmt::format("val bins/L1 {:.4f} (vs FFD {:+.2f})  rl {:.4f} sa {:.4f}", mean(val_ratio),
                               mean(val_gap), mean(rl), mean(sa)));
    bar.advance();
    spdlog::debug("binpack train it {}: {}", it + 1, Json(metrics).dump());
  }
  bar.finish();
  if (log.size() > 0) log.plot("val_bins_over_l1", "bin packing: greedy bins / L1 on validation instances");
  return Json{{"model", options.out},
              {"log", prefix},
              {"iterations", options.iterations},
              {"samples", samples},
              {"wall_seconds", wall_before + clock.seconds()},
              {"final", last_metrics}};
}

}  // namespace tessera::binpack
