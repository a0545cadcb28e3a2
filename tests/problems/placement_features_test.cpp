#include "tessera/problems/placement_features.h"

#include <gtest/gtest.h>

#include <set>

#include "../learn/synthetic_device_graph.h"

namespace tessera::devices {
namespace {

TEST(PlacementFeatures, OpTypeIdsAreStableAndShareGradients) {
  EXPECT_EQ(op_type_id("Conv"), 0);
  EXPECT_EQ(op_type_id("Grad:Conv"), op_type_id("Conv"));
  int64_t unknown = op_type_id("MyCustomOp");
  EXPECT_EQ(unknown, op_type_id("MyCustomOp"));
  EXPECT_GE(unknown, kNumOpTypeIds - 24);
  EXPECT_LT(unknown, kNumOpTypeIds);
}

TEST(PlacementFeatures, OpTensorsMatchTheGraph) {
  auto g = testing_graphs::two_branches(4);
  auto t = op_graph_tensors(g, {0.1f, 0.2f, 0.3f, 0.4f});
  EXPECT_EQ(t.num_ops(), g.num_ops());
  EXPECT_EQ(t.numeric.sizes(), (std::vector<int64_t>{g.num_ops(), kOpNumericFeatures}));
  EXPECT_EQ(t.edges.src.size(0), 2 * g.num_edges());
  EXPECT_EQ(t.order[0].item<int64_t>(), g.topological_order()[0]);
  // Topological position feature: 0 for the source, 1 for the sink.
  EXPECT_FLOAT_EQ(t.numeric[g.find_op("in")][3].item<float>(), 0.f);
  EXPECT_FLOAT_EQ(t.numeric[g.find_op("out")][3].item<float>(), 1.f);
  // FLOPs are log-scaled: a heavy op has a larger feature than the light input op.
  EXPECT_GT(t.numeric[g.find_op("a0")][0].item<float>(), t.numeric[g.find_op("in")][0].item<float>());
  EXPECT_TRUE(torch::isfinite(t.numeric).all().item<bool>());
}

TEST(PlacementFeatures, GroupingKeepsColocationAndRespectsTheLimit) {
  DeviceGraph g("colo");
  for (int i = 0; i < 30; ++i) {
    Op op;
    op.name = "op" + std::to_string(i);
    op.type = "MatMul";
    op.flops = 1e9;
    op.output_bytes = 1e5;
    op.colocation = i % 10 == 0 ? 100 : -1;  // ops 0, 10, 20 share a group
    g.add_op(op);
  }
  for (int i = 0; i + 1 < 30; ++i) g.add_edge(i, i + 1, 1e5);
  g.finalize("colo");
  auto all = group_ops(g, 1000, 1);
  EXPECT_EQ(all.num_groups, g.num_groups());
  auto few = group_ops(g, 6, 1);
  EXPECT_LE(few.num_groups, 6);
  EXPECT_EQ(few.op_group[0], few.op_group[10]);
  EXPECT_EQ(few.op_group[0], few.op_group[20]);
  // Groups are numbered in topological order: op 0 (first op) is in group 0.
  EXPECT_EQ(few.op_group[0], 0);
  std::vector<int> dev(few.num_groups);
  for (int c = 0; c < few.num_groups; ++c) dev[c] = c % 2;
  auto placement = few.expand(dev);
  for (int v = 0; v < 30; ++v) EXPECT_EQ(placement[v], few.op_group[v] % 2);
  auto seq = group_sequence_tensors(g, few);
  EXPECT_EQ(seq.num_groups(), few.num_groups);
  EXPECT_EQ(seq.adjacency.size(1), kGroupAdjacencyFeatures);
  EXPECT_GT(seq.adjacency.sum().item<float>(), 0.f);
}

}  // namespace
}  // namespace tessera::devices
