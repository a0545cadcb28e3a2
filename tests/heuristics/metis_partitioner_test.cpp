#include "tessera/heuristics/metis_partitioner.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::heuristics {
namespace {

// Two 4-cliques joined by one light edge: the best bisection cuts only that edge.
graph::Graph two_cliques() {
  graph::GraphBuilder b(8);
  for (int base : {0, 4})
    for (int i = 0; i < 4; ++i)
      for (int j = i + 1; j < 4; ++j) b.add_edge(base + i, base + j, 10.0);
  b.add_edge(3, 4, 1.0);
  return b.build();
}

TEST(Metis, FindsTheObviousBisection) {
  for (auto scheme : {MetisScheme::kKway, MetisScheme::kRecursive}) {
    MetisOptions o;
    o.k = 2;
    o.scheme = scheme;
    auto part = metis_partition(two_cliques(), o);
    ASSERT_EQ(part.size(), 8u);
    for (int i = 1; i < 4; ++i) EXPECT_EQ(part[i], part[0]);
    for (int i = 5; i < 8; ++i) EXPECT_EQ(part[i], part[4]);
    EXPECT_NE(part[0], part[4]);
  }
}

TEST(Metis, RejectsBadK) {
  MetisOptions o;
  o.k = 0;
  EXPECT_THROW(metis_partition(two_cliques(), o), UsageError);
  o.k = 9;
  EXPECT_THROW(metis_partition(two_cliques(), o), UsageError);
}

// A path whose first node outweighs all others: recursive bisection into many parts leaves some
// sides empty, which METIS reports with printf ("Cannot bisect a graph with 0 vertices"). Those
// messages must not reach stdout, where they would corrupt a command's --json output.
TEST(Metis, DiagnosticsDoNotReachStdout) {
  const int n = 1200;
  graph::GraphBuilder b(n, false);
  for (int v = 0; v + 1 < n; ++v) b.add_edge(v, v + 1, 1.0);
  std::vector<double> w(n, 1.0);
  w[0] = 1e7;
  b.set_node_weights(w);
  MetisOptions o;
  o.k = 128;
  o.imbalance = 0.2;
  o.scheme = MetisScheme::kRecursive;
  ::testing::internal::CaptureStdout();
  auto part = metis_partition(b.build(), o);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(out, "");
  ASSERT_EQ(part.size(), static_cast<size_t>(n));
  for (int p : part) EXPECT_TRUE(p >= 0 && p < o.k);
}

}  // namespace
}  // namespace tessera::heuristics
