#include "tessera/nn/chip_policy.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

// A ring of 6 nodes with 8 features, 2 decision states on a 5x7 grid.
struct Synthetic {
  ChipGraphInput graph;
  ChipStateInput state;
};

Synthetic make_synthetic(int64_t rows = 5, int64_t cols = 7) {
  torch::manual_seed(7);
  Synthetic s;
  s.graph.node_features = torch::rand({6, 8});
  s.graph.edge_src = torch::tensor({0, 1, 2, 3, 4, 5}, torch::kInt64);
  s.graph.edge_dst = torch::tensor({1, 2, 3, 4, 5, 0}, torch::kInt64);
  s.graph.edge_weight = torch::rand({6});
  s.state.macro_node = torch::tensor({0, 3}, torch::kInt64);
  s.state.spatial = torch::rand({2, ChipPolicyOptions{}.spatial_channels, rows, cols});
  s.state.mask = torch::rand({2, rows * cols}) > 0.6;
  s.state.mask.index_put_({0, std::min<int64_t>(3, rows * cols - 1)}, true);
  s.state.mask.index_put_({1, std::min<int64_t>(11, rows * cols - 1)}, true);
  return s;
}

TEST(ChipPolicy, ShapesAndMaskedCellsGetZeroProbability) {
  ChipPolicy policy(ChipPolicyOptions{});
  auto s = make_synthetic();
  auto out = policy->forward(s.graph, s.state);
  ASSERT_EQ(out.logits.sizes(), (std::vector<int64_t>{2, 35}));
  ASSERT_EQ(out.value.sizes(), (std::vector<int64_t>{2}));
  auto p = torch::softmax(out.logits, 1);
  EXPECT_EQ(p.masked_select(s.state.mask.logical_not()).abs().sum().item<float>(), 0.0f);
  EXPECT_NEAR(p.sum(1)[0].item<float>(), 1.0f, 1e-5);
  EXPECT_TRUE(torch::isfinite(masked_entropy(out.logits)).all().item<bool>());
  EXPECT_TRUE(torch::isfinite(out.value).all().item<bool>());
  // Sampling never returns a masked cell.
  auto draws = torch::multinomial(p, 500, true);
  for (int b = 0; b < 2; ++b)
    EXPECT_TRUE(s.state.mask[b].index_select(0, draws[b]).all().item<bool>());
}

TEST(ChipPolicy, WorksOnAnyGridSize) {
  ChipPolicy policy(ChipPolicyOptions{});
  for (auto [r, c] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {10, 10}, {24, 21}, {45, 41}}) {
    auto s = make_synthetic(r, c);
    s.state.mask = torch::ones({2, r * c}, torch::kBool);
    auto out = policy->forward(s.graph, s.state);
    EXPECT_EQ(out.logits.size(1), r * c);
  }
}

TEST(ChipPolicy, GradientsAreFiniteAndReachTheEncoder) {
  ChipPolicy policy(ChipPolicyOptions{});
  auto s = make_synthetic();
  auto out = policy->forward(s.graph, s.state);
  auto lp = masked_log_softmax(out.logits);
  auto loss = -lp.index({0, 3}) - lp.index({1, 11}) - masked_entropy(out.logits).mean() + out.value.pow(2).sum();
  loss.backward();
  for (const auto& p : policy->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
  }
  EXPECT_GT(policy->named_parameters()["edge_mlps.0.0.weight"].grad().abs().sum().item<float>(), 0.0f);
}

// The decoder can learn a state-dependent target: the legal cell under the brightest spot of
// spatial channel 2. Cross-entropy must fall by a large factor.
TEST(ChipPolicy, LearnsToFollowASpatialChannel) {
  torch::manual_seed(1);
  torch::set_num_threads(1);  // spin-waiting OpenMP workers are slow on a busy machine
  ChipPolicyOptions small;
  small.hidden = 8;
  small.deconv_channels = 4;
  ChipPolicy policy(small);
  torch::optim::Adam opt(policy->parameters(), torch::optim::AdamOptions(2e-2));
  auto s = make_synthetic(8, 8);
  const int64_t b = 8;
  s.state.macro_node = torch::randint(0, 6, {b}, torch::kInt64);
  s.state.spatial = torch::zeros({b, ChipPolicyOptions{}.spatial_channels, 8, 8});
  auto target = torch::randint(0, 64, {b}, torch::kInt64);
  for (int64_t i = 0; i < b; ++i) s.state.spatial.index_put_({i, 2, target[i].item<int64_t>() / 8, target[i].item<int64_t>() % 8}, 1.0);
  s.state.mask = torch::ones({b, 64}, torch::kBool);
  double first = 0, last = 0;
  for (int step = 0; step < 80; ++step) {
    auto out = policy->forward(s.graph, s.state);
    auto loss = torch::nll_loss(masked_log_softmax(out.logits), target);
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  EXPECT_LT(last, 0.25 * first);
}

TEST(ChipPolicy, RejectsBadShapes) {
  ChipPolicy policy(ChipPolicyOptions{});
  auto s = make_synthetic();
  s.graph.node_features = torch::rand({6, 5});
  EXPECT_THROW(policy->forward(s.graph, s.state), c10::Error);
  ChipPolicyOptions bad;
  bad.hidden = 0;
  EXPECT_THROW(bad.validate(), UsageError);
}

}  // namespace
}  // namespace tessera::chip
