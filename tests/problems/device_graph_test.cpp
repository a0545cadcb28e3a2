#include "tessera/problems/device_graph.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::devices {
namespace {

Op named(const std::string& n, double flops = 1, int coloc = -1) {
  Op o;
  o.name = n;
  o.flops = flops;
  o.colocation = coloc;
  return o;
}

TEST(DeviceGraph, TopologicalOrderAndAdjacency) {
  DeviceGraph g("t");
  for (auto n : {"c", "a", "b"}) g.add_op(named(n));
  g.add_edge(1, 2, 10);  // a -> b
  g.add_edge(2, 0, 20);  // b -> c
  g.finalize();
  EXPECT_EQ(g.topological_order(), (std::vector<int>{1, 2, 0}));
  EXPECT_EQ(g.topological_rank()[0], 2);
  EXPECT_EQ(g.out_degree(1), 1);
  EXPECT_EQ(g.in_degree(0), 1);
  EXPECT_EQ(g.find_op("b"), 2);
  EXPECT_EQ(g.find_op("zz"), -1);
}

TEST(DeviceGraph, CycleIsAnInputErrorNamingAnOp) {
  DeviceGraph g("cyc");
  for (auto n : {"a", "b", "c"}) g.add_op(named(n));
  g.add_edge(0, 1, 1);
  g.add_edge(1, 2, 1);
  g.add_edge(2, 1, 1);
  try {
    g.finalize("cyc.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cyc.json"), std::string::npos);
  }
}

TEST(DeviceGraph, RejectsDuplicatesNegativeCostsAndSelfLoops) {
  DeviceGraph g("bad");
  g.add_op(named("a"));
  EXPECT_THROW(g.add_op(named("a")), InputError);
  EXPECT_THROW(g.add_op(named("n", -1)), InputError);
  EXPECT_THROW(g.add_edge(0, 0, 1), InputError);
  EXPECT_THROW(g.add_edge(0, 5, 1), InputError);
  g.add_op(named("b"));
  EXPECT_THROW(g.add_edge(0, 1, -3), InputError);
}

TEST(DeviceGraph, ColocationGroupsAndExpansion) {
  DeviceGraph g("groups");
  g.add_op(named("a", 1, 7));
  g.add_op(named("b"));
  g.add_op(named("c", 5, 7));
  g.finalize();
  EXPECT_EQ(g.num_groups(), 2);
  EXPECT_EQ(g.group(0), g.group(2));
  EXPECT_NE(g.group(0), g.group(1));
  std::vector<int> gd(2);
  gd[g.group(0)] = 1;
  gd[g.group(1)] = 0;
  EXPECT_EQ(g.expand_group_placement(gd), (std::vector<int>{1, 0, 1}));
  std::vector<int> p = {0, 1, 1};
  g.enforce_colocation(p);  // c has more FLOPs: a follows c
  EXPECT_EQ(p, (std::vector<int>{1, 1, 1}));
}

TEST(DeviceGraph, ToGraphIsUndirectedWithByteWeights) {
  DeviceGraph g("conv");
  g.add_op(named("a", 2e13));
  g.add_op(named("b", 1e13));
  g.add_edge(0, 1, 100);
  g.finalize();
  GraphConversion c;
  c.node_weight = GraphConversion::NodeWeight::kFlops;
  graph::Graph gg = g.to_graph(c);
  EXPECT_EQ(gg.num_nodes(), 2);
  EXPECT_EQ(gg.num_edges(), 1);
  EXPECT_DOUBLE_EQ(gg.node_weight(0), 2e13);
  EXPECT_DOUBLE_EQ(gg.edge_weight(gg.begin(0)), 100);
  gg.validate();
}

}  // namespace
}  // namespace tessera::devices
