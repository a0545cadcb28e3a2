#include "tessera/problems/random_netlist.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

TEST(RandomNetlist, CountsAndSpec) {
  RandomNetlistOptions o;
  o.hard_macros = 10;
  o.soft_macros = 20;
  o.ports = 6;
  o.nets = 80;
  o.grid = 9;
  Netlist nl = generate_random_netlist(o, 3, "g");
  EXPECT_EQ(nl.hard_macros().size(), 10u);
  EXPECT_EQ(nl.soft_macros().size(), 20u);
  EXPECT_EQ(nl.ports().size(), 6u);
  EXPECT_GT(nl.nets().size(), 60u);
  EXPECT_EQ(nl.spec().cols, 9);
  EXPECT_EQ(nl.spec().rows, 9);
  double hard_area = 0;
  for (int64_t m : nl.hard_macros()) {
    const Node& n = nl.node(m);
    EXPECT_LE(n.width, nl.spec().width);
    EXPECT_LE(n.height, nl.spec().height);
    hard_area += n.width * n.height;
  }
  EXPECT_NEAR(hard_area / (nl.spec().width * nl.spec().height), o.hard_utilization, 0.2);
  for (const Net& net : nl.nets()) {
    EXPECT_FALSE(net.sinks.empty());
    EXPECT_FALSE(nl.node(net.driver).is_macro());  // drivers are pins or ports, as in CT files
  }
}

TEST(RandomNetlist, DeterministicInSeed) {
  RandomNetlistOptions o;
  Netlist a = generate_random_netlist(o, 5, "a"), b = generate_random_netlist(o, 5, "b"),
          c = generate_random_netlist(o, 6, "c");
  ASSERT_EQ(a.num_nodes(), b.num_nodes());
  for (int64_t i = 0; i < a.num_nodes(); ++i) {
    EXPECT_EQ(a.node(i).name, b.node(i).name);
    EXPECT_DOUBLE_EQ(a.node(i).width, b.node(i).width);
    EXPECT_DOUBLE_EQ(a.node(i).x, b.node(i).x);
  }
  ASSERT_EQ(a.nets().size(), b.nets().size());
  for (size_t e = 0; e < a.nets().size(); ++e) EXPECT_EQ(a.nets()[e].sinks, b.nets()[e].sinks);
  bool differs = a.num_nodes() != c.num_nodes() || a.nets().size() != c.nets().size();
  for (int64_t i = 0; !differs && i < a.num_nodes(); ++i) differs = a.node(i).width != c.node(i).width;
  EXPECT_TRUE(differs);
}

TEST(RandomNetlist, RejectsBadOptions) {
  RandomNetlistOptions o;
  o.hard_macros = 0;
  EXPECT_THROW(generate_random_netlist(o, 1, "x"), UsageError);
  o = {};
  o.hard_utilization = 0.95;
  EXPECT_THROW(generate_random_netlist(o, 1, "x"), UsageError);
  o = {};
  o.grid = -1;
  EXPECT_THROW(generate_random_netlist(o, 1, "x"), UsageError);
}

}  // namespace
}  // namespace tessera::chip
