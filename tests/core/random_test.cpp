#include "tessera/core/random.h"

#include <gtest/gtest.h>

#include <vector>

namespace tessera {
namespace {

TEST(SampleCategorical, FirstIndexWhoseCumulativeProbabilityExceedsU) {
  const std::vector<double> p{0.2, 0.5, 0.3};
  auto at = [&](int64_t i) { return p[i]; };
  EXPECT_EQ(sample_categorical(3, 0.0, at), 0);
  EXPECT_EQ(sample_categorical(3, 0.19, at), 0);
  EXPECT_EQ(sample_categorical(3, 0.2, at), 1);
  EXPECT_EQ(sample_categorical(3, 0.69, at), 1);
  EXPECT_EQ(sample_categorical(3, 0.7, at), 2);
}

TEST(SampleCategorical, NeverReturnsAZeroProbabilityIndex) {
  // Rounding leaves the total below u: the last positive index, not the trailing zero one.
  const std::vector<double> p{0.4, 0.5999, 0.0};
  auto at = [&](int64_t i) { return p[i]; };
  EXPECT_EQ(sample_categorical(3, 0.99995, at), 1);
  EXPECT_EQ(sample_categorical(2, 0.5, [](int64_t) { return 0.0; }), -1);
}

TEST(SampleCategorical, FrequenciesFollowTheProbabilities) {
  const std::vector<double> p{0.1, 0.6, 0.3};
  Rng rng(7);
  std::vector<int> count(3, 0);
  for (int s = 0; s < 20000; ++s) ++count[sample_categorical(3, uniform01(rng), [&](int64_t i) { return p[i]; })];
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(count[i] / 20000.0, p[i], 0.015) << i;
}

}  // namespace
}  // namespace tessera
