#include "tessera/learn/gap_trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tessera/core/error.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/nn/gap_model.h"
#include "../testing.h"

namespace tessera::partition {
namespace {

GapTrainerOptions tiny(const std::string& out, int epochs) {
  GapTrainerOptions o;
  o.epochs = epochs;
  o.graphs = 6;
  o.validation_graphs = 2;
  o.n_min = 150;
  o.n_max = 400;
  o.hidden = 16;
  o.layers = 2;
  o.learning_rate = 1e-2;
  o.seed = 5;
  o.out = out;
  o.progress = false;
  return o;
}

TEST(GapTrainer, LossFallsAndCheckpointIsAModel) {
  std::string dir = tessera::testing::scratch_dir();
  auto r = GapTrainer(tiny(dir + "/m.pt", 8)).train();
  ASSERT_EQ(r.log.size(), 8u);
  EXPECT_LT(r.log.back()["loss"].get<double>(), 0.8 * r.log.front()["loss"].get<double>());
  auto meta = learn::read_checkpoint_meta(dir + "/m.pt", "gap");
  EXPECT_EQ(meta["state"]["epoch"], 8);
  EXPECT_EQ(meta["features"], feature_set_id(FeatureOptions{}));
}

TEST(GapTrainer, ResumeEqualsUninterruptedRun) {
  std::string dir = tessera::testing::scratch_dir();
  GapTrainer(tiny(dir + "/full.pt", 4)).train();
  GapTrainer(tiny(dir + "/part.pt", 2)).train();
  auto o = tiny(dir + "/part.pt", 4);
  o.resume = true;
  GapTrainer(o).train();
  auto cfg = GapModelConfig::from_json(learn::read_checkpoint_meta(dir + "/full.pt", "gap")["config"], "x");
  GapModel a(cfg), b(cfg);
  learn::load_checkpoint(dir + "/full.pt", *a);
  learn::load_checkpoint(dir + "/part.pt", *b);
  auto pa = a->parameters(), pb = b->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::allclose(pa[i], pb[i], 1e-5, 1e-6)) << i;
}

TEST(GapTrainer, RejectsBadOptions) {
  auto o = tiny("", 1);
  EXPECT_THROW(GapTrainer{o}, UsageError);
  o = tiny("/tmp/x.pt", 1);
  o.k = 1;
  EXPECT_THROW(GapTrainer{o}, UsageError);
  o = tiny("/tmp/x.pt", 1);
  o.families = {"nope"};
  EXPECT_THROW(GapTrainer{o}, UsageError);
}

}  // namespace
}  // namespace tessera::partition
