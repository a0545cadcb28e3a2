#include "tessera/problems/partition_features.h"

#include <gtest/gtest.h>

#include <numeric>

#include "tessera/core/random.h"
#include "tessera/graph/graph_coarsener.h"
#include "tessera/graph/graph_generators.h"

namespace tessera::partition {
namespace {

TEST(PartitionFeatures, ShapeAndFinite) {
  auto g = generate_graph("ba", 800, 2);
  FeatureOptions o;
  auto x = partition_features(g, o);
  EXPECT_EQ(x.size(0), g.num_nodes());
  EXPECT_EQ(x.size(1), feature_count(o));
  EXPECT_TRUE(torch::isfinite(x).all().item<bool>());
  EXPECT_NE(feature_set_id(o), feature_set_id(FeatureOptions{2}));
}

TEST(PartitionFeatures, FiedlerVectorOfAPathIsMonotone) {
  // A 1000-node path: coarsened several levels; the first non-trivial eigenvector is a cosine.
  graph::GraphBuilder b(1000);
  for (int i = 0; i + 1 < 1000; ++i) b.add_edge(i, i + 1);
  auto g = b.build();
  FeatureOptions o;
  o.eigenvectors = 2;
  std::vector<double> mu;
  auto f = spectral_embedding(g, o, &mu);
  auto f1 = f.select(1, 0);
  auto diff = f1.slice(0, 1) - f1.slice(0, 0, -1);
  const bool increasing = (diff >= -1e-6).all().item<bool>();
  const bool decreasing = (diff <= 1e-6).all().item<bool>();
  EXPECT_TRUE(increasing || decreasing);
  ASSERT_EQ(mu.size(), 2u);
  EXPECT_GT(mu[0], 0.999);  // 1 − μ ≈ 1 − cos(π/999): tiny for the path
  EXPECT_GE(mu[0], mu[1]);
}

TEST(PartitionFeatures, IndependentOfNodeIds) {
  auto g = triangulated_mesh(40, 50, 1, 4);
  const int64_t n = g.num_nodes();
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  Rng rng(8);
  std::shuffle(perm.begin(), perm.end(), rng);
  auto h = induced_subgraph(g, perm);  // node i of h is node perm[i] of g
  FeatureOptions o;
  o.eigenvectors = 2;
  auto fg = partition_features(g, o);
  auto fh = partition_features(h, o);
  auto idx = torch::tensor(perm, torch::kInt64);
  auto fg_perm = fg.index_select(0, idx);
  // Degree features are exactly equal; the Fiedler coordinate agrees up to the solver's accuracy.
  EXPECT_TRUE(torch::allclose(fg_perm.slice(1, 0, 3), fh.slice(1, 0, 3)));
  auto a = fg_perm.select(1, 3).to(torch::kFloat64), c = fh.select(1, 3).to(torch::kFloat64);
  const double corr = (a * c).mean().item<double>() / std::sqrt((a * a).mean().item<double>() * (c * c).mean().item<double>());
  EXPECT_GT(corr, 0.98);
}

}  // namespace
}  // namespace tessera::partition
