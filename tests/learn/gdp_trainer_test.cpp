#include "tessera/learn/gdp_trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "../testing.h"
#include "synthetic_device_graph.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/problems/placement_features.h"

namespace tessera::devices {
namespace {

nn::GdpPolicy small_policy(uint64_t seed = 1) {
  torch::manual_seed(seed);
  return nn::GdpPolicy(nn::GdpPolicyOptions().hidden(32).ffn(64).segment(8).max_devices(4));
}

GdpTrainOptions quick(int iterations) {
  GdpTrainOptions o;
  o.iterations = iterations;
  o.samples = 8;
  o.progress = false;
  o.threads = 2;
  o.seed = 5;
  o.ppo.learning_rate = 3e-3;
  return o;
}

bool same_parameters(nn::GdpPolicy& a, nn::GdpPolicy& b) {
  auto pa = a->parameters(), pb = b->parameters();
  for (size_t i = 0; i < pa.size(); ++i)
    if (!torch::equal(pa[i], pb[i])) return false;
  return true;
}

// Two traces of improvements are the same (evaluations exactly, scores and step times to rounding).
void expect_same_trace(const std::vector<TaskBest::Improvement>& a, const std::vector<TaskBest::Improvement>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].evaluations, b[i].evaluations) << i;
    EXPECT_DOUBLE_EQ(a[i].score, b[i].score) << i;
    EXPECT_DOUBLE_EQ(a[i].step_time, b[i].step_time) << i;
    EXPECT_EQ(a[i].feasible, b[i].feasible) << i;
  }
}

class GdpTrainerTest : public ::testing::Test {
 protected:
  DeviceGraph graph = testing_graphs::two_branches(8);
  Cluster cluster = cluster_preset("p100x2");
  std::vector<PlacementTask> tasks() { return {{"two_branches", &graph, &cluster}}; }
};

TEST_F(GdpTrainerTest, LearnsToSplitTheBranches) {
  GdpTrainer t(small_policy(), tasks(), quick(15));
  t.train();
  ASSERT_EQ(t.log().size(), 15u);
  Json rows = t.log().to_json();
  double first = rows[0]["mean_score_ratio"], last = rows[14]["mean_score_ratio"];
  EXPECT_LT(last, first - 0.05) << "mean sampled step time did not fall";
  // Splitting the two branches gives ~0.5 of the single-device time.
  EXPECT_LT(t.best()[0].score / t.best()[0].reference, 0.7);
  EXPECT_EQ(t.evaluations(), 15 * 8);
  EXPECT_EQ(t.best()[0].placement.size(), static_cast<size_t>(graph.num_ops()));
}

TEST_F(GdpTrainerTest, CompressedRewardsLearnTooAndUnknownOnesAreRefused) {
  for (const char* reward : {"sqrt", "log"}) {
    auto o = quick(15);
    o.reward = reward;
    GdpTrainer t(small_policy(), tasks(), o);
    t.train();
    Json rows = t.log().to_json();
    EXPECT_LT(rows[14]["mean_score_ratio"].get<double>(), rows[0]["mean_score_ratio"].get<double>() - 0.05) << reward;
  }
  auto bad = quick(1);
  bad.reward = "cubic";
  EXPECT_THROW(GdpTrainer(small_policy(), tasks(), bad), UsageError);
}

TEST_F(GdpTrainerTest, ImitationReproducesTheTeacherPlacement) {
  // Teacher: ops alternate between the two devices, which no untrained policy does by chance.
  std::vector<int> teacher(graph.num_ops());
  for (int v = 0; v < graph.num_ops(); ++v) teacher[v] = v % 2;
  GdpTrainer t(small_policy(), tasks(), quick(0));
  const double loss = t.imitate({teacher}, 150);
  EXPECT_LT(loss, 0.1);
  torch::NoGradGuard guard;
  t.policy()->eval();
  auto logits = t.policy()->forward(op_graph_tensors(graph, cluster_context(graph, cluster)), 2);
  auto greedy = logits.argmax(1);
  int agree = 0;
  for (int v = 0; v < graph.num_ops(); ++v) agree += greedy[v].item<int64_t>() == teacher[v] ? 1 : 0;
  EXPECT_EQ(agree, graph.num_ops());
  EXPECT_THROW(t.imitate({}, 1), Error);                        // one teacher per task
  EXPECT_THROW(t.imitate({std::vector<int>{0, 1}}, 1), Error);  // wrong size
}

