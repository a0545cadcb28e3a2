#include "tessera/problems/training_graph.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::devices {
namespace {

// x (input, no weights) -> fc (weights 400 B, 1000 FLOPs) -> relu -> loss
DeviceGraph mlp() {
  DeviceGraph g("mlp");
  Op x;
  x.name = "x";
  x.type = "Input";
  x.output_bytes = 40;
  Op fc;
  fc.name = "fc";
  fc.type = "Gemm";
  fc.flops = 1000;
  fc.param_bytes = 400;
  fc.output_bytes = 80;
  Op relu;
  relu.name = "relu";
  relu.type = "Relu";
  relu.flops = 20;
  relu.output_bytes = 80;
  g.add_op(x);
  g.add_op(fc);
  g.add_op(relu);
  g.add_edge(0, 1, 40);
  g.add_edge(1, 2, 80);
  g.finalize();
  return g;
}

TEST(TrainingGraph, ExpandsForwardBackwardUpdate) {
  TrainingOptions o;
  o.optimizer = Optimizer::kAdam;
  DeviceGraph t = expand_training(mlp(), o);
  EXPECT_TRUE(t.training());
  // x needs no gradient: ops = 3 forward + fc/grad + relu/grad + fc/update.
  ASSERT_EQ(t.num_ops(), 6);
  const int fg = t.find_op("fc/grad"), rg = t.find_op("relu/grad"), fu = t.find_op("fc/update");
  ASSERT_GE(fg, 0);
  ASSERT_GE(rg, 0);
  ASSERT_GE(fu, 0);
  EXPECT_EQ(t.find_op("x/grad"), -1);
  EXPECT_DOUBLE_EQ(t.op(fg).flops, 2000);          // 2x forward for ops with weights
  EXPECT_DOUBLE_EQ(t.op(rg).flops, 20);            // 1x otherwise
  EXPECT_DOUBLE_EQ(t.op(fg).output_bytes, 400);    // weight gradient only (x needs none)
  EXPECT_DOUBLE_EQ(t.op(fu).param_bytes, 800);     // Adam: 2 x weights of state
  EXPECT_EQ(t.op(fg).role, OpRole::kBackward);
  EXPECT_EQ(t.op(fu).role, OpRole::kUpdate);
  // Co-location: fc, fc/grad, fc/update together.
  EXPECT_EQ(t.group(t.find_op("fc")), t.group(fg));
  EXPECT_EQ(t.group(fg), t.group(fu));
  // The backward pass runs after the forward pass: relu/grad after relu, fc/grad after relu/grad.
  const auto& rank = t.topological_rank();
  EXPECT_LT(rank[t.find_op("relu")], rank[rg]);
  EXPECT_LT(rank[rg], rank[fg]);
  EXPECT_LT(rank[fg], rank[fu]);
  // Activation x is kept alive until fc/grad: an edge x -> fc/grad.
  bool found = false;
  for (const int* e = t.in_begin(fg); e != t.in_end(fg); ++e) found |= t.edges()[*e].src == 0;
  EXPECT_TRUE(found);
}

TEST(TrainingGraph, RejectsTrainingGraphsAndBadOptions) {
  DeviceGraph t = expand_training(mlp());
  EXPECT_THROW(expand_training(t), UsageError);
  TrainingOptions o;
  o.grad_flops_factor = 0;
  EXPECT_THROW(expand_training(mlp(), o), UsageError);
  EXPECT_THROW(parse_optimizer("rmsprop"), UsageError);
}

TEST(TrainingGraph, ProfiledBackwardTimesReplaceDerivedOnes) {
  std::vector<std::array<double, kNumDeviceKinds>> bwd(3, {0.5, -1});
  DeviceGraph t = expand_training(mlp(), {}, bwd);
  EXPECT_DOUBLE_EQ(t.op(t.find_op("fc/grad")).profiled_time[0], 0.5);
}

}  // namespace
}  // namespace tessera::devices
