#include "tessera/cost/partition_metrics.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::partition {
namespace {

// Square 0-1-2-3-0 with edge weights 1,2,3,4 and node weights 1,1,1,3.
graph::Graph square() {
  graph::GraphBuilder b(4);
  b.add_edge(0, 1, 1);
  b.add_edge(1, 2, 2);
  b.add_edge(2, 3, 3);
  b.add_edge(3, 0, 4);
  b.set_node_weights({1, 1, 1, 3});
  return b.build();
}

TEST(PartitionMetrics, HandComputedCutImbalanceNcut) {
  auto g = square();
  std::vector<int> part{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(edge_cut(g, part), 2 + 4);
  auto bw = block_weights(g, part, 2);
  EXPECT_DOUBLE_EQ(bw[0], 2);
  EXPECT_DOUBLE_EQ(bw[1], 4);
  EXPECT_DOUBLE_EQ(imbalance(g, part, 2), 4.0 / 3.0 - 1.0);
  // vol(0) = d0 + d1 = (1+4) + (1+2) = 8, vol(1) = (2+3) + (3+4) = 12; cut 6 each side.
  EXPECT_DOUBLE_EQ(normalized_cut(g, part, 2), 6.0 / 8.0 + 6.0 / 12.0);
  auto q = evaluate_partition(g, part, 2);
  EXPECT_DOUBLE_EQ(q.cut, 6);
  EXPECT_DOUBLE_EQ(q.max_block_weight, 4);
  EXPECT_EQ(q.empty_blocks, 0);
}

TEST(PartitionMetrics, MaxBlockWeightBound) {
  graph::GraphBuilder b(100);
  auto g = b.build();
  EXPECT_DOUBLE_EQ(max_block_weight(g, 2, 0.03), 51);   // floor(1.03 * 50)
  EXPECT_DOUBLE_EQ(max_block_weight(g, 3, 0.0), 34);    // ceil(100 / 3)
  EXPECT_DOUBLE_EQ(max_block_weight(g, 32, 0.03), 4);   // floor(3.21875) < ceil(3.125) = 4
}

TEST(PartitionMetrics, RejectsBadPartitions) {
  auto g = square();
  EXPECT_THROW(check_partition(g, {0, 1, 2}, 2), UsageError);
  EXPECT_THROW(check_partition(g, {0, 1, 2, 0}, 2), UsageError);
  EXPECT_THROW(check_partition(g, {0, 0, 0, 0}, 0), UsageError);
}

}  // namespace
}  // namespace tessera::partition