TEST_F(GdpTrainerTest, SelfImitationMakesTheBestPlacementTheGreedyOne) {
  auto o = quick(2);  // two PPO iterations alone leave the greedy placement elsewhere
  o.self_imitation = 1.0;
  o.self_imitation_steps = 80;
  GdpTrainer t(small_policy(), tasks(), o);
  t.train();
  const std::vector<int>& best = t.best()[0].placement;
  ASSERT_EQ(best.size(), static_cast<size_t>(graph.num_ops()));
  torch::NoGradGuard guard;
  t.policy()->eval();
  auto input = op_graph_tensors(graph, cluster_context(graph, cluster));
  auto greedy = group_logits(t.policy()->forward(input, 2), input).argmax(1);
  std::vector<int> greedy_placement =
      placement_from_decisions(greedy, graph, /*group_actions=*/true);
  EXPECT_EQ(greedy_placement, best);
  for (auto bad : {-0.5, 0.0}) {
    auto b = quick(1);
    b.self_imitation = bad;
    b.self_imitation_steps = bad < 0 ? 1 : 0;
    EXPECT_THROW(GdpTrainer(small_policy(), tasks(), b), UsageError);
  }
}

TEST_F(GdpTrainerTest, AStartPlacementIsTheBestUntilBeatenAndSelfImitationPullsTowardsIt) {
  // A start that no sample can beat (score -1): the best stays it, and self-imitation makes it the greedy
  // placement, although PPO alone would not put every op on device 1.
  TaskBest start;
  start.placement.assign(graph.num_ops(), 1);
  start.score = -1;
  start.step_time = 1;
  start.feasible = true;
  auto with_start = tasks();
  with_start[0].start = &start;
  auto o = quick(2);
  o.self_imitation = 1.0;
  o.self_imitation_steps = 80;
  GdpTrainer t(small_policy(), with_start, o);
  t.train();
  EXPECT_EQ(t.best()[0].placement, start.placement);
  EXPECT_EQ(t.best()[0].score, -1);
  EXPECT_TRUE(t.best()[0].trace.empty());  // no improvement of the trainer's own
  {
    torch::NoGradGuard guard;
    t.policy()->eval();
    auto input = op_graph_tensors(graph, cluster_context(graph, cluster));
    auto greedy = group_logits(t.policy()->forward(input, 2), input).argmax(1);
    EXPECT_EQ(placement_from_decisions(greedy, graph, /*group_actions=*/true), start.placement);
  }
  // Without the start the trainer's best is one of its samples.
  GdpTrainer plain(small_policy(), tasks(), o);
  plain.train();
  EXPECT_GT(plain.best()[0].score, 0);
  EXPECT_FALSE(plain.best()[0].trace.empty());
  start.placement.pop_back();  // a start that does not cover the graph
  EXPECT_THROW(GdpTrainer(small_policy(), with_start, o), Error);
}

TEST(GdpSampling, ExplorationMixesInUniformDecisionsWithTheMixtureLogProbability) {
  // A saturated policy: device 0 for every decision.
  const int64_t m = 4000, D = 4, K = 4;
  auto logits = torch::zeros({m, D});
  logits.select(1, 0).fill_(20.0);
  Rng rng(7);
  auto [plain, plain_lp] = sample_placements(logits, K, rng, false);
  EXPECT_EQ(plain.count_nonzero().item<int64_t>(), 0);
  const double eps = 0.2;
  auto [actions, lp] = sample_placements(logits, K, rng, /*first_greedy=*/true, eps);
  EXPECT_EQ(actions[0].count_nonzero().item<int64_t>(), 0);  // the greedy sample stays greedy
  auto logp = torch::log_softmax(logits.to(torch::kFloat64), 1);
  for (int64_t k = 1; k < K; ++k) {
    // About ε (D - 1) / D of the decisions leave device 0.
    const double moved = actions[k].count_nonzero().item<int64_t>() / static_cast<double>(m);
    EXPECT_NEAR(moved, eps * (D - 1) / D, 0.025) << k;
    // The log-probability is the behaviour policy's: Σ log((1 - ε) π(a) + ε / D).
    double expected = 0;
    for (int64_t v = 0; v < m; ++v) {
      const int64_t a = actions[k][v].item<int64_t>();
      expected += std::log((1 - eps) * std::exp(logp[v][a].item<double>()) + eps / D);
    }
    EXPECT_NEAR(lp[k].item<double>(), expected, 1e-3 * std::abs(expected)) << k;
  }
}

