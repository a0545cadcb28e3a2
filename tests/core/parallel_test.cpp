#include "tessera/core/parallel.h"

#include <gtest/gtest.h>

#include <vector>

#include "tessera/core/error.h"
#include "tessera/core/random.h"

namespace tessera {
namespace {

std::vector<double> run(int threads) {
  std::vector<double> out(100);
  parallel_for(100, threads, [&](int64_t i, int) {
    Rng rng(derive_seed(7, i));
    out[i] = uniform01(rng);
  });
  return out;
}

TEST(Parallel, ResultsIndependentOfThreadCount) {
  EXPECT_EQ(run(1), run(2));
  EXPECT_EQ(run(2), run(4));
}

TEST(Parallel, PropagatesExceptions) {
  EXPECT_THROW(parallel_for(10, 2, [](int64_t i, int) {
                 if (i == 5) throw Error("x");
               }),
               Error);
}

TEST(Random, DerivedSeedsDiffer) {
  EXPECT_NE(derive_seed(1, 0), derive_seed(1, 1));
  EXPECT_NE(derive_seed(1, 0), derive_seed(2, 0));
  EXPECT_EQ(derive_seed(3, 4), derive_seed(3, 4));
}

}  // namespace
}  // namespace tessera
