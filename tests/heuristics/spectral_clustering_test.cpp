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