TEST(GdpSampling, BlockExplorationMovesOneRunOfDecisionsToOneDevice) {
  const int64_t m = 300, D = 4, K = 32;
  auto logits = torch::zeros({m, D});
  logits.select(1, 0).fill_(20.0);  // saturated on device 0
  Rng rng(3);
  auto [actions, lp] = sample_placements(logits, K, rng, false);
  explore_blocks(actions, lp, logits, 0.0, 0.0, rng);  // share 0: nothing moves
  EXPECT_EQ(actions.count_nonzero().item<int64_t>(), 0);
  auto logp = torch::log_softmax(logits.to(torch::kFloat64), 1);
  EXPECT_NEAR(lp[0].item<double>(), logp.select(1, 0).sum().item<double>(), 1e-3);
  explore_blocks(actions, lp, logits, 0.0, 0.999, rng);  // (almost) every sample moves one block
  int moved = 0;
  for (int64_t k = 0; k < K; ++k) {
    std::vector<int64_t> off;
    for (int64_t v = 0; v < m; ++v)
      if (actions[k][v].item<int64_t>() != 0) off.push_back(v);
    if (off.empty()) continue;  // the block went to device 0
    ++moved;
    // One contiguous run on one device, at most an eighth of the decisions (300 / 8 = 37) long.
    EXPECT_LE(static_cast<int64_t>(off.size()), exploration_block_limit(m)) << k;
    EXPECT_EQ(off.back() - off.front() + 1, static_cast<int64_t>(off.size())) << k;
    for (int64_t v : off) EXPECT_EQ(actions[k][v].item<int64_t>(), actions[k][off.front()].item<int64_t>());
    // Its log-probability: the block component plus the decisions outside the block.
    double outside = 0;
    for (int64_t v = 0; v < m; ++v)
      if (v < off.front() || v > off.back()) outside += logp[v][0].item<double>();
    EXPECT_NEAR(lp[k].item<double>(), outside + std::log(0.999 / (m * exploration_block_limit(m) * D)), 1e-2) << k;
  }
  EXPECT_GE(moved, K / 2);  // 3 of 4 blocks pick a device other than 0
  EXPECT_EQ(exploration_block_limit(300), 37);
  EXPECT_EQ(exploration_block_limit(5000), kMaxExplorationBlock);
  EXPECT_EQ(exploration_block_limit(3), 1);
}

TEST_F(GdpTrainerTest, ExplorationTrainsAndOutOfRangeValuesAreRefused) {
  auto o = quick(3);
  o.exploration = 2.0;  // decisions re-placed per sample
  GdpTrainer t(small_policy(), tasks(), o);
  t.train();
  EXPECT_EQ(t.evaluations(), 3 * 8);
  EXPECT_FALSE(t.best()[0].placement.empty());
  for (double bad : {-0.1, std::nan("")}) {
    auto b = quick(1);
    b.exploration = bad;
    EXPECT_THROW(GdpTrainer(small_policy(), tasks(), b), UsageError) << bad;
    b.exploration = 0;
    b.block_exploration = bad;
    EXPECT_THROW(GdpTrainer(small_policy(), tasks(), b), UsageError) << bad;
  }
  auto b = quick(1);
  b.block_exploration = 1.0;  // a share of the samples: < 1
  EXPECT_THROW(GdpTrainer(small_policy(), tasks(), b), UsageError);
  auto blocks = quick(3);
  blocks.block_exploration = 0.5;
  GdpTrainer tb(small_policy(), tasks(), blocks);
  tb.train();
  EXPECT_EQ(tb.evaluations(), 3 * 8);
}

