#include "tessera/heuristics/nystrom_extension.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/core/error.h"

namespace tessera::cluster {
namespace {

// Two triples on a line, {0, 1, 2} and {100, 101, 102}: with k = 2 every point's neighbours are the
// other two of its triple, so the graph is two disjoint triangles.
torch::Tensor two_triples() { return torch::tensor({0.0f, 1.0f, 2.0f, 100.0f, 101.0f, 102.0f}).unsqueeze(1); }

/// The extension fitted on the two triples with the default self-tuning 2-NN graph and 2 eigenvectors.
NystromExtension fit_two_triples() {
  auto z = two_triples();
  AffinityOptions o;
  o.neighbors = 2;
  auto g = build_affinity_graph(z, o);
  SpectralOptions so;
  so.k = 2;
  return NystromExtension::fit(z, g, spectral_embedding(g, 2, so), o);
}

TEST(NystromExtension, ReproducesTheEmbeddingOfTwoTrianglesHandComputed) {
  auto z = two_triples();
  AffinityOptions o;
  o.neighbors = 2;
  o.kernel = "binary";
  auto g = build_affinity_graph(z, o);
  // Binary weights found from both ends: w = 2, degree 4, N = W / 4 = (J − I) / 2 per triangle:
  // eigenvalues 1 (twice: one per triangle) and −1/2.
  SpectralOptions so;
  so.k = 2;
  auto emb = spectral_embedding(g, 2, so);
  EXPECT_NEAR(emb.values[0].item<double>(), 1.0, 1e-12);
  EXPECT_NEAR(emb.values[1].item<double>(), 1.0, 1e-12);
  auto ext = NystromExtension::fit(z, g, emb, o);
  // C = U · diag(1/λ) / √d = U / 2.
  EXPECT_TRUE(torch::allclose(ext.coefficients(), emb.vectors / 2.0, 1e-12, 1e-12));
  // Leave-one-out rows: Σ of the two other rows of the triple ∝ the triple's row, norm √m = √2.
  auto e = ext.apply_reference();
  ASSERT_EQ(e.size(0), 6);
  ASSERT_EQ(e.size(1), 2);
  auto u = emb.vectors.to(torch::kFloat32);
  auto expected = u / u.norm(2, 1, true) * std::sqrt(2.0f);
  EXPECT_TRUE(torch::allclose(e, expected, 1e-5, 1e-5));
  // The two triples are orthogonal; unseen points near a triple get its row.
  EXPECT_NEAR(e[0].dot(e[3]).item<float>(), 0.0f, 1e-5);
  auto q = ext.apply(torch::tensor({0.5f, 101.7f}).unsqueeze(1));
  EXPECT_TRUE(torch::allclose(q[0], e[0], 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(q[1], e[4], 1e-5, 1e-5));
}

TEST(NystromExtension, SelfTuningQueryBetweenTheTriplesHandComputed) {
  auto ext = fit_two_triples();
  // x = 50.8: neighbours 2 (distance 48.8) and 100 (distance 49.2); σ_x = 49.2, σ_2 = σ_100 = 2
  // (distance to their second neighbour), so w_2 = exp(−48.8² / (49.2·2)), w_100 = exp(−49.2² / (49.2·2)),
  // and e = (w_2 C_2 + w_100 C_100) scaled to norm √2: a mix of the two triples' directions.
  auto e = ext.apply(torch::tensor({50.8f}).unsqueeze(1));
  auto c = ext.coefficients();
  const double w2 = std::exp(-48.8 * 48.8 / (49.2 * 2.0)), w100 = std::exp(-49.2 * 49.2 / (49.2 * 2.0));
  auto mix = w2 * c[2] + w100 * c[3];
  auto expected = (mix / mix.norm() * std::sqrt(2.0)).to(torch::kFloat32);
  EXPECT_TRUE(torch::allclose(e[0], expected, 1e-3, 1e-3));
  EXPECT_GT(std::abs(e[0].dot(ext.apply_reference()[0]).item<float>()), 0.1f);  // both triples contribute
  EXPECT_GT(std::abs(e[0].dot(ext.apply_reference()[3]).item<float>()), 0.1f);
  EXPECT_NEAR(ext.reference_scale()[2].item<double>(), 2.0, 1e-6);
}

TEST(NystromExtension, RejectsWrongQueryDimension) {
  auto ext = fit_two_triples();
  EXPECT_THROW(ext.apply(torch::zeros({3, 2})), UsageError);
  EXPECT_THROW(NystromExtension().apply(two_triples()), Error);
}

}  // namespace
}  // namespace tessera::cluster
