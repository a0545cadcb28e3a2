#include "tessera/heuristics/netlist_clusterer.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/io/netlist_reader.h"

namespace tessera::chip {
namespace {

TEST(NetlistClusterer, ClustersToyNetlist) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Netlist flat = read_netlist(testing::shared_data("chip/ct_testdata/toy_macro_stdcell/netlist.pb.txt"));
  ASSERT_GT(flat.stdcells().size(), 4u);
  ClusterOptions o;
  o.clusters = 3;
  Netlist c = cluster_netlist(flat, o);
  EXPECT_EQ(c.hard_macros().size(), flat.hard_macros().size());
  EXPECT_EQ(c.ports().size(), flat.ports().size());
  EXPECT_TRUE(c.stdcells().empty());
  EXPECT_GE(c.soft_macros().size(), 1u);
  EXPECT_LE(c.soft_macros().size(), 3u);
  double area = 0;
  for (int64_t s : c.soft_macros()) area += c.node(s).width * c.node(s).height;
  double cells = 0;
  for (int64_t s : flat.stdcells()) cells += flat.node(s).width * flat.node(s).height;
  EXPECT_NEAR(area, cells, 1e-6 * cells);
  EXPECT_GT(c.nets().size(), 0u);
  o.clusters = 1000;
  EXPECT_THROW(cluster_netlist(flat, o), UsageError);
  // Automatic count on a netlist of fewer than 16 cells: at most one cluster per cell (it threw before).
  ASSERT_LT(flat.stdcells().size(), 16u);
  Netlist a = cluster_netlist(flat, ClusterOptions{});
  EXPECT_GE(a.soft_macros().size(), 1u);
  EXPECT_LE(a.soft_macros().size(), flat.stdcells().size());
  EXPECT_TRUE(a.stdcells().empty());
}

}  // namespace
}  // namespace tessera::chip
