#include "tessera/learn/device_learned_placers.h"

#include <cmath>

#include <gtest/gtest.h>

#include "../testing.h"
#include "synthetic_device_graph.h"
#include "tessera/core/error.h"
#include "tessera/learn/gdp_trainer.h"

namespace tessera::devices {
namespace {

// info.best_trace: rows [evaluations, step time, feasible], evaluations increasing, the last row the best.
void expect_valid_trace(const Json& info) {
  const Json& trace = info.at("best_trace");
  ASSERT_TRUE(trace.is_array());
  ASSERT_FALSE(trace.empty());
  for (size_t i = 0; i < trace.size(); ++i) {
    ASSERT_EQ(trace[i].size(), 3u);
    EXPECT_GE(trace[i][0].get<int64_t>(), 1);
    if (i > 0) {
      EXPECT_GT(trace[i][0].get<int64_t>(), trace[i - 1][0].get<int64_t>()) << i;
    }
  }
  EXPECT_EQ(trace.back()[0].get<int64_t>(), info.at("evaluations_to_best").get<int64_t>());
  EXPECT_DOUBLE_EQ(trace.back()[1].get<double>(), info.at("best_step_time").get<double>());
  EXPECT_EQ(trace.back()[2].get<bool>(), info.at("best_feasible").get<bool>());
}

class LearnedPlacersTest : public ::testing::Test {
 protected:
  void SetUp() override { add_learned_placers(registry); }
  PlacerRegistry registry;
  DeviceGraph graph = testing_graphs::two_branches(6);
  Cluster cluster = cluster_preset("p100x2");
  PlaceOptions options() {
    PlaceOptions o;
    o.progress = false;
    return o;
  }
  /// A small GDP model (reading the hint of hint_methods when not empty) trained for `iterations` on another
  /// graph and saved as `file` in the scratch folder; returns its path.
  std::string pretrained_model(const std::string& file, uint64_t seed, int iterations,
                               const std::vector<std::string>& hint_methods) {
    torch::manual_seed(seed);
    nn::GdpPolicy policy(
        nn::GdpPolicyOptions().hidden(32).ffn(64).segment(8).max_devices(4).hint(!hint_methods.empty()));
    auto pretrain_graph = testing_graphs::two_branches(10, "pretrain");
    GdpTrainOptions to;
    to.iterations = iterations;
    to.progress = false;
    to.hint_methods = hint_methods;
    GdpTrainer trainer(policy, {{"pretrain", &pretrain_graph, &cluster}}, to);
    trainer.train();
    const std::string path = testing::scratch_dir() + "/" + file;
    trainer.save(path);
    return path;
  }
};

TEST_F(LearnedPlacersTest, BothMethodsAreRegistered) {
  EXPECT_TRUE(registry.has("rl2017"));
  EXPECT_TRUE(registry.has("gdp"));
}

TEST_F(LearnedPlacersTest, GdpFromScratchAndRl2017GiveValidPlacements) {
  for (std::string method : {"gdp", "rl2017"}) {
    auto o = options();
    o.extra = {{"iterations", 3}};
    if (method == "gdp") o.extra["scratch"] = true;
    auto placer = registry.create(method);
    Placement p = run_placer(*placer, graph, cluster, o);
    ASSERT_EQ(p.device.size(), static_cast<size_t>(graph.num_ops())) << method;
    for (int d : p.device) EXPECT_TRUE(d == 0 || d == 1);
    EXPECT_EQ(p.info["evaluations"].get<int64_t>(), 3 * 8) << method;
    double t = simulate(graph, cluster, p.device).step_time;
    EXPECT_NEAR(t, p.info["best_step_time"].get<double>(), 1e-12) << method;
  }
  // From scratch, the policy's head covers a cluster of more than 8 devices.
  const Cluster sixteen = cluster_preset("h100x16-2node");
  ASSERT_EQ(sixteen.num_devices(), 16);
  auto o = options();
  o.extra = {{"iterations", 1}, {"scratch", true}};
  Placement p = run_placer(*registry.create("gdp"), graph, sixteen, o);
  ASSERT_EQ(p.device.size(), static_cast<size_t>(graph.num_ops()));
  for (int d : p.device) EXPECT_TRUE(d >= 0 && d < 16);
}

TEST_F(LearnedPlacersTest, TheShippedModelPlacesOnEveryClusterPreset) {
  // The model that `devices place --method gdp` uses without --model (the acceptance form).
  Json meta;
  load_gdp_model(default_gdp_model_path(), &meta);
  EXPECT_GE(meta["limits"]["max_devices"].get<int64_t>(), 16);
  auto placer = registry.create("gdp");
  for (const std::string& name : cluster_preset_names()) {
    const Cluster c = cluster_preset(name);
    Placement p = run_placer(*placer, graph, c, options());
    EXPECT_EQ(p.info["mode"], "zero-shot") << name;
    for (int d : p.device) EXPECT_TRUE(d >= 0 && d < c.num_devices()) << name;
    // The hint is a candidate: zero-shot is never worse than it.
    ASSERT_TRUE(p.info["hint_feasible"].get<bool>()) << name;
    EXPECT_TRUE(p.info["best_feasible"].get<bool>()) << name;
    EXPECT_LE(p.info["best_step_time"].get<double>(), p.info["hint_step_time"].get<double>() * (1 + 1e-12)) << name;
  }
}

TEST_F(LearnedPlacersTest, ZeroShotAndFineTuneFromAModelFile) {
  auto o = options();
  o.model_path = pretrained_model("gdp.pt", 1, 2, {});
  auto placer = registry.create("gdp");
  Placement zero = run_placer(*placer, graph, cluster, o);
  EXPECT_EQ(zero.info["mode"], "zero-shot");
  // Greedy + 15 samples; a candidate drawn twice is simulated once.
  const int64_t dup = zero.info["zero_shot_duplicates"].get<int64_t>();
  EXPECT_GE(dup, 0);
  EXPECT_LT(dup, 16);
  EXPECT_EQ(zero.info["evaluations"].get<int64_t>(), 16 - dup);
  o.finetune_steps = 2;
  Placement tuned = run_placer(*placer, graph, cluster, o);
  EXPECT_EQ(tuned.info["mode"], "finetune");
  EXPECT_EQ(tuned.info["evaluations"].get<int64_t>(), 16 - dup + 2 * 256);  // fine-tuning samples 256 per iteration
  EXPECT_EQ(tuned.info["samples_per_iteration"].get<int>(), 256);
  o.extra = {{"samples", 4}};
  Placement small = run_placer(*placer, graph, cluster, o);
  EXPECT_EQ(small.info["evaluations"].get<int64_t>(), 16 - dup + 2 * 4);
  // Fine-tuning keeps the zero-shot candidates: it is never worse.
  EXPECT_LE(tuned.info["best_score"].get<double>(), zero.info["best_score"].get<double>());
  // Its trace of improvements starts with the zero-shot ones (the first 16 evaluations).
  expect_valid_trace(zero.info);
  expect_valid_trace(tuned.info);
  const Json &zt = zero.info["best_trace"], &tt = tuned.info["best_trace"];
  ASSERT_GE(tt.size(), zt.size());
  for (size_t i = 0; i < zt.size(); ++i) EXPECT_EQ(tt[i], zt[i]) << i;
  for (size_t i = zt.size(); i < tt.size(); ++i) EXPECT_GT(tt[i][0].get<int64_t>(), 16 - dup) << i;

  // Where the graph does not fit on one device, the samples are repaired at several evaluations each, and
  // fine-tuning samples fewer placements: 256 evaluations over the zero-shot cost per sample (a duplicate
  // candidate at its original's cost: the cost of the samples fine-tuning will draw).
  Cluster tight = cluster.with_memory(0.3e9);
  o.extra = Json::object();
  o.finetune_steps = 0;
  const Placement tight_zero = run_placer(*placer, graph, tight, o);
  const int64_t z = tight_zero.info["evaluations"].get<int64_t>();
  const int64_t tight_dup = tight_zero.info["zero_shot_duplicates"].get<int64_t>();
  const double per_sample = tight_zero.info["zero_shot_evaluations_per_sample"].get<double>();
  ASSERT_GT(per_sample, 1.0) << "no zero-shot sample was repaired";
  EXPECT_GT(z, 16 - tight_dup) << "the distinct candidates cost one evaluation each";
  EXPECT_LE(static_cast<double>(z), per_sample * 16 + 1e-9);
  o.finetune_steps = 1;
  Placement repaired = run_placer(*placer, graph, tight, o);
  const int expected = static_cast<int>(std::lround(256.0 / per_sample));
  EXPECT_LT(expected, 256);
  EXPECT_EQ(repaired.info["samples_per_iteration"].get<int>(), expected);
  EXPECT_GE(repaired.info["evaluations"].get<int64_t>(), z + expected);
  o.extra = {{"samples", 4}};  // an explicit count is kept
  EXPECT_EQ(run_placer(*placer, graph, tight, o).info["samples_per_iteration"].get<int>(), 4);
  o.extra = Json::object();

  // A cluster with more devices than the model supports.
  Cluster eight = cluster_preset("p100x8");
  EXPECT_THROW(run_placer(*placer, graph, eight, o), UsageError);
}

TEST_F(LearnedPlacersTest, AZeroShotCandidateDrawnTwiceIsSimulatedOnce) {
  auto o = options();
  o.model_path = pretrained_model("gdp.pt", 1, 2, {});
  o.extra = {{"zero_shot_samples", 63}};
  auto placer = registry.create("gdp");
  Placement p = run_placer(*placer, graph, cluster, o);
  const int64_t dup = p.info["zero_shot_duplicates"].get<int64_t>();
  // 64 candidates on a small graph from a trained policy: some are drawn more than once.
  EXPECT_GT(dup, 0);
  EXPECT_EQ(p.info["evaluations"].get<int64_t>() + dup, 64);
  // The result is a simulated placement all the same, and no candidate costs more than it did.
  EXPECT_NEAR(simulate(graph, cluster, p.device).step_time, p.info["best_step_time"].get<double>(), 1e-12);
  EXPECT_DOUBLE_EQ(p.info["zero_shot_evaluations_per_sample"].get<double>(), 1.0);
  expect_valid_trace(p.info);
}

TEST_F(LearnedPlacersTest, AHintModelComputesTheHintWhenPlacingAndCountsItsEvaluations) {
  const std::vector<std::string> methods = {"single", "m-topo", "metis"};
  auto o = options();
  o.model_path = pretrained_model("hint.pt", 2, 1, methods);
  auto placer = registry.create("gdp");
  Placement zero = run_placer(*placer, graph, cluster, o);
  const ReferencePlacement hint = best_classical_placement(graph, cluster, methods, 1, kHintMemoryRepair);
  EXPECT_EQ(zero.info["hint_method"], hint.method);
  EXPECT_DOUBLE_EQ(zero.info["hint_step_time"].get<double>(), hint.step_time);
  // The hint's evaluations, greedy + 15 samples (a candidate equal to the hint or to an earlier sample is not
  // simulated again); the hint as a candidate keeps the score it was found with under the default simulator
  // settings, and is simulated again (one evaluation) under others.
  const int64_t dup = zero.info["zero_shot_duplicates"].get<int64_t>();
  EXPECT_EQ(zero.info["hint_candidate_evaluations"].get<int>(), 0);
  EXPECT_EQ(zero.info["evaluations"].get<int64_t>(), hint.evaluations + 16 - dup);
  {
    auto penalized = o;
    penalized.sim.oom_penalty = 20;
    const Placement z = run_placer(*placer, graph, cluster, penalized);
    EXPECT_EQ(z.info["hint_candidate_evaluations"].get<int>(), 1);
    EXPECT_EQ(z.info["evaluations"].get<int64_t>(),
              hint.evaluations + 1 + 16 - z.info["zero_shot_duplicates"].get<int64_t>());
  }
  // The hint is a candidate: the result is never worse than it, and says whether it is the hint.
  EXPECT_LE(zero.info["best_score"].get<double>(), hint.score + 1e-12);
  const double policy_step_time = zero.info["policy_step_time"].get<double>();
  EXPECT_EQ(zero.info["zero_shot_source"], policy_step_time < hint.step_time ? "policy" : "hint");
  EXPECT_DOUBLE_EQ(zero.info["best_step_time"].get<double>(), std::min(policy_step_time, hint.step_time));
  o.finetune_steps = 2;
  Placement tuned = run_placer(*placer, graph, cluster, o);
  EXPECT_EQ(tuned.info["evaluations"].get<int64_t>(), hint.evaluations + 16 - dup + 2 * 256);
  EXPECT_LE(tuned.info["best_score"].get<double>(), zero.info["best_score"].get<double>());
  o.extra = {{"hint", true}};  // a pre-trained model keeps its hint
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);

