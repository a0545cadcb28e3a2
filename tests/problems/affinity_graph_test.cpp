#include "tessera/problems/affinity_graph.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/core/error.h"

namespace tessera::cluster {
namespace {

double edge(const graph::Graph& g, int64_t u, int64_t v) {
  for (int64_t a = g.begin(u); a < g.end(u); ++a)
    if (g.neighbor(a) == v) return g.edge_weight(a);
  return 0.0;
}

TEST(AffinityGraph, KnnMatchesBruteForceAcrossBlocks) {
  torch::manual_seed(3);
  auto x = torch::randn({57, 5});
  auto r = knn(x, 4, /*block=*/10);
  auto d = torch::cdist(x, x);
  d.fill_diagonal_(1e9);
  auto [vals, idx] = d.topk(4, 1, false, true);
  EXPECT_TRUE(torch::equal(r.index, idx));
  EXPECT_TRUE(torch::allclose(r.distance, vals, 1e-4, 1e-4));
}

TEST(AffinityGraph, SelfTuningWeightsHandComputed) {
  // Points on a line at 0, 1, 3, 6; 1-NN: 0↔1, 3→1, 6→3; σ = (1, 1, 2, 3).
  auto x = torch::tensor({0.0f, 1.0f, 3.0f, 6.0f}).unsqueeze(1);
  AffinityOptions o;
  o.neighbors = 1;
  auto g = build_affinity_graph(x, o);
  EXPECT_EQ(g.num_edges(), 3);
  EXPECT_NEAR(edge(g, 0, 1), 2 * std::exp(-1.0), 1e-6);  // found from both ends: W + Wᵀ
  EXPECT_NEAR(edge(g, 2, 1), std::exp(-4.0 / 2.0), 1e-6);
  EXPECT_NEAR(edge(g, 3, 2), std::exp(-9.0 / 6.0), 1e-6);
  EXPECT_NEAR(edge(g, 1, 2), edge(g, 2, 1), 1e-12);
  o.mutual = true;
  auto m = build_affinity_graph(x, o);
  EXPECT_EQ(m.num_edges(), 1);
  o.mutual = false;
  o.kernel = "binary";
  auto b = build_affinity_graph(x, o);
  EXPECT_DOUBLE_EQ(edge(b, 2, 1), 1.0);
  EXPECT_DOUBLE_EQ(edge(b, 0, 1), 2.0);
}

TEST(AffinityGraph, BadOptions) {
  auto x = torch::zeros({5, 2});
  AffinityOptions o;
  o.neighbors = 5;
  EXPECT_THROW(build_affinity_graph(x, o), UsageError);
  o.neighbors = 0;
  EXPECT_THROW(build_affinity_graph(x, o), UsageError);
  o.neighbors = 2;
  o.kernel = "cosine";
  EXPECT_THROW(build_affinity_graph(x, o), UsageError);
}

TEST(AffinityGraph, DuplicatePointsGiveFiniteWeights) {
  auto x = torch::zeros({6, 3});
  x[5][0] = 1.0;
  AffinityOptions o;
  o.neighbors = 2;
  auto g = build_affinity_graph(x, o);
  g.validate("dup");
  for (double w : g.edge_weights()) EXPECT_TRUE(std::isfinite(w));
}

}  // namespace
}  // namespace tessera::cluster
