#include "tessera/graph/graph.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/graph/graph_tensors.h"

namespace tessera::graph {
namespace {

// Path 0-1-2 plus edge 0-2 with weight 3.
Graph triangle() {
  GraphBuilder b(3);
  b.add_edge(0, 1, 1.0);
  b.add_edge(1, 2, 2.0);
  b.add_edge(0, 2, 3.0);
  return b.build();
}

TEST(Graph, BuilderMakesSymmetricCsr) {
  Graph g = triangle();
  EXPECT_EQ(g.num_nodes(), 3);
  EXPECT_EQ(g.num_edges(), 3);
  EXPECT_EQ(g.num_arcs(), 6);
  EXPECT_DOUBLE_EQ(g.weighted_degree(0), 4.0);
  EXPECT_DOUBLE_EQ(g.weighted_degree(2), 5.0);
  EXPECT_DOUBLE_EQ(g.total_edge_weight(), 6.0);
  EXPECT_NO_THROW(g.validate());
}

TEST(Graph, BuilderMergesParallelEdges) {
  GraphBuilder b(2);
  b.add_edge(0, 1, 1.0);
  b.add_edge(1, 0, 2.0);
  Graph g = b.build();
  EXPECT_EQ(g.num_edges(), 1);
  EXPECT_DOUBLE_EQ(g.edge_weight(0), 3.0);
}

TEST(Graph, ValidateDetectsAsymmetry) {
  Graph g({0, 1, 1}, {1});
  EXPECT_THROW(g.validate(), Error);
}

TEST(Graph, ValidateDetectsSelfLoop) {
  Graph g({0, 1, 2}, {0, 0});
  EXPECT_THROW(g.validate(), Error);
}

TEST(Graph, ValidateDetectsOutOfRange) {
  Graph g({0, 1, 2}, {5, 0});
  EXPECT_THROW(g.validate(), Error);
}

TEST(GraphTensors, MeanAggregateMatchesHandComputation) {
  Graph g = triangle();
  auto e = edge_index(g);
  auto x = torch::tensor({{1.0f}, {10.0f}, {100.0f}});
  auto m = mean_aggregate(x, e);
  // node 0: neighbours 1 (w1) and 2 (w3): (10 + 300) / 4
  EXPECT_NEAR(m[0][0].item<float>(), 77.5f, 1e-4);
  // node 1: neighbours 0 (w1), 2 (w2): (1 + 200) / 3
  EXPECT_NEAR(m[1][0].item<float>(), 67.0f, 1e-4);
  auto dense = sparse_adjacency(e).to_dense();
  EXPECT_FLOAT_EQ(dense[2][0].item<float>(), 3.0f);
  EXPECT_FLOAT_EQ(weighted_degree_tensor(g)[1].item<float>(), 3.0f);
}

}  // namespace
}  // namespace tessera::graph
