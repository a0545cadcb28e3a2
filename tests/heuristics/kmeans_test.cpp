#include "tessera/heuristics/kmeans.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/cost/clustering_metrics.h"

namespace tessera::cluster {
namespace {

TEST(KMeans, HandComputedOneDimensionalCase) {
  auto x = torch::tensor({0.0f, 1.0f, 10.0f, 11.0f}).unsqueeze(1);
  KMeansOptions o;
  o.k = 2;
  auto r = kmeans(x, o);
  EXPECT_NEAR(r.inertia, 1.0, 1e-5);  // centres 0.5 and 10.5, four squared distances of 0.25
  EXPECT_EQ(r.labels[0], r.labels[1]);
  EXPECT_EQ(r.labels[2], r.labels[3]);
  EXPECT_NE(r.labels[0], r.labels[2]);
  auto c = std::get<0>(r.centers.flatten().sort());
  EXPECT_NEAR(c[0].item<float>(), 0.5f, 1e-5);
  EXPECT_NEAR(c[1].item<float>(), 10.5f, 1e-5);
}

TEST(KMeans, SeparatesBlobsAndIsDeterministic) {
  torch::manual_seed(5);
  const int64_t per = 60;
  auto centres = torch::tensor({{0.0f, 0.0f, 0.0f}, {8.0f, 0.0f, 0.0f}, {0.0f, 8.0f, 0.0f}, {0.0f, 0.0f, 8.0f}});
  auto x = torch::randn({4 * per, 3}) + centres.repeat_interleave(per, 0);
  std::vector<int64_t> truth;
  for (int64_t c = 0; c < 4; ++c) truth.insert(truth.end(), per, c);
  KMeansOptions o;
  o.k = 4;
  o.seed = 11;
  auto a = kmeans(x, o);
  EXPECT_DOUBLE_EQ(clustering_accuracy(truth, a.labels), 1.0);
  auto b = kmeans(x, o);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(nearest_center(x, a.centers), a.labels);
}

TEST(KMeans, BadClusterCounts) {
  auto x = torch::randn({5, 2});
  KMeansOptions o;
  o.k = 0;
  EXPECT_THROW(kmeans(x, o), UsageError);
  o.k = 6;
  EXPECT_THROW(kmeans(x, o), UsageError);
  o.k = 5;
  EXPECT_NEAR(kmeans(x, o).inertia, 0.0, 1e-6);
}

}  // namespace
}  // namespace tessera::cluster
