#include "tessera/heuristics/bin_packing_heuristics.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/cost/bin_packing_cost.h"
#include "tessera/io/bin_packing_reader.h"
#include "tessera/problems/bin_packing_generator.h"
#include "../testing.h"
#include "../problems/bin_packing_test_instance.h"

namespace tessera::binpack {
namespace {

TEST(BinPackingHeuristics, FirstFitHandComputed) {
  // 4->b0, 8->b1, 1->b0, 4->b0 (9), 2->b1 (10), 1->b0 (10)
  auto p = first_fit(make_instance(10, {4, 8, 1, 4, 2, 1}));
  EXPECT_EQ(p.bin_of, (std::vector<int32_t>{0, 1, 0, 0, 1, 0}));
  EXPECT_EQ(p.loads, (std::vector<int64_t>{10, 10}));
}

TEST(BinPackingHeuristics, BestFitHandComputed) {
  // 4->b0, 8->b1, 1->b1 (residual 2 < 6), 4->b0, 2->b0 (residual 2 < ... b1 has 1), 1->b1
  auto p = best_fit(make_instance(10, {4, 8, 1, 4, 2, 1}));
  EXPECT_EQ(p.bin_of, (std::vector<int32_t>{0, 1, 1, 0, 0, 1}));
  // First fit and best fit differ: 3 goes to the first bin (FF) or the tighter second (BF).
  EXPECT_EQ(first_fit(make_instance(10, {5, 7, 3})).bin_of, (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(best_fit(make_instance(10, {5, 7, 3})).bin_of, (std::vector<int32_t>{0, 1, 1}));
}

TEST(BinPackingHeuristics, DecreasingHandComputed) {
  // sorted 8,7,5,4,3,2,1: 8->b0, 7->b1, 5->b2, 4->b2, 3->b1, 2->b0, 1->b2
  auto inst = make_instance(10, {2, 5, 4, 7, 1, 3, 8});
  auto ffd = first_fit_decreasing(inst);
  EXPECT_EQ(ffd.bin_of, (std::vector<int32_t>{0, 2, 2, 1, 2, 1, 0}));
  EXPECT_EQ(ffd.loads, (std::vector<int64_t>{10, 10, 10}));
  auto bfd = best_fit_decreasing(make_instance(10, {3, 6, 4, 5}));
  // sorted 6,5,4,3: 6->b0, 5->b1, 4->b0 (residual 0), 3->b1
  EXPECT_EQ(bfd.bin_of, (std::vector<int32_t>{1, 0, 0, 1}));
  EXPECT_THROW(run_constructive("xyz", inst), UsageError);
}

TEST(BinPackingHeuristics, MatchesMeasuredFfdBaselineOnT60) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP();
  // ffd_bfd_baseline_summary.csv: FFD uses 464 bins on the 20 t60 instances.
  int64_t ffd = 0, bfd = 0;
  for (int k = 0; k < 20; ++k) {
    auto inst = read_bpplib(tessera::testing::shared_data(
        "binpack/bpplib/Falkenauer_T/Falkenauer_t60_" + std::string(k < 10 ? "0" : "") + std::to_string(k) + ".txt"));
    auto p = first_fit_decreasing(inst);
    EXPECT_EQ(check_packing(inst, p), "");
    ffd += p.bins();
    bfd += best_fit_decreasing(inst).bins();
  }
  EXPECT_EQ(ffd, 464);
  EXPECT_EQ(bfd, 464);
}

TEST(BinPackingHeuristics, FeasibleOnGeneratedInstances) {
  Rng rng(3);
  for (const auto& f : {"uniform", "triplet", "scholl", "hard28"}) {
    auto inst = generate_instance(f, 150, rng);
    for (const auto& name : {"ff", "bf", "ffd", "bfd"}) {
      auto p = run_constructive(name, inst);
      EXPECT_EQ(check_packing(inst, p), "") << f << " " << name;
      EXPECT_GE(p.bins(), lower_bound_l2(inst));
    }
    auto r = random_first_fit(inst, rng);
    EXPECT_EQ(check_packing(inst, r), "");
  }
}

}  // namespace
}  // namespace tessera::binpack
