#include "tessera/learn/chip_learned_placers.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/learn/chip_rl_trainer.h"
#include "tessera/problems/random_netlist.h"

namespace tessera::chip {
namespace {

class RlPlacerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir();
    RandomNetlistOptions o;
    o.hard_macros = 8;
    o.soft_macros = 10;
    o.nets = 60;
    netlist_ = generate_random_netlist(o, 4, "placer");
    torch::manual_seed(0);
    auto po = default_chip_policy_options();
    po.hidden = 16;
    ChipPolicy policy(po);
    model_ = dir_ + "/model.pt";
    save_chip_policy(model_, policy, Json::object());
  }
  Placement place(const std::string& model, double budget = 0.3, double finetune = 0) {
    ChipCanvas canvas(netlist_, netlist_.spec());
    ChipPlacerOptions o;
    o.time_budget = budget;
    o.progress = false;
    o.params = {{"model", model}, {"finetune_seconds", finetune}};
    return placer_.place(netlist_, canvas, Placement(netlist_), o);
  }
  std::string dir_, model_;
  Netlist netlist_;
  RlChipPlacer placer_;
};

TEST_F(RlPlacerTest, ZeroShotPlacementIsLegal) {
  Placement p = place(model_);
  ChipCanvas check(netlist_, netlist_.spec());
  for (int64_t m : netlist_.hard_macros()) {
    EXPECT_TRUE(check.is_legal(m, p.x[m], p.y[m], p.orientation[m])) << netlist_.node(m).name;
    check.place(m, p.x[m], p.y[m], p.orientation[m]);
  }
  Json s = placer_.stats();
  EXPECT_EQ(s["mode"], "zero-shot");
  EXPECT_LE(s["best_proxy"].get<double>(), s["greedy_proxy"].get<double>());
}

TEST_F(RlPlacerTest, RefinedCandidatesAreLegalAndNoWorseThanTheBestSample) {
  ChipCanvas canvas(netlist_, netlist_.spec());
  ChipPlacerOptions o;
  o.time_budget = 60;
  o.progress = false;
  o.params = {{"model", model_}, {"max_samples", 12}, {"refine_candidates", 0}};
  placer_.place(netlist_, canvas, Placement(netlist_), o);
  const double best_sample = placer_.stats()["best_proxy"];
  EXPECT_FALSE(placer_.stats().contains("refined_candidates"));

  o.params["refine_candidates"] = 4;
  Placement p = placer_.place(netlist_, canvas, Placement(netlist_), o);
  Json s = placer_.stats();
  ASSERT_EQ(s["refined_candidates"].size(), 4u);
  EXPECT_DOUBLE_EQ(s["refined_candidates"][0]["sampled_proxy"].get<double>(), best_sample);  // same samples
  double best_refined = 1e300;
  for (const auto& c : s["refined_candidates"]) best_refined = std::min(best_refined, c["refined_proxy"].get<double>());
  EXPECT_DOUBLE_EQ(s["best_proxy"].get<double>(), std::min(best_sample, best_refined));
  EXPECT_LT(best_refined, best_sample) << "refinement found nothing better on this fixed case";
  ChipCanvas check(netlist_, netlist_.spec());
  for (int64_t m : netlist_.hard_macros()) {
    EXPECT_TRUE(check.is_legal(m, p.x[m], p.y[m], p.orientation[m])) << netlist_.node(m).name;
    check.place(m, p.x[m], p.y[m], p.orientation[m]);
  }
  o.params["refine_candidates"] = -1;
  EXPECT_THROW(placer_.place(netlist_, canvas, Placement(netlist_), o), UsageError);
}

TEST_F(RlPlacerTest, FineTuningRunsWithinItsBudget) {
  place(model_, 0.2, 1.0);
  Json s = placer_.stats();
  EXPECT_EQ(s["mode"], "fine-tuned");
  EXPECT_GE(s["finetune"]["iterations"].get<int64_t>(), 1);
}

TEST_F(RlPlacerTest, MissingModelFileIsAnInputError) {
  EXPECT_THROW(place(dir_ + "/absent.pt"), InputError);
}

TEST_F(RlPlacerTest, GarbageModelFileIsAnInputError) {
  std::string path = dir_ + "/garbage.pt";
  std::ofstream(path) << "this is not a model";
  try {
    place(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.pt"), std::string::npos);
  }
}

TEST_F(RlPlacerTest, ModelOfAnotherKindIsAnInputError) {
  std::string path = dir_ + "/other.pt";
  torch::nn::Linear lin(2, 2);
  learn::save_checkpoint(path, *lin, Json{{"kind", "gap"}});
  EXPECT_THROW(place(path), InputError);
}

TEST_F(RlPlacerTest, ModelWithAnotherFeatureSizeIsAnInputError) {
  std::string path = dir_ + "/wrong_features.pt";
  ChipPolicyOptions po = default_chip_policy_options();
  po.node_features = 5;
  ChipPolicy policy(po);
  learn::save_checkpoint(path, *policy,
                         Json{{"kind", kChipRlModelKind},
                              {"features", kChipRlFeatureSet},
                              {"config",
                               {{"node_features", 5},
                                {"spatial_channels", kChipRlSpatialChannels},
                                {"hidden", 32},
                                {"gcn_layers", 3},
                                {"deconv_channels", 16}}}});
  EXPECT_THROW(place(path), InputError);
}

TEST_F(RlPlacerTest, RegistryHasRl) {
  ChipPlacerRegistry registry;
  add_learned_placers(registry);
  ASSERT_TRUE(registry.has("rl"));
  EXPECT_EQ(registry.create("rl")->name(), "rl");
}

}  // namespace
}  // namespace tessera::chip
