#include "tessera/learn/rl2017_trainer.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "synthetic_device_graph.h"
#include "tessera/core/error.h"

namespace tessera::devices {
namespace {

Rl2017Options quick_rl2017(int iterations) {
  Rl2017Options o;
  o.iterations = iterations;
  o.samples = 8;
  o.progress = false;
  o.seed = 3;
  o.learning_rate = 5e-3;
  return o;
}

class Rl2017TrainerTest : public ::testing::Test {
 protected:
  DeviceGraph graph = testing_graphs::two_branches(8);
  Cluster cluster = cluster_preset("p100x2");
  PlacementTask task() { return {"two_branches", &graph, &cluster}; }
};

TEST_F(Rl2017TrainerTest, RewardRisesAndBestBeatsOneDevice) {
  Rl2017Trainer t(task(), quick_rl2017(20));
  t.train();
  Json rows = t.log().to_json();
  ASSERT_EQ(rows.size(), 20u);
  double first = 0, last = 0;
  for (int i = 0; i < 5; ++i) {
    first += rows[i]["reward"].get<double>() / 5;
    last += rows[15 + i]["reward"].get<double>() / 5;
  }
  EXPECT_GT(last, first) << "the mean reward -sqrt(step time) did not rise";
  EXPECT_LT(t.best().score / t.best().reference, 0.7);
  EXPECT_EQ(t.evaluations(), 20 * 8);
}

TEST_F(Rl2017TrainerTest, ResumeEqualsAStraightRun) {
  auto dir = testing::scratch_dir();
  Rl2017Trainer straight(task(), quick_rl2017(4));
  straight.train();
  auto o = quick_rl2017(2);
  o.checkpoint = dir + "/rl.pt";
  Rl2017Trainer(task(), o).train();
  o.iterations = 4;
  o.resume = true;
  Rl2017Trainer resumed(task(), o);
  EXPECT_EQ(resumed.iteration(), 2);
  resumed.train();
  EXPECT_EQ(resumed.best().placement, straight.best().placement);
  // The improvements (restored from the checkpoint, then continued) are those of the straight run.
  const auto &ta = resumed.best().trace, &tb = straight.best().trace;
  ASSERT_FALSE(tb.empty());
  ASSERT_EQ(ta.size(), tb.size());
  for (size_t i = 0; i < ta.size(); ++i) {
    EXPECT_EQ(ta[i].evaluations, tb[i].evaluations) << i;
    EXPECT_DOUBLE_EQ(ta[i].score, tb[i].score) << i;
  }
  EXPECT_EQ(tb.back().evaluations, straight.best().evaluations_to_best);
  auto pa = resumed.policy()->parameters(), pb = straight.policy()->parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::allclose(pa[i], pb[i]));
}

TEST_F(Rl2017TrainerTest, ModelForAnotherDeviceCountIsRefused) {
  auto dir = testing::scratch_dir();
  Rl2017Trainer t(task(), quick_rl2017(1));
  t.train();
  t.save(dir + "/rl.pt");
  Cluster four = cluster_preset("p100x4");
  try {
    Rl2017Trainer other({"two_branches", &graph, &four}, quick_rl2017(1), dir + "/rl.pt");
    FAIL() << "a 2-device model was accepted for 4 devices";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("2 devices"), std::string::npos);
  }
  // The same device count warm-starts fine.
  EXPECT_NO_THROW(Rl2017Trainer(task(), quick_rl2017(1), dir + "/rl.pt"));
}

TEST_F(Rl2017TrainerTest, BadOptionsAreUsageErrors) {
  auto o = quick_rl2017(1);
  o.samples = 0;
  EXPECT_THROW(Rl2017Trainer(task(), o), UsageError);
  o = quick_rl2017(1);
  o.resume = true;
  EXPECT_THROW(Rl2017Trainer(task(), o), UsageError);
}

}  // namespace
}  // namespace tessera::devices
