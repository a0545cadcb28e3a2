#include "tessera/heuristics/fm_refiner.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/cost/partition_metrics.h"
#include "tessera/graph/graph_generators.h"
#include "tessera/io/metis_graph_reader.h"
#include "tessera/problems/graph_partitioner.h"
#include "../testing.h"

namespace tessera::partition {
namespace {

TEST(FmRefiner, FlatFmImprovesARandomBisectionOfAGrid) {
  auto g = grid_graph(30, 30);
  auto part = random_partition(g, 2, 1);
  const double before = edge_cut(g, part);
  RefinerOptions o;
  o.vcycles = 0;
  o.fm_passes = 20;
  auto stats = FmRefiner(o).refine(g, part, 2);
  EXPECT_TRUE(stats.feasible);
  EXPECT_DOUBLE_EQ(stats.final_cut, edge_cut(g, part));
  EXPECT_LT(stats.final_cut, 0.6 * before);
  EXPECT_LE(block_weights(g, part, 2)[0], max_block_weight(g, 2, 0.03));
}

TEST(FmRefiner, VcyclesFindNearOptimalGridBisection) {
  auto g = grid_graph(32, 32);  // optimum bisection cut: 32
  auto part = random_partition(g, 2, 3);
  auto stats = FmRefiner(RefinerOptions{}).refine(g, part, 2);
  EXPECT_TRUE(stats.feasible);
  EXPECT_LE(stats.final_cut, 48);
}

TEST(FmRefiner, RebalanceGuaranteesTheBoundForUnitWeights) {
  for (int k : {2, 3, 7, 32}) {
    auto g = triangulated_mesh(30, 40, 2, k);
    std::vector<int> part(g.num_nodes(), 0);  // everything in block 0
    for (int64_t v = 0; v < g.num_nodes() / 10; ++v) part[v] = 1 % k;
    RefinerOptions o;
    o.imbalance = 0.0;
    FmRefiner refiner(o);
    const double lmax = max_block_weight(g, k, 0.0);
    ASSERT_TRUE(refiner.rebalance(g, part, k, lmax)) << k;
    auto bw = block_weights(g, part, k);
    for (double w : bw) EXPECT_LE(w, lmax) << "k=" << k;
  }
}

TEST(FmRefiner, KwayRefinementOnWalshawStaysFeasible) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP() << "no shared data";
  auto g = read_metis_graph(tessera::testing::shared_data("partition/walshaw/add20.graph"));
  for (int k : {4, 16}) {
    auto part = random_partition(g, k, 9);
    const double before = edge_cut(g, part);
    auto stats = FmRefiner(RefinerOptions{}).refine(g, part, k);
    EXPECT_TRUE(stats.feasible);
    EXPECT_LE(imbalance(g, part, k), 0.03 + 1e-9);
    EXPECT_LT(stats.final_cut, 0.5 * before);
  }
}

TEST(FmRefiner, NeverWorsensAGoodPartition) {
  auto g = grid_graph(20, 20);
  std::vector<int> part(g.num_nodes());
  for (int64_t v = 0; v < g.num_nodes(); ++v) part[v] = (v % 20) < 10 ? 0 : 1;  // optimal: cut 20
  auto stats = FmRefiner(RefinerOptions{}).refine(g, part, 2);
  EXPECT_DOUBLE_EQ(stats.final_cut, 20);
}

TEST(FmRefiner, MultiTryIsNeverWorseThanOneTryAndStrictlyBetterOnAdd32) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP() << "no shared data";
  auto g = read_metis_graph(tessera::testing::shared_data("partition/walshaw/add32.graph"));
  double one_total = 0, multi_total = 0;
  for (int k : {8, 16}) {
    const auto start = random_partition(g, k, 5);
    RefinerOptions o;
    o.tries = 1;
    auto one = start;
    auto s1 = FmRefiner(o).refine(g, one, k);
    o.tries = 6;
    auto multi = start;
    auto s6 = FmRefiner(o).refine(g, multi, k);
    EXPECT_TRUE(s6.feasible);
    EXPECT_DOUBLE_EQ(s6.final_cut, edge_cut(g, multi));
    EXPECT_LE(s6.final_cut, s1.final_cut) << "k=" << k;  // try 0 uses the single try's seed
    one_total += s1.final_cut;
    multi_total += s6.final_cut;
  }
  EXPECT_LT(multi_total, one_total);
}

TEST(FmRefiner, RejectsBadOptions) {
  RefinerOptions o;
  o.imbalance = -0.1;
  EXPECT_THROW(FmRefiner{o}, UsageError);
  RefinerOptions t;
  t.tries = 0;
  EXPECT_THROW(FmRefiner{t}, UsageError);
  RefinerOptions p;
  p.vcycle_patience = 0;
  EXPECT_THROW(FmRefiner{p}, UsageError);
}

}  // namespace
}  // namespace tessera::partition
