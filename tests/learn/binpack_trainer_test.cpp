#include "tessera/learn/binpack_trainer.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/heuristics/bin_packing_annealer.h"
#include "tessera/learn/binpack_rlho.h"
#include "tessera/problems/bin_packing_env.h"
#include "tessera/problems/bin_packing_generator.h"
#include "../testing.h"

namespace tessera::binpack {
namespace {

/// Packs with a uniformly random choice among the candidates (the "random policy").
int64_t random_policy_bins(const BinPackingInstance& inst, Rng& rng) {
  BinPackingEnv env(inst);
  while (!env.done()) env.step(uniform_int(rng, static_cast<int64_t>(env.candidates().size())));
  return env.packing().bins();
}

class BinpackTrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(tessera::testing::scratch_dir());
    BinpackTrainOptions o;
    o.iterations = 6;
    o.episodes = 16;
    o.family = "uniform";
    o.min_items = 30;
    o.max_items = 45;
    o.sa_iterations = 2000;
    o.hidden = 32;
    o.validation_instances = 4;
    o.ppo.learning_rate = 3e-3;
    o.seed = 7;
    o.out = *dir_ + "/policy.pt";
    summary_ = new Json(train_binpack_policy(o, false));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete summary_;
  }
  static std::string* dir_;
  static Json* summary_;
};
std::string* BinpackTrainerTest::dir_ = nullptr;
Json* BinpackTrainerTest::summary_ = nullptr;

TEST_F(BinpackTrainerTest, TrainedPolicyBeatsRandomPolicy) {
  auto model = BinpackModel::load(*dir_ + "/policy.pt");
  Rng rng(99);
  int64_t learned = 0, random = 0;
  for (int k = 0; k < 8; ++k) {
    auto inst = generate_instance("uniform", 60, rng);
    Packing p = model.pack(inst);
    EXPECT_EQ(check_packing(inst, p), "");
    learned += p.bins();
    random += random_policy_bins(inst, rng);
  }
  EXPECT_LT(static_cast<double>(learned), 0.95 * random) << learned << " vs " << random;
}

TEST_F(BinpackTrainerTest, WritesLogAndCheckpointAndResumes) {
  EXPECT_EQ((*summary_)["iterations"].get<int>(), 6);
  EXPECT_TRUE(std::filesystem::exists(*dir_ + "/policy_log.csv"));
  BinpackTrainOptions o;
  o.iterations = 7;
  o.episodes = 4;
  o.family = "uniform";
  o.min_items = 30;
  o.max_items = 35;
  o.sa_iterations = 500;
  o.hidden = 32;
  o.validation_instances = 2;
  o.out = *dir_ + "/policy.pt";
  o.resume = true;
  auto s = train_binpack_policy(o, false);
  EXPECT_GT(s["samples"].get<int64_t>(), (*summary_)["samples"].get<int64_t>());
  o.hidden = 16;  // does not match the checkpoint
  o.iterations = 8;
  EXPECT_THROW(train_binpack_policy(o, false), UsageError);
}

TEST_F(BinpackTrainerTest, RlhoIsFeasibleAndNoWorseThanItsStart) {
  auto model = BinpackModel::load(*dir_ + "/policy.pt");
  Rng rng(5);
  auto inst = generate_instance("triplet", 90, rng);
  RlhoOptions o;
  o.time_limit = 0.3;
  o.samples = 2;
  auto r = solve_rlho(model, inst, o);
  EXPECT_EQ(check_packing(inst, r.packing), "");
  EXPECT_LE(r.packing.bins(), r.rl_bins);
}

TEST(BinpackModel, MissingOrWrongModelIsAnInputError) {
  EXPECT_THROW(BinpackModel::load("/nonexistent/model.pt"), InputError);
  BinpackTrainOptions o;
  o.iterations = 0;
  EXPECT_THROW(train_binpack_policy(o, false), UsageError);
}

}  // namespace
}  // namespace tessera::binpack
