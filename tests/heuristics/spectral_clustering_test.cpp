#include "tessera/heuristics/spectral_clustering.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tessera/core/error.h"
#include "tessera/cost/clustering_metrics.h"

namespace tessera::cluster {
namespace {

// c cliques of size s in a ring, joined by one weak edge each.
graph::Graph ring_of_cliques(int64_t c, int64_t s, double bridge) {
  graph::GraphBuilder b(c * s);
  for (int64_t q = 0; q < c; ++q) {
    for (int64_t i = 0; i < s; ++i)
      for (int64_t j = i + 1; j < s; ++j) b.add_edge(q * s + i, q * s + j);
    b.add_edge(q * s, ((q + 1) % c) * s + 1, bridge);
  }
  return b.build();
}

TEST(SpectralClustering, PathGraphEigenvaluesHandComputed) {
  // P3 with unit weights: N = D^-1/2 A D^-1/2 has eigenvalues 1, 0, −1.
  graph::GraphBuilder b(3);
  b.add_edge(0, 1);
  b.add_edge(1, 2);
  SpectralOptions o;
  o.k = 1;
  auto e = spectral_embedding(b.build(), 3, o);
  EXPECT_NEAR(e.values[0].item<double>(), 1.0, 1e-12);
  EXPECT_NEAR(e.values[1].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(e.values[2].item<double>(), -1.0, 1e-12);
  // Top eigenvector ∝ D^1/2 1 = (1, √2, 1) / 2.
  EXPECT_NEAR(std::abs(e.vectors[1][0].item<double>()), std::sqrt(2.0) / 2, 1e-12);
}

TEST(SpectralClustering, SparseSolverAgreesWithDense) {
  auto g = ring_of_cliques(6, 8, 0.2);
  SpectralOptions o;
  o.k = 6;
  o.solver = "dense";
  auto dense = spectral_embedding(g, 6, o);
  o.solver = "sparse";
  o.tol = 1e-8;
  auto sparse = spectral_embedding(g, 6, o);
  EXPECT_TRUE(torch::allclose(dense.values, sparse.values, 1e-7, 1e-7));
  EXPECT_LT(sparse.max_residual, 1e-8);
  // Same subspace: projections agree.
  auto pd = dense.vectors.mm(dense.vectors.t()), ps = sparse.vectors.mm(sparse.vectors.t());
  EXPECT_LT((pd - ps).abs().max().item<double>(), 1e-5);
}

TEST(SpectralClustering, RecoversCliquesWithBothSolvers) {
  auto g = ring_of_cliques(5, 10, 0.1);
  std::vector<int64_t> truth;
  for (int64_t q = 0; q < 5; ++q) truth.insert(truth.end(), 10, q);
  for (const char* solver : {"dense", "sparse"}) {
    SpectralOptions o;
    o.k = 5;
    o.solver = solver;
    auto r = spectral_clustering(g, o);
    EXPECT_DOUBLE_EQ(clustering_accuracy(truth, r.labels), 1.0) << solver;
  }
}

TEST(SpectralClustering, CandidatesKeepTheLowestNormalizedCut) {
  auto g = ring_of_cliques(6, 6, 0.5);
  SpectralOptions o;
  o.k = 4;  // not the natural 6: k-means runs disagree, so the candidates differ
  o.restarts = 1;
  o.candidates = 6;
  auto r = spectral_clustering(g, o);
  ASSERT_EQ(r.candidate_ncut.size(), 6u);
  EXPECT_DOUBLE_EQ(r.ncut, *std::min_element(r.candidate_ncut.begin(), r.candidate_ncut.end()));
  EXPECT_NEAR(normalized_cut(g, r.labels), r.ncut, 1e-12);
  o.candidates = 1;
  auto single = spectral_clustering(g, o);
  EXPECT_LE(r.ncut, single.ncut + 1e-12);  // the first candidate is the single run
  o.candidates = 0;
  EXPECT_THROW(spectral_clustering(g, o), UsageError);
}

// One long cycle (each node joined to its two nearest neighbours on either side) and two small cliques, as
// three components: the cycle's smooth waves are the eigenvectors after the three unit ones.
graph::Graph cycle_and_two_cliques(int64_t cycle, int64_t a, int64_t b, std::vector<int64_t>* truth) {
  graph::GraphBuilder g(cycle + a + b);
  for (int64_t i = 0; i < cycle; ++i) {
    g.add_edge(i, (i + 1) % cycle);
    g.add_edge(i, (i + 2) % cycle);
  }
  for (int64_t q = 0; q < 2; ++q) {
    const int64_t first = cycle + (q == 0 ? 0 : a), size = q == 0 ? a : b;
    for (int64_t i = 0; i < size; ++i)
      for (int64_t j = i + 1; j < size; ++j) g.add_edge(first + i, first + j);
  }
  truth->assign(cycle, 0);
  truth->insert(truth->end(), a, 1);
  truth->insert(truth->end(), b, 2);
  return g.build();
}

TEST(SpectralClustering, BehindASpectralGapTheFirstKEigenvectorsAlsoGetCandidates) {
  std::vector<int64_t> truth;
  auto g = cycle_and_two_cliques(300, 12, 8, &truth);
  SpectralOptions o;
  o.k = 3;
  o.eigenvectors = 5;
  o.restarts = 5;
  o.candidates = 3;
  auto r = spectral_clustering(g, o);
  EXPECT_TRUE(r.k_column_candidates);
  EXPECT_GT(r.spectral_gap, 100.0);  // 1 − λ is 0 three times, then the cycle's first wave
  ASSERT_EQ(r.candidate_ncut.size(), 6u);
  // The five-column candidates split the cycle (the failure the k-column ones are there for) ...
  EXPECT_GT(*std::min_element(r.candidate_ncut.begin(), r.candidate_ncut.begin() + 3), 1e-3);
  // ... and the three-column ones find the components.
  EXPECT_NEAR(r.ncut, 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(clustering_accuracy(truth, r.labels), 1.0);

  // No gap: six equal cliques in a ring asked for k = 4 (1 − λ_4 = 1 − λ_5 by symmetry); no extra candidates.
  auto ring = ring_of_cliques(6, 6, 0.5);
  o.k = 4;
  o.eigenvectors = 6;
  auto n = spectral_clustering(ring, o);
  EXPECT_FALSE(n.k_column_candidates);
  EXPECT_NEAR(n.spectral_gap, 1.0, 1e-6);
  EXPECT_EQ(n.candidate_ncut.size(), 3u);
}

TEST(SpectralClustering, BadOptions) {
  auto g = ring_of_cliques(2, 3, 1.0);
  SpectralOptions o;
  o.k = 7;
  EXPECT_THROW(spectral_clustering(g, o), UsageError);
  o.k = 0;
  EXPECT_THROW(spectral_clustering(g, o), UsageError);
  o.k = 2;
  o.solver = "magic";
  EXPECT_THROW(spectral_clustering(g, o), UsageError);
}

}  // namespace
}  // namespace tessera::cluster
