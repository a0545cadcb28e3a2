#include "tessera/learn/chip_learned_placers.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "tessera/core/error.h"
#include "tessera/core/parallel.h"
#include "tessera/core/stopwatch.h"
#include "tessera/heuristics/chip_placer.h"
#include "tessera/heuristics/force_directed.h"
#include "tessera/learn/chip_rl_trainer.h"

#ifndef TESSERA_SOURCE_DIR
#define TESSERA_SOURCE_DIR "."
#endif

namespace tessera::chip {

std::string default_chip_rl_model_path() {
  if (const char* env = std::getenv("TESSERA_CHIP_RL_MODEL"); env != nullptr && *env != '\0') return env;
  // Run from the source root (the usual case) or from anywhere in a build of this tree.
  if (std::filesystem::exists("models/chip_rl.pt")) return "models/chip_rl.pt";
  return std::string(TESSERA_SOURCE_DIR) + "/models/chip_rl.pt";
}

Placement RlChipPlacer::place_impl(const Netlist& netlist, const ChipCanvas& canvas, const Placement& start,
                                   const ChipPlacerOptions& options) {
  Stopwatch clock;
  const Json& params = options.params;
  std::string model = params.value("model", std::string());
  if (model.empty()) model = default_chip_rl_model_path();
  const double finetune = params.value("finetune_seconds", 0.0);
  const int episodes = params.value("episodes_per_iteration", 8);
  const int64_t max_samples = params.value("max_samples", int64_t{-1});
  const double temperature = params.value("temperature", 1.0);
  const int refine_candidates = params.value("refine_candidates", kDefaultRefineCandidates);
  if (refine_candidates < 0) throw UsageError("rl: refine_candidates must be >= 0");
  if (!(temperature > 0)) throw UsageError("rl: temperature must be > 0");
  if (finetune < 0) throw UsageError("rl: finetune_seconds must be >= 0");
  if (episodes < 2) throw UsageError("rl: episodes_per_iteration must be >= 2");
  Json meta;
  ChipPolicy policy = load_chip_policy(model, &meta);

  ChipRlTask task{netlist.source(), std::shared_ptr<const Netlist>(&netlist, [](const Netlist*) {}), canvas.spec(),
                  start};
  ChipRlEnvOptions env_options;
  env_options.weights = options.weights;
  auto env = std::make_shared<const ChipRlEnv>(task, env_options);

  struct Candidate {
    double proxy = std::numeric_limits<double>::infinity();
    Placement placement;
    std::string source;
  };
  Candidate best, best_overlapping;
  std::vector<Candidate> top;  // the refine_candidates best legal samples, best first
  auto consider = [&](const ChipRlRollout& r, const std::string& source) {
    Candidate& c = r.fallback_steps == 0 ? best : best_overlapping;
    if (r.proxy < c.proxy) c = {r.proxy, r.placement, source};
    if (r.fallback_steps != 0 || refine_candidates == 0) return;
    for (const auto& t : top)
      if (std::abs(t.proxy - r.proxy) < 1e-12) return;  // the same placement again
    if (static_cast<int>(top.size()) == refine_candidates && r.proxy >= top.back().proxy) return;
    top.push_back({r.proxy, r.placement, source});
    std::sort(top.begin(), top.end(), [](const Candidate& a, const Candidate& b) { return a.proxy < b.proxy; });
    if (static_cast<int>(top.size()) > refine_candidates) top.pop_back();
  };

  stats_ = Json::object();
  stats_["model"] = model;
  stats_["mode"] = finetune > 0 ? "fine-tuned" : "zero-shot";
  if (finetune > 0) {
    ChipRlTrainerOptions to;
    to.iterations = std::numeric_limits<int>::max();
    to.time_budget = finetune;
    to.episodes_per_task = episodes;
    to.seed = derive_seed(options.seed, 1);
    to.threads = options.threads;
    to.progress = options.progress;
    ChipRlTrainer trainer(policy, {env}, to);
    Json summary = trainer.train();
    stats_["finetune"] = summary;
    if (std::isfinite(trainer.best_proxy(0)))
      best = {trainer.best_proxy(0), trainer.best_placement(0), "fine-tuning episode"};
    policy = trainer.policy();
  }
  // The time budget is for placing: it starts after fine-tuning.
  Stopwatch sampling_clock;
  policy->eval();
  torch::Tensor embedding;
  {
    torch::NoGradGuard no_grad;
    embedding = policy->encode(env->graph());
  }
  ChipRlRollout greedy = run_chip_episode(policy, *env, embedding, nullptr, false);
  stats_["greedy_proxy"] = greedy.proxy;
  consider(greedy, "greedy");
  const int threads = resolve_threads(options.threads);
  int64_t sampled = 0;
  double round_seconds = 0;
  // A candidate's refinement: coordinate descent with the soft macros where they are, then FD again.
  auto refine = [&](Placement p) {
    RefineOptions ro;
    ro.progress = false;
    ro.swaps = false;  // a cheap screening pass; the final refinement of the winner swaps too
    ro.weights = options.weights;
    refine_placement(netlist, canvas, p, ro);
    force_directed_place(netlist, canvas.spec(), p, env_options.fd);
    const double proxy = env->cost().evaluate(p).proxy(options.weights);
    return Candidate{proxy, std::move(p), "refined sample"};
  };
  // With refine_candidates, the end of the budget is kept for refining them (estimated from one).
  double refine_reserve = 0;
  if (refine_candidates > 0) {
    Stopwatch one;
    (void)refine(greedy.placement);
    refine_reserve = one.seconds() * refine_candidates / threads;
  }
  while ((max_samples < 0 || sampled < max_samples) &&
         sampling_clock.seconds() + round_seconds + refine_reserve < options.time_budget) {
    Stopwatch round;
    const int64_t n = max_samples < 0 ? threads : std::min<int64_t>(threads, max_samples - sampled);
    std::vector<ChipRlRollout> rollouts(n);
    parallel_for(n, threads, [&](int64_t i, int) {
      Rng rng(derive_seed(options.seed, 1000 + static_cast<uint64_t>(sampled + i)));
      rollouts[i] = run_chip_episode(policy, *env, embedding, &rng, false, temperature);
    });
    for (const auto& r : rollouts) consider(r, "sample");
    sampled += n;
    round_seconds = round.seconds();
  }
  stats_["samples"] = sampled;
  stats_["temperature"] = temperature;
  stats_["seconds"] = clock.seconds();
  if (!std::isfinite(best.proxy)) {
    if (!std::isfinite(best_overlapping.proxy))
      throw InputError(netlist.source(), 0, "rl: no placement produced");
    throw InputError(netlist.source(), 0,
                     "rl: no legal placement found: in every episode some hard macro had no legal cell left "
                     "(canvas too full for the grid?); best overlapping proxy " +
                         std::to_string(best_overlapping.proxy));
  }
  if (!top.empty()) {
    // Coordinate-descent refinement (then FD) of the best samples; the best refined one wins. The
    // unrefined ranking is a poor guide: refinement moves samples by different amounts.
    std::vector<Candidate> refined(top.size());
    parallel_for(static_cast<int64_t>(top.size()), threads,
                 [&](int64_t i, int) { refined[i] = refine(top[i].placement); });
    Json ranks = Json::array();
    size_t winner = 0;
    for (size_t i = 0; i < refined.size(); ++i) {
      ranks.push_back({{"sampled_proxy", top[i].proxy}, {"refined_proxy", refined[i].proxy}});
      if (refined[i].proxy < refined[winner].proxy) winner = i;
    }
    stats_["refined_candidates"] = ranks;
    if (refined[winner].proxy < best.proxy) best = refined[winner];
  }
  stats_["best_proxy"] = best.proxy;
  stats_["best_from"] = best.source;
  return best.placement;
}

void add_learned_placers(ChipPlacerRegistry& registry) {
  registry.add("rl",
               "deep RL (Circuit Training): edge-GCN policy over the grid, PPO; zero-shot with --model, "
               "fine-tuned with finetune_seconds",
               [] { return std::make_unique<RlChipPlacer>(); });
}

}  // namespace tessera::chip
