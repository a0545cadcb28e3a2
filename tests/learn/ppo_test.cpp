#include "tessera/learn/ppo.h"

#include <gtest/gtest.h>

namespace tessera::learn {
namespace {

TEST(Gae, MatchesHandComputation) {
  // gamma = 1, lambda = 1: advantages are returns-to-go minus values.
  auto [adv, ret] = compute_gae({1, 2, 3}, {0.5, 0.5, 0.5}, 0.0, 1.0, 1.0);
  EXPECT_DOUBLE_EQ(ret[0], 6.0);
  EXPECT_DOUBLE_EQ(ret[2], 3.0);
  EXPECT_DOUBLE_EQ(adv[1], 4.5);
}

TEST(Baseline, MovingAverage) {
  MovingAverageBaseline b(0.5);
  EXPECT_DOUBLE_EQ(b.advantage_and_update(2.0), 0.0);
  EXPECT_DOUBLE_EQ(b.advantage_and_update(4.0), 2.0);
  EXPECT_DOUBLE_EQ(b.value(), 3.0);
}

// A 4-armed bandit: arm 2 pays 1, the others 0. PPO must concentrate the policy on arm 2.
TEST(Ppo, LearnsBandit) {
  torch::manual_seed(0);
  auto logits = torch::zeros({4}, torch::requires_grad());
  PpoOptions opt;
  opt.learning_rate = 0.05;
  opt.minibatch_size = 32;
  PpoTrainer trainer({logits}, opt);
  Rng rng(3);
  for (int it = 0; it < 30; ++it) {
    torch::Tensor actions, old_lp;
    {
      torch::NoGradGuard g;
      auto probs = torch::softmax(logits, 0);
      actions = torch::multinomial(probs, 64, true);
      old_lp = torch::log_softmax(logits, 0).index_select(0, actions);
    }
    auto reward = (actions == 2).to(torch::kFloat32);
    PpoBatch batch{old_lp, reward - reward.mean(), torch::Tensor()};
    trainer.update(batch,
                   [&](const torch::Tensor& idx) {
                     auto lp = torch::log_softmax(logits, 0);
                     auto a = actions.index_select(0, idx);
                     auto ent = -(lp.exp() * lp).sum().expand({idx.size(0)});
                     return PolicyEval{lp.index_select(0, a), ent, torch::Tensor()};
                   },
                   rng);
  }
  EXPECT_GT(torch::softmax(logits, 0)[2].item<float>(), 0.9f);
}

}  // namespace
}  // namespace tessera::learn
