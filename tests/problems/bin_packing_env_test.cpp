#include "tessera/problems/bin_packing_env.h"

#include <gtest/gtest.h>

#include "tessera/heuristics/bin_packing_heuristics.h"
#include "tessera/problems/bin_packing_generator.h"

namespace tessera::binpack {
namespace {

/// Follows the candidate carrying feature `flag` (6: best fit, 7: first fit).
Packing follow_flag(const BinPackingInstance& inst, int flag) {
  BinPackingEnv env(inst);
  while (!env.done()) {
    const auto& f = env.features();
    int64_t choice = -1;
    for (size_t k = 0; k < env.candidates().size(); ++k)
      if (f[k * kCandidateFeatures + kItemFeatures + flag] > 0.5f) choice = static_cast<int64_t>(k);
    EXPECT_GE(choice, 0);
    env.step(choice);
  }
  return env.packing();
}

TEST(BinPackingEnv, FlagsReproduceFfdAndBfd) {
  Rng rng(2);
  for (const auto& f : {"uniform", "triplet", "scholl", "hard28"}) {
    auto inst = generate_instance(f, 120, rng);
    EXPECT_EQ(follow_flag(inst, 7).bin_of, first_fit_decreasing(inst).bin_of) << f;
    EXPECT_EQ(follow_flag(inst, 6).bin_of, best_fit_decreasing(inst).bin_of) << f;
  }
}

TEST(BinPackingEnv, CandidatesAreFeasibleAndNewBinIsLast) {
  Rng rng(4);
  auto inst = generate_instance("uniform", 80, rng);
  BinPackingEnv env(inst, 4);
  while (!env.done()) {
    const auto& cand = env.candidates();
    ASSERT_FALSE(cand.empty());
    EXPECT_EQ(cand.back(), -1);
    EXPECT_LE(cand.size(), 6u);  // 4 tightest + first fit + new bin
    const int64_t w = inst.weights[env.item()];
    for (size_t k = 0; k + 1 < cand.size(); ++k) EXPECT_LE(env.packing().loads[cand[k]] + w, inst.capacity);
    env.step(static_cast<int64_t>(uniform_int(rng, static_cast<int64_t>(cand.size()))));
  }
  EXPECT_EQ(check_packing(inst, env.packing()), "");
}

}  // namespace
}  // namespace tessera::binpack
