#include "tessera/graph/graph_coarsener.h"

#include <gtest/gtest.h>

#include "tessera/cost/partition_metrics.h"
#include "tessera/graph/graph_generators.h"

namespace tessera::partition {
namespace {

TEST(GraphCoarsener, PreservesWeightsAndCutOfARespectedPartition) {
  auto g = triangulated_mesh(20, 20, 0, 3);
  std::vector<int> part(g.num_nodes());
  for (int64_t v = 0; v < g.num_nodes(); ++v) part[v] = (v % 20) < 10 ? 0 : 1;
  Rng rng(5);
  auto level = coarsen_once(g, &part, 1e9, rng);
  EXPECT_LT(level.graph.num_nodes(), 0.7 * g.num_nodes());
  EXPECT_DOUBLE_EQ(level.graph.total_node_weight(), g.total_node_weight());
  level.graph.validate("coarse");
  std::vector<int> coarse_part(level.graph.num_nodes(), -1);
  for (int64_t v = 0; v < g.num_nodes(); ++v) {
    int64_t c = level.fine_to_coarse[v];
    if (coarse_part[c] >= 0) {
      EXPECT_EQ(coarse_part[c], part[v]);  // matching stays inside blocks
    }
    coarse_part[c] = part[v];
  }
  EXPECT_DOUBLE_EQ(edge_cut(level.graph, coarse_part), edge_cut(g, part));
  // Internal edges vanish: total edge weight drops by the contracted ones only.
  EXPECT_LE(level.graph.total_edge_weight(), g.total_edge_weight());
}

TEST(GraphCoarsener, RespectsNodeWeightCap) {
  auto g = grid_graph(10, 10);
  Rng rng(1);
  auto level = coarsen_once(g, nullptr, 1.5, rng);  // no pair fits under 1.5
  EXPECT_EQ(level.graph.num_nodes(), g.num_nodes());
}

TEST(GraphCoarsener, InducedSubgraph) {
  auto g = grid_graph(3, 3);
  auto s = induced_subgraph(g, {0, 1, 3, 4});  // top-left 2x2 square
  EXPECT_EQ(s.num_nodes(), 4);
  EXPECT_EQ(s.num_edges(), 4);
  s.validate("sub");
}

}  // namespace
}  // namespace tessera::partition