TEST(GdpGroupActions, GroupLogitsAreTheMeanOfTheGroupsOps) {
  nn::OpGraphTensors in;
  in.group = torch::tensor(std::vector<int64_t>{0, 1, 0, 2, 1}, torch::kInt64);
  in.num_groups = 3;
  auto op_logits = torch::tensor(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).view({5, 2});
  auto g = group_logits(op_logits, in);
  auto expected = torch::tensor(std::vector<float>{3, 4, 6, 7, 7, 8}).view({3, 2});
  EXPECT_TRUE(torch::allclose(g, expected)) << g;
  in.num_groups = 0;
  EXPECT_THROW(group_logits(op_logits, in), c10::Error);
}

TEST(GdpGroupActions, DecisionsPerGroupExpandToEveryOpOfTheGroup) {
  auto graph = testing_graphs::two_branches(4, "paired", true);
  ASSERT_EQ(graph.num_groups(), 2 + 4);  // in, out, and two pairs per chain
  std::vector<int64_t> decisions(graph.num_groups());
  for (int g = 0; g < graph.num_groups(); ++g) decisions[g] = g % 2;
  auto placement = placement_from_decisions(torch::tensor(decisions, torch::kInt64), graph, true);
  ASSERT_EQ(placement.size(), static_cast<size_t>(graph.num_ops()));
  for (int v = 0; v < graph.num_ops(); ++v) EXPECT_EQ(placement[v], graph.group(v) % 2);
  // Per-op decisions are made co-located afterwards.
  std::vector<int64_t> per_op(graph.num_ops());
  for (int v = 0; v < graph.num_ops(); ++v) per_op[v] = v % 2;
  auto enforced = placement_from_decisions(torch::tensor(per_op, torch::kInt64), graph, false);
  for (int v = 0; v < graph.num_ops(); ++v)
    for (int u : graph.groups()[graph.group(v)]) EXPECT_EQ(enforced[u], enforced[v]);
}

TEST(GdpGroupActions, GroupPolicyLearnsAndImitatesOnACoLocatedGraph) {
  auto graph = testing_graphs::two_branches(8, "paired", true);
  Cluster cluster = cluster_preset("p100x2");
  std::vector<PlacementTask> tasks = {{"paired", &graph, &cluster}};
  GdpTrainer t(small_policy(), tasks, quick(15));
  t.train();
  Json rows = t.log().to_json();
  EXPECT_LT(rows[14]["mean_score_ratio"].get<double>(), rows[0]["mean_score_ratio"].get<double>() - 0.05);
  EXPECT_LT(t.best()[0].score / t.best()[0].reference, 0.7);
  // Imitation targets one device per group.
  std::vector<int> teacher(graph.num_ops());
  for (int v = 0; v < graph.num_ops(); ++v) teacher[v] = graph.group(v) % 2;
  GdpTrainer im(small_policy(), tasks, quick(0));
  EXPECT_LT(im.imitate({teacher}, 150), 0.1);
  torch::NoGradGuard guard;
  im.policy()->eval();
  auto in = op_graph_tensors(graph, cluster_context(graph, cluster));
  auto greedy = group_logits(im.policy()->forward(in, 2), in).argmax(1);
  for (int g = 0; g < graph.num_groups(); ++g) EXPECT_EQ(greedy[g].item<int64_t>(), g % 2) << "group " << g;
}

TEST_F(GdpTrainerTest, CheckpointOfTheOtherDecisionUnitIsRefused) {
  auto dir = testing::scratch_dir();
  auto o = quick(1);
  o.checkpoint = dir + "/ck.pt";
  o.group_actions = false;
  GdpTrainer(small_policy(), tasks(), o).train();
  Json meta;
  load_gdp_model(o.checkpoint, &meta);
  EXPECT_FALSE(gdp_group_actions(meta));
  o.resume = true;
  o.iterations = 2;
  o.group_actions = true;
  EXPECT_THROW(GdpTrainer(small_policy(), tasks(), o), InputError);
  EXPECT_FALSE(gdp_group_actions(Json::object()));  // older files: per op
}

