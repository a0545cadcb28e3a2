#include "tessera/nn/seq2seq_placer.h"

#include <gtest/gtest.h>

namespace tessera::nn {
namespace {

GroupSequenceTensors groups(int64_t G) {
  GroupSequenceTensors t;
  t.op_type = torch::arange(G) % 5;
  t.numeric = torch::rand({G, 4});
  t.adjacency = torch::rand({G, 10});
  return t;
}

TEST(Seq2SeqPlacer, SamplesOneDevicePerGroup) {
  torch::manual_seed(1);
  Seq2SeqPlacer p(Seq2SeqPlacerOptions().num_devices(3));
  Rng rng(7);
  auto s = p->sample(groups(12), 5, rng);
  EXPECT_EQ(s.actions.sizes(), (std::vector<int64_t>{5, 12}));
  EXPECT_GE(s.actions.min().item<int64_t>(), 0);
  EXPECT_LT(s.actions.max().item<int64_t>(), 3);
  EXPECT_EQ(s.log_prob.size(0), 5);
  EXPECT_TRUE((s.log_prob <= 0).all().item<bool>());
}

TEST(Seq2SeqPlacer, SameSeedSameSamples) {
  torch::manual_seed(2);
  Seq2SeqPlacer p(Seq2SeqPlacerOptions().num_devices(4));
  auto in = groups(9);
  Rng a(3), b(3);
  EXPECT_TRUE(torch::equal(p->sample(in, 4, a).actions, p->sample(in, 4, b).actions));
}

TEST(Seq2SeqPlacer, PolicyGradientLearnsATargetPlacement) {
  // REINFORCE towards "group g on device g % 2": the reward (mean of the last 5 steps) must rise well
  // above chance (0.5).
  torch::manual_seed(3);
  Seq2SeqPlacer p(Seq2SeqPlacerOptions().num_devices(2).hidden(32));
  torch::optim::Adam opt(p->parameters(), torch::optim::AdamOptions(1e-2));
  auto in = groups(8);
  auto target = torch::arange(8) % 2;
  Rng rng(4);
  double last = 0;
  for (int it = 0; it < 50; ++it) {
    auto s = p->sample(in, 16, rng);
    auto reward = (s.actions == target.unsqueeze(0)).to(torch::kFloat32).mean(1);
    auto adv = reward - reward.mean();
    auto loss = -(adv.detach() * s.log_prob).mean();
    opt.zero_grad();
    loss.backward();
    opt.step();
    if (it >= 45) last += reward.mean().item<double>() / 5;
  }
  EXPECT_GT(last, 0.75);
}

}  // namespace
}  // namespace tessera::nn
