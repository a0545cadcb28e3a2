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

TEST(AffinityGraph, KnnQueryFindsReferenceRows) {
  auto ref = torch::tensor({0.0f, 1.0f, 3.0f, 6.0f}).unsqueeze(1);
  auto q = torch::tensor({1.0f, 5.0f}).unsqueeze(1);
  auto r = knn_query(q, ref, 2, /*block=*/1);
  // 1 finds itself at distance 0, then 0; 5 finds 6 (1) then 3 (2).
  EXPECT_EQ(r.index[0][0].item<int64_t>(), 1);
  EXPECT_EQ(r.index[0][1].item<int64_t>(), 0);
  EXPECT_FLOAT_EQ(r.distance[0][0].item<float>(), 0.0f);
  EXPECT_EQ(r.index[1][0].item<int64_t>(), 3);
  EXPECT_EQ(r.index[1][1].item<int64_t>(), 2);
  EXPECT_NEAR(r.distance[1][1].item<float>(), 2.0f, 1e-5);
}

TEST(AffinityGraph, FuzzyScaleSolvesTheLocalSumHandComputed) {
  // Neighbours at 1, 2, 2, k = 3: ρ = 1 and 1 + 2 exp(−1/s) = log2 3  →  s = 1 / ln(2 / (log2 3 − 1)).
  AffinityOptions o;
  o.neighbors = 3;
  o.kernel = "fuzzy";
  auto s = local_scale(torch::tensor({{1.0, 2.0, 2.0}}), o);
  const double expected = 1.0 / std::log(2.0 / (std::log2(3.0) - 1.0));
  EXPECT_NEAR(s[0].item<double>(), expected, 1e-9);
  auto v = directed_weights(torch::tensor({{1.0, 2.0, 2.0}}), s, torch::ones({1, 3}), o);
  EXPECT_DOUBLE_EQ(v[0][0].item<double>(), 1.0);  // local connectivity: the nearest neighbour has weight 1
  EXPECT_NEAR(v.sum().item<double>(), std::log2(3.0), 1e-9);
}

TEST(AffinityGraph, FuzzyUnionOfDirectedWeights) {
  // 0, 1, 3, 6 with k = 2. Directed weights v_{j|i} (ρ_i = nearest distance, s_i bisected), then the
  // edge weight is v + v' − v v' (v' = 0 when only one end lists the other).
  auto x = torch::tensor({0.0f, 1.0f, 3.0f, 6.0f}).unsqueeze(1);
  AffinityOptions o;
  o.neighbors = 2;
  o.kernel = "fuzzy";
  auto g = build_affinity_graph(x, o);
  auto nn = knn(x, 2);
  auto s = local_scale(nn.distance, o);
  auto v = directed_weights(nn.distance, s, torch::ones({4, 2}), o);
  // 0 → {1, 3}, 1 → {0, 3}, 3 → {1, 0}, 6 → {3, 1}.
  auto vd = [&](int64_t i, int64_t j) {
    for (int64_t a = 0; a < 2; ++a)
      if (nn.index[i][a].item<int64_t>() == j) return v[i][a].item<double>();
    return 0.0;
  };
  for (auto [i, j] : {std::pair<int64_t, int64_t>{0, 1}, {0, 2}, {1, 2}, {2, 3}, {1, 3}}) {
    const double a = vd(i, j), b = vd(j, i);
    EXPECT_NEAR(edge(g, i, j), a + b - a * b, 1e-9) << i << "-" << j;
  }
  EXPECT_DOUBLE_EQ(edge(g, 0, 1), 1.0);  // mutual nearest neighbours: 1 + 1 − 1
}

TEST(AffinityGraph, SharedNearestNeighbourReweightingHandComputed) {
  // 0, 1, 3, 7 with k = 1 (binary): lists with the point itself N⁺ = {0,1}, {0,1}, {1,3}, {3,7}.
  // Jaccard: 0–1: 2/2 = 1 (weight 2, found from both ends); 1–3: 1/3; 3–7: 1/3.
  auto x = torch::tensor({0.0f, 1.0f, 3.0f, 7.0f}).unsqueeze(1);
  AffinityOptions o;
  o.neighbors = 1;
  o.kernel = "binary";
  o.snn = true;
  auto g = build_affinity_graph(x, o);
  EXPECT_EQ(g.num_edges(), 3);
  EXPECT_NEAR(edge(g, 0, 1), 2.0, 1e-12);
  EXPECT_NEAR(edge(g, 1, 2), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(edge(g, 2, 3), 1.0 / 3.0, 1e-12);
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
