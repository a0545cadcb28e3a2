#include "tessera/cost/clustering_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/core/error.h"

namespace tessera::cluster {
namespace {

using V = std::vector<int64_t>;

TEST(ClusteringMetrics, AccuracyUsesBestMatching) {
  EXPECT_DOUBLE_EQ(clustering_accuracy(V{0, 0, 1, 1, 2, 2}, V{1, 1, 0, 0, 2, 2}), 1.0);
  // Clusters {0,0,1} and {1,2,2}: best map 0→0, 1→2 gets 4 of 6.
  EXPECT_DOUBLE_EQ(clustering_accuracy(V{0, 0, 1, 1, 2, 2}, V{0, 0, 0, 1, 1, 1}), 4.0 / 6.0);
  // More clusters than classes: extra clusters count as wrong.
  EXPECT_DOUBLE_EQ(clustering_accuracy(V{0, 0, 0, 0}, V{0, 1, 2, 2}), 0.5);
}

TEST(ClusteringMetrics, NmiHandComputed) {
  EXPECT_NEAR(normalized_mutual_information(V{0, 0, 1, 1}, V{5, 5, 3, 3}), 1.0, 1e-12);
  EXPECT_NEAR(normalized_mutual_information(V{0, 0, 1, 1}, V{0, 1, 0, 1}), 0.0, 1e-12);
  // MI = (2/3) ln 2, H = ln 2 and ln 3: NMI = (2/3) ln 2 / ((ln 2 + ln 3) / 2) ≈ 0.5158 (sklearn: 0.5158).
  const double expected = (2.0 / 3.0) * std::log(2.0) / ((std::log(2.0) + std::log(3.0)) / 2);
  EXPECT_NEAR(normalized_mutual_information(V{0, 0, 0, 1, 1, 1}, V{0, 0, 1, 1, 2, 2}), expected, 1e-12);
}

TEST(ClusteringMetrics, AriHandComputed) {
  EXPECT_NEAR(adjusted_rand_index(V{0, 0, 1, 1}, V{1, 1, 0, 0}), 1.0, 1e-12);
  EXPECT_NEAR(adjusted_rand_index(V{0, 0, 1, 1}, V{0, 1, 0, 1}), -0.5, 1e-12);
  // sklearn adjusted_rand_score([0,0,0,1,1,1],[0,0,1,1,2,2]) = 0.24242424...
  EXPECT_NEAR(adjusted_rand_index(V{0, 0, 0, 1, 1, 1}, V{0, 0, 1, 1, 2, 2}), 8.0 / 33.0, 1e-12);
}

TEST(ClusteringMetrics, NormalizedCutOfTwoTriangles) {
  graph::GraphBuilder b(6);
  b.add_edge(0, 1);
  b.add_edge(1, 2);
  b.add_edge(0, 2);
  b.add_edge(3, 4);
  b.add_edge(4, 5);
  b.add_edge(3, 5);
  b.add_edge(2, 3, 1.0);
  auto g = b.build();
  EXPECT_NEAR(normalized_cut(g, V{0, 0, 0, 1, 1, 1}), 2.0 / 7.0, 1e-12);  // cut 1, vol 7 each side
  EXPECT_NEAR(normalized_cut(g, V{0, 0, 0, 0, 0, 0}), 0.0, 1e-12);
  EXPECT_THROW(normalized_cut(g, V{0, 1}), Error);
}

TEST(ClusteringMetrics, LengthMismatchIsAnError) {
  EXPECT_THROW(clustering_accuracy(V{0, 1}, V{0}), Error);
  EXPECT_THROW(adjusted_rand_index(V{}, V{}), Error);
}

}  // namespace
}  // namespace tessera::cluster