TEST_F(GdpTrainerTest, SameSeedSameResult) {
  GdpTrainer a(small_policy(), tasks(), quick(3));
  GdpTrainer b(small_policy(), tasks(), quick(3));
  a.train();
  b.train();
  EXPECT_EQ(a.best()[0].placement, b.best()[0].placement);
  EXPECT_TRUE(same_parameters(a.policy(), b.policy()));
}

TEST_F(GdpTrainerTest, ResumeAfterInterruptionEqualsAStraightRun) {
  auto dir = testing::scratch_dir();
  auto straight_opts = quick(6);
  GdpTrainer straight(small_policy(), tasks(), straight_opts);
  straight.train();

  auto o = quick(3);
  o.checkpoint = dir + "/ck.pt";
  o.checkpoint_every = 1;
  {
    GdpTrainer first(small_policy(), tasks(), o);
    first.train();  // "killed" after 3 iterations: only the checkpoint survives
  }
  o.iterations = 6;
  o.resume = true;
  GdpTrainer resumed(small_policy(99), tasks(), o);
  EXPECT_EQ(resumed.iteration(), 3);
  resumed.train();
  EXPECT_EQ(resumed.iteration(), 6);
  EXPECT_EQ(resumed.log().size(), 6u);
  EXPECT_EQ(resumed.evaluations(), straight.evaluations());
  EXPECT_TRUE(same_parameters(resumed.policy(), straight.policy()));
  EXPECT_EQ(resumed.best()[0].placement, straight.best()[0].placement);
  // The improvements before the interruption come back from the checkpoint.
  ASSERT_FALSE(straight.best()[0].trace.empty());
  expect_same_trace(resumed.best()[0].trace, straight.best()[0].trace);
  const auto& trace = straight.best()[0].trace;
  EXPECT_EQ(trace.back().evaluations, straight.best()[0].evaluations_to_best);
  EXPECT_DOUBLE_EQ(trace.back().score, straight.best()[0].score);
  for (size_t i = 1; i < trace.size(); ++i) {
    EXPECT_GT(trace[i].evaluations, trace[i - 1].evaluations);
    EXPECT_LT(trace[i].score, trace[i - 1].score);
  }
}

GdpTrainOptions with_adapter(int iterations) {
  auto o = quick(iterations);
  o.adapter_lr = 0.3;
  o.freeze_network = true;
  return o;
}

TEST_F(GdpTrainerTest, AdapterLearnsOnAFrozenNetwork) {
  GdpTrainer t(small_policy(), tasks(), with_adapter(20));
  t.train();
  Json rows = t.log().to_json();
  EXPECT_LT(rows[19]["mean_score_ratio"].get<double>(), rows[0]["mean_score_ratio"].get<double>() - 0.05)
      << "mean sampled step time did not fall";
  EXPECT_LT(t.best()[0].score / t.best()[0].reference, 0.7);  // the branches split
  auto untouched = small_policy();
  EXPECT_TRUE(same_parameters(t.policy(), untouched)) << "the frozen network changed";
  // Trained together, the network changes too.
  auto o = with_adapter(3);
  o.freeze_network = false;
  GdpTrainer both(small_policy(), tasks(), o);
  both.train();
  EXPECT_FALSE(same_parameters(both.policy(), untouched));
}

TEST_F(GdpTrainerTest, ResumeWithAnAdapterEqualsAStraightRun) {
  auto dir = testing::scratch_dir();
  GdpTrainer straight(small_policy(), tasks(), with_adapter(6));
  straight.train();
  auto o = with_adapter(3);
  o.checkpoint = dir + "/ck.pt";
  o.checkpoint_every = 1;
  GdpTrainer(small_policy(), tasks(), o).train();
  o.iterations = 6;
  o.resume = true;
  GdpTrainer resumed(small_policy(99), tasks(), o);  // the network comes from the checkpoint
  resumed.train();
  EXPECT_EQ(resumed.evaluations(), straight.evaluations());
  EXPECT_EQ(resumed.best()[0].placement, straight.best()[0].placement);
  expect_same_trace(resumed.best()[0].trace, straight.best()[0].trace);
  Json a = straight.log().to_json(), b = resumed.log().to_json();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_DOUBLE_EQ(a[i]["reward"].get<double>(), b[i]["reward"].get<double>());
}

