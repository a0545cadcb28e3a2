#include "tessera/heuristics/bin_packing_annealer.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/cost/bin_packing_cost.h"
#include "tessera/heuristics/bin_packing_heuristics.h"
#include "tessera/io/bin_packing_reader.h"
#include "tessera/problems/bin_packing_generator.h"
#include "../testing.h"

namespace tessera::binpack {
namespace {

AnnealerOptions budget(int64_t iterations, uint64_t seed) {
  AnnealerOptions o;
  o.max_iterations = iterations;
  o.time_limit = 30;
  o.seed = seed;
  return o;
}

TEST(BinPackingAnnealer, NeverWorseThanStartAndAlwaysFeasible) {
  Rng rng(17);
  for (const auto& f : {"uniform", "triplet", "scholl", "hard28"}) {
    for (int rep = 0; rep < 3; ++rep) {
      auto inst = generate_instance(f, 60 + 30 * rep, rng);
      for (bool from_ffd : {false, true}) {
        Packing start = from_ffd ? first_fit_decreasing(inst) : random_first_fit(inst, rng);
        auto r = anneal(inst, start, budget(50000, 1 + rep));
        EXPECT_EQ(check_packing(inst, r.packing), "") << f;
        EXPECT_LE(r.packing.bins(), start.bins()) << f;
        EXPECT_GE(r.packing.bins(), lower_bound_l2(inst));
        EXPECT_EQ(r.start_bins, start.bins());
      }
    }
  }
}

TEST(BinPackingAnnealer, ImprovesRandomStarts) {
  Rng rng(23);
  int64_t start_total = 0, end_total = 0;
  for (int k = 0; k < 4; ++k) {
    auto inst = generate_instance("uniform", 120, rng);
    Packing start = random_first_fit(inst, rng);
    start_total += start.bins();
    end_total += anneal(inst, start, budget(200000, k)).packing.bins();
  }
  EXPECT_LT(end_total, start_total);
}

TEST(BinPackingAnnealer, ReachesTheBoundOnAnEasyInstance) {
  BinPackingInstance inst;
  inst.capacity = 10;
  inst.weights.assign(12, 5);
  Packing start = packing_from_assignment(inst, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  auto r = anneal(inst, start, budget(100000, 3));
  EXPECT_EQ(r.packing.bins(), 6);
}

TEST(BinPackingAnnealer, DeterministicForAnIterationBudget) {
  Rng rng(5);
  auto inst = generate_instance("hard28", 120, rng);
  Packing start = first_fit_decreasing(inst);
  auto a = anneal(inst, start, budget(30000, 9)), b = anneal(inst, start, budget(30000, 9));
  EXPECT_EQ(a.packing.bin_of, b.packing.bin_of);
}

TEST(BinPackingAnnealer, PoolSearchSolvesRealTripletInstancesToOptimum) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP();
  // Every bin of a triplet optimum is exactly full: FFD stays 2-4 bins above it (t60: 464 vs 400).
  for (int k : {0, 7, 13}) {
    auto inst = read_bpplib(tessera::testing::shared_data(
        "binpack/bpplib/Falkenauer_T/Falkenauer_t60_" + std::string(k < 10 ? "0" : "") + std::to_string(k) + ".txt"));
    Packing start = first_fit_decreasing(inst);
    auto r = anneal(inst, start, budget(400000, 1));
    EXPECT_EQ(check_packing(inst, r.packing), "");
    EXPECT_EQ(r.packing.bins(), 20) << "t60_" << k << " from " << start.bins();
    EXPECT_GE(r.overflow_successes, 1);
  }
}

TEST(BinPackingAnnealer, BothReductionsStayFeasibleAndNeverWorse) {
  Rng rng(41);
  for (auto reduction : {Reduction::kPoolTabu, Reduction::kOverflow}) {
    for (const auto& f : {"uniform", "triplet", "scholl", "hard28"}) {
      auto inst = generate_instance(f, 90, rng);
      Packing start = random_first_fit(inst, rng);
      AnnealerOptions o = budget(60000, 4);
      o.reduction = reduction;
      auto r = anneal(inst, start, o);
      EXPECT_EQ(check_packing(inst, r.packing), "") << f;
      EXPECT_LE(r.packing.bins(), start.bins()) << f;
      EXPECT_GE(r.packing.bins(), lower_bound_l2(inst)) << f;
    }
  }
}

TEST(BinPackingAnnealer, RejectsBadOptionsAndStarts) {
  BinPackingInstance inst;
  inst.capacity = 10;
  inst.weights = {6, 6};
  AnnealerOptions bad;
  bad.cycles = 0;
  EXPECT_THROW(anneal(inst, first_fit(inst), bad), UsageError);
  EXPECT_THROW(anneal(inst, Packing{{0, 0}, {12}}, AnnealerOptions{}), Error);
}

}  // namespace
}  // namespace tessera::binpack
