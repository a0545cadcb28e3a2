#include "tessera/problems/cluster_dataset.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::cluster {
namespace {

TEST(ClusterDataset, ClusterCountMustBeBetweenOneAndPoints) {
  EXPECT_THROW(validate_cluster_count(0, 10, "x"), UsageError);
  EXPECT_THROW(validate_cluster_count(-3, 10, "x"), UsageError);
  EXPECT_THROW(validate_cluster_count(11, 10, "x"), UsageError);
  EXPECT_NO_THROW(validate_cluster_count(10, 10, "x"));
  EXPECT_NO_THROW(validate_cluster_count(1, 10, "x"));
}

TEST(ClusterDataset, SubsetAndSplitAreDisjointAndComplete) {
  Dataset d("d", torch::arange(20, torch::kFloat32).reshape({10, 2}), {0, 1, 0, 1, 0, 1, 0, 1, 0, 1});
  auto [train, rest] = Dataset::split_rows(10, 0.7, 5);
  EXPECT_EQ(train.size(), 7u);
  EXPECT_EQ(rest.size(), 3u);
  std::vector<int64_t> all(train);
  all.insert(all.end(), rest.begin(), rest.end());
  std::sort(all.begin(), all.end());
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(all[i], i);
  auto s = d.subset(rest);
  EXPECT_EQ(s.size(), 3);
  EXPECT_EQ(s.labels()[0], rest[0] % 2);
  EXPECT_FLOAT_EQ(s.features()[0][1].item<float>(), static_cast<float>(2 * rest[0] + 1));
  EXPECT_EQ(Dataset::split_rows(10, 0.7, 5), Dataset::split_rows(10, 0.7, 5));
  EXPECT_THROW(Dataset::split_rows(10, 1.5, 5), UsageError);
}

TEST(ClusterDataset, RejectsMismatchedLabels) {
  EXPECT_THROW(Dataset("d", torch::zeros({3, 2}), {0, 1}), Error);
  EXPECT_THROW(Dataset("d", torch::zeros({3}), {}), Error);
}

}  // namespace
}  // namespace tessera::cluster
