#include "tessera/nn/gdp_policy.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/core/stopwatch.h"

namespace tessera::nn {
namespace {

/// A chain of n ops (i -> i+1) in tensor form, topological order = identity.
OpGraphTensors chain(int64_t n, int64_t features = 9) {
  OpGraphTensors t;
  t.op_type = torch::arange(n) % 7;
  t.numeric = torch::rand({n, features});
  auto a = torch::arange(n - 1), b = a + 1;
  t.edges.src = torch::cat({a, b});
  t.edges.dst = torch::cat({b, a});
  t.edges.weight = torch::ones({2 * (n - 1)});
  t.edges.num_nodes = n;
  t.order = torch::arange(n);
  t.context = torch::zeros({4});
  return t;
}

GdpPolicyOptions small() { return GdpPolicyOptions().hidden(16).ffn(32).segment(8).heads(2).numeric_features(9); }

TEST(GdpPolicy, OneDistributionPerOpForAnyDeviceCount) {
  torch::manual_seed(1);
  GdpPolicy p(small());
  auto in = chain(37);
  for (int64_t d : {1, 2, 4, 8}) {
    auto logits = p->forward(in, d);
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{37, d}));
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  }
  EXPECT_THROW(p->forward(in, 9), UsageError);
  EXPECT_THROW(p->forward(in, 0), UsageError);
}

TEST(GdpPolicy, OutputDoesNotDependOnOpNumbering) {
  // Permuting op ids (and the order/edges accordingly) permutes the output rows.
  torch::manual_seed(2);
  GdpPolicy p(small());
  p->eval();
  auto in = chain(20);
  auto perm = torch::randperm(20);  // new id of old op i = perm[i]
  OpGraphTensors q = in;
  auto inv = torch::empty_like(perm).index_copy(0, perm, torch::arange(20));
  q.op_type = in.op_type.index_select(0, inv);
  q.numeric = in.numeric.index_select(0, inv);
  q.edges.src = perm.index_select(0, in.edges.src);
  q.edges.dst = perm.index_select(0, in.edges.dst);
  q.order = perm.index_select(0, in.order);
  auto a = p->forward(in, 4);
  auto b = p->forward(q, 4).index_select(0, perm);
  EXPECT_TRUE(torch::allclose(a, b, 1e-4, 1e-5));
}

TEST(GdpPolicy, SegmentMemoryCarriesInformationForward) {
  // Transformer-XL memory: changing an op in segment 0 changes outputs in segment 1 (via the memory),
  // but with 1 attention layer and no graph edges nothing reaches segment 2.
  torch::manual_seed(3);
  GdpPolicy p(small().sage_layers(0).attention_layers(1));
  p->eval();
  torch::NoGradGuard guard;
  auto in = chain(24);
  auto base = p->forward(in, 2);
  auto changed = in;
  changed.numeric = in.numeric.clone();
  changed.numeric[0] = changed.numeric[0] + 5.0;
  auto out = p->forward(changed, 2);
  auto diff = (out - base).abs().sum(1);
  EXPECT_GT(diff.slice(0, 8, 16).max().item<double>(), 1e-6);
  // The superposition scales start at exactly 1 (zero-initialised), so with one layer segment 2 sees
  // nothing of segment 0.
  EXPECT_LT(diff.slice(0, 16, 24).max().item<double>(), 1e-6);
}

TEST(GdpPolicy, GradientsReachEveryParameter) {
  torch::manual_seed(4);
  GdpPolicy p(small());
  auto in = chain(30);
  in.context = torch::rand({4});
  auto loss = torch::log_softmax(p->forward(in, 3), 1).select(1, 0).sum();
  loss.backward();
  for (const auto& kv : p->named_parameters()) {
    ASSERT_TRUE(kv.value().grad().defined()) << kv.key();
  }
}

TEST(GdpPolicy, AHintIsRequiredInRangeAndItsGainPicksTheHintedDevice) {
  torch::manual_seed(5);
  GdpPolicy p(small().hint(true));
  auto in = chain(20);
  EXPECT_THROW(p->forward(in, 4), Error);  // the model reads a hint, the input has none
  in.hint = torch::arange(20) % 4;
  EXPECT_THROW(p->forward(in, 3), Error);  // device 3 is not in a 3-device cluster
  auto logits = p->forward(in, 4);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{20, 4}));
  // Gradients reach the gain, and with a large gain the greedy device is the hinted one.
  torch::log_softmax(logits, 1).gather(1, in.hint.unsqueeze(1)).sum().backward();
  for (const auto& kv : p->named_parameters()) ASSERT_TRUE(kv.value().grad().defined()) << kv.key();
  {
    torch::NoGradGuard guard;
    for (auto& kv : p->named_parameters())
      if (kv.key() == "hint_gain.bias") kv.value().fill_(100.0);
  }
  EXPECT_TRUE(torch::equal(p->forward(in, 4).argmax(1), in.hint));
  // A policy without the option ignores a hint in the input.
  GdpPolicy plain(small());
  plain->eval();
  auto no_hint = in;
  no_hint.hint = torch::Tensor();
  EXPECT_TRUE(torch::equal(plain->forward(in, 4), plain->forward(no_hint, 4)));
}

TEST(GdpPolicy, ScalesToFiftyThousandOps) {
  torch::manual_seed(5);
  GdpPolicy p{GdpPolicyOptions()};
  p->eval();
  torch::NoGradGuard guard;
  auto in = chain(50000);
  Stopwatch sw;
  auto logits = p->forward(in, 4);
  EXPECT_EQ(logits.size(0), 50000);
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  EXPECT_LT(sw.seconds(), 30.0);
}

}  // namespace
}  // namespace tessera::nn