  // From scratch, "hint" builds a policy that reads the hint of the default placers.
  auto s = options();
  s.extra = {{"scratch", true}, {"iterations", 2}, {"hint", true}};
  Placement scratch = run_placer(*placer, graph, cluster, s);
  const ReferencePlacement h = best_classical_placement(graph, cluster, default_hint_methods(), 1, kHintMemoryRepair);
  EXPECT_EQ(scratch.info["hint_method"], h.method);
  EXPECT_EQ(scratch.info["evaluations"].get<int64_t>(), h.evaluations + 2 * 8);
}

TEST_F(LearnedPlacersTest, RefinementAnnealsTheLearnedPlacement) {
  for (std::string method : {"gdp", "rl2017"}) {
    auto o = options();
    o.extra = {{"iterations", 2}};
    if (method == "gdp") o.extra["scratch"] = true;
    auto placer = registry.create(method);
    Placement plain = run_placer(*placer, graph, cluster, o);
    expect_valid_trace(plain.info);  // from scratch: the trace starts at the first samples
    o.extra["refine_iterations"] = 60;
    Placement refined = run_placer(*placer, graph, cluster, o);
    // The learner's part is unchanged (same seed); the refinement starts from its best placement,
    // is never worse, and its moves count as simulator evaluations.
    EXPECT_NEAR(refined.info["refine_start_score"].get<double>(), plain.info["best_score"].get<double>(), 1e-12)
        << method;
    EXPECT_LE(refined.info["best_score"].get<double>(), plain.info["best_score"].get<double>()) << method;
    EXPECT_EQ(refined.info["refine_iterations"].get<int64_t>(), 60) << method;
    EXPECT_EQ(refined.info["evaluations"].get<int64_t>(), 2 * 8 + 60) << method;
    EXPECT_NEAR(simulate(graph, cluster, refined.device).step_time, refined.info["best_step_time"].get<double>(),
                1e-12)
        << method;
    for (const auto& [key, value] : std::vector<std::pair<std::string, Json>>{
             {"refine", -1.0}, {"refine_iterations", -5}, {"refine_block_moves", 2.0}}) {
      auto bad = o;
      bad.extra[key] = value;
      EXPECT_THROW(run_placer(*placer, graph, cluster, bad), UsageError) << method << " " << key;
    }
    // The refinement's seconds come out of --time-budget, so they must be fewer.
    auto bad = o;
    bad.time_budget = 5;
    bad.extra["refine"] = 5.0;
    EXPECT_THROW(run_placer(*placer, graph, cluster, bad), UsageError) << method;
  }
}

TEST_F(LearnedPlacersTest, OutOfMemorySamplesAreRepaired) {
  // 0.3 GB per device: the graph does not fit on one device, a balanced split does.
  Cluster small = cluster.with_memory(0.3e9);
  ASSERT_FALSE(simulate(graph, small, std::vector<int>(graph.num_ops(), 0)).feasible);
  for (std::string method : {"gdp", "rl2017"}) {
    auto o = options();
    o.extra = {{"iterations", 3}};
    if (method == "gdp") o.extra["scratch"] = true;
    auto placer = registry.create(method);
    Placement p = run_placer(*placer, graph, small, o);
    EXPECT_TRUE(simulate(graph, small, p.device).feasible) << method;
    EXPECT_TRUE(p.info["best_feasible"].get<bool>()) << method;
    const int64_t repaired = p.info["memory_repaired_samples"].get<int64_t>();
    EXPECT_GT(repaired, 0) << method;
    // Each repaired sample costs at least one more simulator evaluation.
    EXPECT_GE(p.info["evaluations"].get<int64_t>(), 3 * 8 + repaired) << method;
    o.extra["memory_repair"] = 0;
    Placement plain = run_placer(*placer, graph, small, o);
    EXPECT_EQ(plain.info["memory_repaired_samples"].get<int64_t>(), 0) << method;
    EXPECT_EQ(plain.info["evaluations"].get<int64_t>(), 3 * 8) << method;
    o.extra["memory_repair"] = -1;
    EXPECT_THROW(run_placer(*placer, graph, small, o), UsageError) << method;
  }
}

TEST_F(LearnedPlacersTest, BadModelFileAndExtraOptionsAreClearErrors) {
  auto o = options();
  o.model_path = testing::write_temp("not_a_model.pt", "garbage");
  auto placer = registry.create("gdp");
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), InputError);
  o.model_path = testing::scratch_dir() + "/missing.pt";
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), InputError);
  o = options();
  o.extra = {{"iterationz", 3}};
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  o.extra = {{"iterations", "many"}, {"scratch", true}};
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  o.extra = {{"scratch", true}, {"reward", "cubic"}};
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  o.extra = {{"scratch", true}, {"exploration", -1.0}};  // decisions re-placed per sample: >= 0
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  o.extra = {{"scratch", true}, {"ppo_epochs", 0}};  // gradient passes over each batch: >= 1
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  o.extra = {{"scratch", true}, {"adapter_lr", -0.1}};  // the logit table's learning rate: >= 0
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  o.extra = {{"scratch", true}, {"freeze_network", true}};  // a frozen network needs the table (scratch: none)
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  o.extra = {{"group_actions", false}};  // a pre-trained model keeps its decision unit
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  // A key of the other learned method is refused, not ignored.
  o.extra = {{"scratch", true}, {"max_groups", 4}};
  EXPECT_THROW(run_placer(*placer, graph, cluster, o), UsageError);
  auto rl2017 = registry.create("rl2017");
  o.extra = {{"zero_shot_samples", 3}};
  try {
    run_placer(*rl2017, graph, cluster, o);
    FAIL() << "rl2017 accepted a gdp-only key";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("zero_shot_samples"), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera::devices
