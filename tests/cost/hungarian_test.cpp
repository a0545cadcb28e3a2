#include "tessera/cost/hungarian.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/core/random.h"

namespace tessera::cluster {
namespace {

TEST(Hungarian, HandComputedThreeByThree) {
  std::vector<std::vector<double>> cost{{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
  auto a = hungarian_min_cost(cost);
  EXPECT_EQ(a, (std::vector<int64_t>{1, 0, 2}));  // 1 + 2 + 2 = 5
}

TEST(Hungarian, MatchesBruteForceOnRandomRectangularMatrices) {
  Rng rng(7);
  for (int trial = 0; trial < 30; ++trial) {
    const int r = 1 + static_cast<int>(uniform_int(rng, 5)), c = r + static_cast<int>(uniform_int(rng, 3));
    std::vector<std::vector<double>> cost(r, std::vector<double>(c));
    for (auto& row : cost)
      for (auto& x : row) x = std::floor(uniform01(rng) * 20);
    auto a = hungarian_min_cost(cost);
    double got = 0;
    std::vector<int64_t> used;
    for (int i = 0; i < r; ++i) {
      got += cost[i][a[i]];
      used.push_back(a[i]);
    }
    std::sort(used.begin(), used.end());
    EXPECT_EQ(std::unique(used.begin(), used.end()), used.end());
    // Brute force over all column permutations (first r used).
    std::vector<int> perm(c);
    std::iota(perm.begin(), perm.end(), 0);
    double best = 1e18;
    do {
      double s = 0;
      for (int i = 0; i < r; ++i) s += cost[i][perm[i]];
      best = std::min(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    EXPECT_DOUBLE_EQ(got, best);
  }
}

TEST(Hungarian, MaxWeightAndErrors) {
  auto a = hungarian_max_weight({{1, 9}, {8, 2}});
  EXPECT_EQ(a, (std::vector<int64_t>{1, 0}));
  EXPECT_THROW(hungarian_min_cost({{1}, {2}}), Error);
  EXPECT_THROW(hungarian_min_cost({{1, 2}, {3}}), Error);
  EXPECT_TRUE(hungarian_min_cost({}).empty());
}

}  // namespace
}  // namespace tessera::cluster