TEST_F(GdpTrainerTest, AdapterSettingsAreCheckedAndMustMatchTheCheckpoint) {
  auto bad = quick(1);
  bad.adapter_lr = -0.1;
  EXPECT_THROW(GdpTrainer(small_policy(), tasks(), bad), UsageError);
  bad.adapter_lr = 0;
  bad.freeze_network = true;  // nothing left to learn
  EXPECT_THROW(GdpTrainer(small_policy(), tasks(), bad), UsageError);
  auto dir = testing::scratch_dir();
  auto o = with_adapter(1);
  o.checkpoint = dir + "/ck.pt";
  GdpTrainer(small_policy(), tasks(), o).train();
  auto plain = quick(2);  // the same checkpoint, resumed without the table
  plain.checkpoint = o.checkpoint;
  plain.resume = true;
  try {
    GdpTrainer t(small_policy(), tasks(), plain);
    FAIL() << "a checkpoint with an adapter resumed without one";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("adapter_lr"), std::string::npos) << e.what();
  }
}

TEST_F(GdpTrainerTest, TruncatedCheckpointIsAClearError) {
  auto dir = testing::scratch_dir();
  auto o = quick(1);
  o.checkpoint = dir + "/ck.pt";
  GdpTrainer t(small_policy(), tasks(), o);
  t.train();
  std::string bytes = read_file(o.checkpoint);
  {
    std::ofstream out(o.checkpoint, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  o.resume = true;
  o.iterations = 2;
  try {
    GdpTrainer r(small_policy(), tasks(), o);
    FAIL() << "a truncated checkpoint was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ck.pt"), std::string::npos);
  }
}

TEST_F(GdpTrainerTest, CheckpointOfOtherTasksIsRefused) {
  auto dir = testing::scratch_dir();
  auto o = quick(1);
  o.checkpoint = dir + "/ck.pt";
  GdpTrainer(small_policy(), tasks(), o).train();
  auto other = testing_graphs::two_branches(3, "other");
  o.resume = true;
  o.iterations = 2;
  EXPECT_THROW(GdpTrainer(small_policy(), {{"other", &other, &cluster}}, o), InputError);
}

