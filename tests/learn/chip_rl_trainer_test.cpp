#include "tessera/learn/chip_rl_trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/problems/random_netlist.h"

namespace tessera::chip {
namespace {

std::shared_ptr<const ChipRlEnv> tiny_env(uint64_t seed, int macros = 6) {
  RandomNetlistOptions o;
  o.hard_macros = macros;
  o.soft_macros = 12;
  o.ports = 8;
  o.nets = 80;
  auto nl = std::make_shared<Netlist>(generate_random_netlist(o, seed, "tiny"));
  ChipRlEnvOptions e;
  e.fd.iterations = {20, 20};
  e.fd.move_distance_factors = {1.0, 0.5};
  return std::make_shared<const ChipRlEnv>(ChipRlTask{"tiny", nl, nl->spec(), Placement(*nl)}, e);
}

ChipPolicy fresh_policy() {
  torch::manual_seed(0);
  auto o = default_chip_policy_options();
  o.hidden = 16;
  o.gcn_layers = 2;
  return ChipPolicy(o);
}

ChipRlTrainerOptions quick(int iterations) {
  ChipRlTrainerOptions t;
  t.iterations = iterations;
  t.episodes_per_task = 8;
  t.progress = false;
  t.seed = 11;
  t.threads = 2;
  t.ppo.learning_rate = 3e-3;
  t.ppo.minibatch_size = 64;
  return t;
}

torch::Tensor embed(ChipPolicy& policy, const ChipRlEnv& env) {
  torch::NoGradGuard g;
  return policy->encode(env.graph());
}

double random_policy_mean(const ChipRlEnv& env, int episodes) {
  Rng rng(99);
  double total = 0;
  for (int i = 0; i < episodes; ++i) {
    ChipRlEpisode ep(env);
    while (!ep.done()) {
      auto cells = ep.observe().mask.nonzero().flatten();
      ep.step(static_cast<int>(cells[uniform_int(rng, cells.numel())].item<int64_t>()));
    }
    total += ep.finish().proxy(env.options().weights);
  }
  return total / episodes;
}

TEST(ChipRlTrainer, PolicyNeverPicksAMaskedCell) {
  auto env = tiny_env(3, 10);
  ChipPolicy policy = fresh_policy();
  torch::Tensor emb = embed(policy, *env);
  for (int s = 0; s < 10; ++s) {
    Rng rng(s);
    ChipRlRollout r = run_chip_episode(policy, *env, emb, s == 0 ? nullptr : &rng, true);
    ASSERT_EQ(r.actions.size(), 10u);
    int stuck = 0;  // steps without any legal cell (then every in-canvas cell is allowed)
    for (size_t t = 0; t < r.actions.size(); ++t) {
      EXPECT_TRUE(r.observations[t].mask[r.actions[t]].item<bool>());
      stuck += r.observations[t].fallback ? 1 : 0;
    }
    EXPECT_EQ(r.fallback_steps, stuck);
    EXPECT_TRUE(std::isfinite(r.proxy));
  }
}

TEST(ChipRlTrainer, LowTemperatureSamplesTheGreedyEpisode) {
  auto env = tiny_env(4, 8);
  ChipPolicy policy = fresh_policy();
  torch::Tensor emb = embed(policy, *env);
  const ChipRlRollout greedy = run_chip_episode(policy, *env, emb, nullptr, false);
  int differ_hot = 0;
  for (int s = 0; s < 4; ++s) {
    Rng cold(s), hot(s);
    EXPECT_EQ(run_chip_episode(policy, *env, emb, &cold, false, 1e-4).actions, greedy.actions) << "seed " << s;
    differ_hot += run_chip_episode(policy, *env, emb, &hot, false, 1.0).actions != greedy.actions ? 1 : 0;
  }
  EXPECT_GT(differ_hot, 0);  // an untrained policy at T = 1 is far from deterministic
  Rng rng(1);
  EXPECT_THROW(run_chip_episode(policy, *env, emb, &rng, false, 0.0), UsageError);
}

TEST(ChipRlTrainer, LearnsToBeatRandomPlacementOnATinyNetlist) {
  auto env = tiny_env(5);
  const double random_mean = random_policy_mean(*env, 32);
  ChipRlTrainer trainer(fresh_policy(), {env}, quick(15));
  Json summary = trainer.train();
  const double first = summary["netlists"][0]["first_mean_proxy"].get<double>();
  const double last = summary["netlists"][0]["last_mean_proxy"].get<double>();
  torch::Tensor emb = embed(trainer.policy(), *env);
  const double greedy = run_chip_episode(trainer.policy(), *env, emb, nullptr, false).proxy;
  EXPECT_LT(last, first);
  EXPECT_LT(greedy, random_mean * 0.95) << "random " << random_mean << " first " << first << " last " << last;
  EXPECT_LE(trainer.best_proxy(0), last);
  EXPECT_EQ(trainer.log().size(), 15u);
}

TEST(ChipRlTrainer, ResumeContinuesExactly) {
  std::string dir = testing::scratch_dir();
  auto env = tiny_env(7);
  ChipRlTrainer straight(fresh_policy(), {env}, quick(2));
  straight.train();

  auto first = quick(1);
  first.checkpoint = dir + "/ck.pt";
  ChipRlTrainer part1(fresh_policy(), {env}, first);
  part1.train();
  ASSERT_TRUE(std::filesystem::exists(first.checkpoint));
  auto second = quick(2);
  second.checkpoint = first.checkpoint;
  second.resume = true;
  ChipRlTrainer part2(fresh_policy(), {env}, second);
  EXPECT_EQ(part2.iteration(), 1);
  Json s = part2.train();
  EXPECT_EQ(s["iterations"].get<int64_t>(), 2);
  EXPECT_EQ(part2.log().size(), 2u);
  auto a = straight.policy()->named_parameters();
  auto b = part2.policy()->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
}

TEST(ChipRlTrainer, RejectsBadOptions) {
  auto env = tiny_env(1);
  auto o = quick(1);
  o.baseline = "nope";
  EXPECT_THROW(ChipRlTrainer(fresh_policy(), {env}, o), UsageError);
  o = quick(1);
  o.episodes_per_task = 1;
  EXPECT_THROW(ChipRlTrainer(fresh_policy(), {env}, o), UsageError);
  EXPECT_THROW(ChipRlTrainer(fresh_policy(), {}, quick(1)), UsageError);
}

}  // namespace
}  // namespace tessera::chip