TEST_F(GdpTrainerTest, ModelsOfAnotherKindFeatureSetOrVersionAreRefused) {
  auto dir = testing::scratch_dir();
  auto policy = small_policy();
  Json meta = gdp_model_meta(policy->options(), 1000);
  // Another kind.
  Json other_kind = meta;
  other_kind["kind"] = "rl2017";
  learn::save_checkpoint(dir + "/kind.pt", *policy, other_kind);
  EXPECT_THROW(load_gdp_model(dir + "/kind.pt"), InputError);
  // Another feature set.
  Json other_features = meta;
  other_features["features"] = "devplace-v0";
  learn::save_checkpoint(dir + "/features.pt", *policy, other_features);
  try {
    load_gdp_model(dir + "/features.pt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("devplace-v0"), std::string::npos);
  }
  // Another version: rewrite the metadata block of a valid file.
  {
    Json v = meta;
    v["format"] = "tessera-model";
    v["version"] = 99;
    torch::serialize::OutputArchive archive, params;
    policy->save(params);
    archive.write("tessera_module", params);
    archive.write("tessera_meta", c10::IValue(v.dump()));
    archive.save_to(dir + "/version.pt");
  }
  EXPECT_THROW(load_gdp_model(dir + "/version.pt"), InputError);
  // A network configuration that does not match its parameters.
  Json bad_config = meta;
  bad_config["config"]["hidden"] = 48;
  learn::save_checkpoint(dir + "/config.pt", *policy, bad_config);
  EXPECT_THROW(load_gdp_model(dir + "/config.pt"), InputError);
  // The valid file loads and gives the same output.
  learn::save_checkpoint(dir + "/ok.pt", *policy, meta);
  auto loaded = load_gdp_model(dir + "/ok.pt");
  auto in = op_graph_tensors(graph, cluster_context(graph, cluster));
  policy->eval();
  loaded->eval();
  EXPECT_TRUE(torch::allclose(policy->forward(in, 2), loaded->forward(in, 2)));
}

TEST(GdpHint, BestClassicalPlacementIsTheBestNamedPlacerRenumbered) {
  DeviceGraph g = testing_graphs::two_branches(8);
  Cluster c = cluster_preset("p100x4");
  const std::vector<std::string> methods = {"single", "metis", "m-etf"};
  ReferencePlacement ref = best_classical_placement(g, c, methods);
  ASSERT_EQ(static_cast<int>(ref.placement.size()), g.num_ops());
  EXPECT_NE(std::find(methods.begin(), methods.end(), ref.method), methods.end());
  // One per distinct placement of the placers, and one for the renumbered placement unless the best one's
  // numbering was canonical already.
  {
    PlacerRegistry registry;
    add_classical_placers(registry);
    PlaceOptions po;
    po.progress = false;
    std::set<std::vector<int>> distinct;
    std::vector<int> best_raw;
    for (const auto& m : methods) {
      auto p = run_placer(*registry.create(m), g, c, po).device;
      if (m == ref.method) best_raw = p;
      distinct.insert(p);
    }
    std::vector<int> map(c.num_devices(), -1), canonical(best_raw.size());
    int next = 0;
    for (int op : g.topological_order())
      if (map[best_raw[op]] < 0) map[best_raw[op]] = next++;
    for (size_t v = 0; v < canonical.size(); ++v) canonical[v] = map[best_raw[v]];
    EXPECT_EQ(ref.evaluations, static_cast<int64_t>(distinct.size()) + (canonical == best_raw ? 0 : 1));
  }
  // A placement found twice is simulated once; one on device 0 only is canonical already.
  EXPECT_EQ(best_classical_placement(g, c, {"single"}).evaluations, 1);
  EXPECT_EQ(best_classical_placement(g, c, {"single", "single"}).evaluations, 1);
  EXPECT_EQ(best_classical_placement(g, c, {"metis", "metis"}).evaluations,
            best_classical_placement(g, c, {"metis"}).evaluations);
  {  // metis-sweep's own simulations count: the ones it chose by, one more for the hint, and the renumbering
    PlacerRegistry registry;
    add_classical_placers(registry);
    PlaceOptions po;
    po.progress = false;
    const auto swept = run_placer(*registry.create("metis-sweep"), g, c, po).info["evaluations"].get<int64_t>();
    EXPECT_GE(swept, 1);
    const int64_t hint = best_classical_placement(g, c, {"metis-sweep"}).evaluations;
    EXPECT_GE(hint, swept + 1);
    EXPECT_LE(hint, swept + 2);
  }
  SimOptions so;
  so.critical_path = false;
  EXPECT_NEAR(simulate(g, c, ref.placement, so).score, ref.score, 1e-12);
  for (const auto& m : methods) {  // no named placer does better
    PlacerRegistry registry;
    add_classical_placers(registry);
    PlaceOptions po;
    po.progress = false;
    auto placer = registry.create(m);
    EXPECT_GE(simulate(g, c, run_placer(*placer, g, c, po).device, so).score, ref.score * (1 - 1e-12)) << m;
  }
  // Devices are numbered by first use in topological order.
  int next = 0;
  for (int v : g.topological_order()) {
    ASSERT_LE(ref.placement[v], next);
    if (ref.placement[v] == next) ++next;
  }
  // "expert" cannot place a graph without an expert split and is skipped; unknown names are refused.
  EXPECT_EQ(best_classical_placement(g, c, {"expert", "single"}).method, "single");
  EXPECT_THROW(best_classical_placement(g, c, {"expert"}), UsageError);
  EXPECT_THROW(best_classical_placement(g, c, {"no-such-placer"}), UsageError);
}

TEST(GdpHint, AHintPolicyLearnsToCopyTheHintOfAnUnseenGraph) {
  // Trained on one graph (teacher = its hint, devices renamed at random each step), the policy copies the
  // hint of another graph, which here puts the two branches on the two devices the other way round.
  DeviceGraph train = testing_graphs::two_branches(10, "train");
  DeviceGraph unseen = testing_graphs::two_branches(7, "unseen", true);
  Cluster c = cluster_preset("p100x4");
  const std::vector<std::string> methods = {"single", "metis", "m-etf"};
  torch::manual_seed(3);
  nn::GdpPolicy policy(nn::GdpPolicyOptions().hidden(32).ffn(64).segment(8).max_devices(4).hint(true));
  GdpTrainOptions o = quick(0);
  EXPECT_THROW(GdpTrainer(policy, {{"train", &train, &c}}, o), UsageError);  // no hint placers
  o.hint_methods = methods;
  GdpTrainer t(policy, {{"train", &train, &c}}, o);
  EXPECT_FALSE(t.hint_method(0).empty());
  ReferencePlacement teacher = best_classical_placement(train, c, methods, 1, kHintMemoryRepair);
  EXPECT_LT(t.imitate({teacher.placement}, 150), 0.05);

  ReferencePlacement hint;
  nn::OpGraphTensors in = gdp_input(unseen, c, methods, &hint);
  ASSERT_TRUE(in.hint.defined());
  std::vector<int> swapped = hint.placement;  // a hint the training never showed: devices renamed
  for (int& d : swapped) d = 3 - d;
  in.hint = torch::tensor(std::vector<int64_t>(swapped.begin(), swapped.end()), torch::kInt64);
  torch::NoGradGuard guard;
  t.policy()->eval();
  auto greedy = t.policy()->forward(in, 4).argmax(1);
  int agree = 0;
  for (int v = 0; v < unseen.num_ops(); ++v) agree += greedy[v].item<int64_t>() == swapped[v] ? 1 : 0;
  EXPECT_EQ(agree, unseen.num_ops());

  // The model records its hint placers; a hint model without them is refused.
  auto dir = testing::scratch_dir();
  t.save(dir + "/hint.pt");
  Json meta;
  auto loaded = load_gdp_model(dir + "/hint.pt", &meta);
  EXPECT_TRUE(loaded->options().hint());
  EXPECT_EQ(gdp_hint_methods(meta), methods);
  Json no_methods = meta;
  no_methods.erase("hint_methods");
  learn::save_checkpoint(dir + "/no_methods.pt", *t.policy(), no_methods);
  EXPECT_THROW(load_gdp_model(dir + "/no_methods.pt"), InputError);
  Json unknown = meta;
  unknown["hint_methods"] = {"single", "placer-of-a-later-version"};
  learn::save_checkpoint(dir + "/unknown.pt", *t.policy(), unknown);
  try {
    load_gdp_model(dir + "/unknown.pt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("placer-of-a-later-version"), std::string::npos);
  }
}

TEST_F(GdpTrainerTest, GraphsAndClustersBeyondTheModelLimitsAreRefused) {
  auto policy = small_policy();
  Json meta = gdp_model_meta(policy->options(), 10);
  EXPECT_THROW(check_gdp_limits(meta, "m.pt", graph, cluster), UsageError);  // 18 ops > 10
  Json ok = gdp_model_meta(policy->options(), 1000);
  EXPECT_NO_THROW(check_gdp_limits(ok, "m.pt", graph, cluster));
  Cluster eight = cluster_preset("p100x8");
  EXPECT_THROW(check_gdp_limits(ok, "m.pt", graph, eight), UsageError);  // max_devices 4
  EXPECT_THROW(GdpTrainer(small_policy(), {{"g", &graph, &eight}}, quick(1)), UsageError);
  EXPECT_THROW(GdpTrainer(small_policy(), tasks(), quick(1), 10), UsageError);
}

TEST_F(GdpTrainerTest, BatchTrainingOverSeveralGraphsAndDeviceCounts) {
  auto small = testing_graphs::two_branches(4, "small");
  Cluster four = cluster_preset("p100x4");
  GdpTrainer t(small_policy(), {{"a", &graph, &cluster}, {"b", &small, &four}}, quick(2));
  t.train();
  ASSERT_EQ(t.best().size(), 2u);
  for (int d : t.best()[1].placement) EXPECT_LT(d, 4);
  EXPECT_EQ(t.evaluations(), 2 * 2 * 8);
}

}  // namespace
}  // namespace tessera::devices
