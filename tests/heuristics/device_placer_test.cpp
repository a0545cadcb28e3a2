#include "tessera/heuristics/device_placer.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/heuristics/classical_device_placers.h"
#include "tessera/io/device_model_reader.h"
#include "tessera/io/placement_file.h"
#include "../testing.h"

namespace tessera::devices {
namespace {

// Two independent chains of 10 heavy ops each: any sensible 2-device placer splits them.
DeviceGraph two_chains() {
  DeviceGraph g("chains");
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 10; ++i) {
      Op o;
      o.name = "c" + std::to_string(c) + "_" + std::to_string(i);
      o.flops = 1e11;
      o.output_bytes = 1e3;
      int v = g.add_op(o);
      if (i > 0) g.add_edge(v - 1, v, 1e3);
    }
  g.finalize();
  return g;
}

// A chain of 8 ops with 6 GB of weights each: on 4 x 16 GB at most 2 fit per device.
DeviceGraph heavy_chain() {
  DeviceGraph g("heavy");
  for (int i = 0; i < 8; ++i) {
    Op o;
    o.name = "w" + std::to_string(i);
    o.flops = 1e9;
    o.param_bytes = 6e9;
    o.output_bytes = 1e6;
    int v = g.add_op(o);
    if (i > 0) g.add_edge(v - 1, v, 1e6);
  }
  g.finalize();
  return g;
}

PlacerRegistry registry() {
  PlacerRegistry r;
  add_classical_placers(r);
  return r;
}

TEST(DevicePlacer, RegistryListsAndRejects) {
  PlacerRegistry r = registry();
  EXPECT_TRUE(r.has("m-etf"));
  EXPECT_FALSE(r.has("nope"));
  EXPECT_THROW(r.create("nope"), UsageError);
  EXPECT_THROW(r.add("single", "", make_single_placer), UsageError);
  EXPECT_EQ(r.names().front(), "single");
}

TEST(DevicePlacer, ParallelChainsGetSplitByScheduling) {
  DeviceGraph g = two_chains();
  Cluster c = cluster_preset("p100x2");
  PlacerRegistry r = registry();
  PlaceOptions o;
  o.progress = false;
  o.extra = {{"iterations", 300}};
  const double single = simulate(g, c, run_placer(*r.create("single"), g, c, o).device).step_time;
  for (const char* m : {"m-etf", "m-sct", "heft", "metis", "anneal"}) {
    Placement p = run_placer(*r.create(m), g, c, o);
    SimResult s = simulate(g, c, p.device);
    EXPECT_LT(s.step_time, 0.6 * single) << m;
    EXPECT_TRUE(s.feasible) << m;
  }
}

TEST(DevicePlacer, MemoryAwarePlacersAvoidOverflow) {
  // 8 ops with 6 GB of weights each in a chain on 4 x 16 GB: at most 2 per device.
  DeviceGraph g = heavy_chain();
  Cluster c = cluster_preset("p100x4");
  PlacerRegistry r = registry();
  PlaceOptions o;
  o.progress = false;
  EXPECT_FALSE(simulate(g, c, run_placer(*r.create("single"), g, c, o).device).feasible);
  for (const char* m : {"m-topo", "m-etf", "m-sct", "heft", "rule-expert", "metis"}) {
    SimResult s = simulate(g, c, run_placer(*r.create(m), g, c, o).device);
    EXPECT_TRUE(s.feasible) << m;
  }
}

TEST(DevicePlacer, MemoryRepairSpillsOverfullDevicesAlongTheEdges) {
  // The same 8 x 6 GB chain, all on one device: out of memory. The repair moves groups off the full
  // device; the communication gain keeps each device's ops a contiguous run of the chain.
  DeviceGraph g = heavy_chain();
  Cluster c = cluster_preset("p100x4");
  DeviceSimulator sim(g, c);
  std::vector<int> placement(8, 0);
  SimResult r = sim.run(placement);
  ASSERT_FALSE(r.feasible);
  const double start_score = r.score;
  const int evaluations = repair_out_of_memory(sim, g, c, placement, r, 3);
  EXPECT_GE(evaluations, 1);
  EXPECT_TRUE(r.feasible);
  EXPECT_LT(r.score, start_score);
  EXPECT_NEAR(simulate(g, c, placement).score, r.score, 1e-12);
  int switches = 0;
  for (int i = 1; i < 8; ++i) switches += placement[i] != placement[i - 1] ? 1 : 0;
  EXPECT_EQ(switches, 3);  // four runs of two 6 GB ops, one per device
  // A placement within capacity is left alone; an op larger than any device cannot move anywhere.
  std::vector<int> fine = placement;
  EXPECT_FALSE(spill_overfull_devices(g, c, sim.run(fine).peak_memory, fine));
  EXPECT_EQ(fine, placement);
  DeviceGraph huge("huge");
  Op big;
  big.name = "big";
  big.param_bytes = 20e9;
  huge.add_op(big);
  huge.finalize();
  DeviceSimulator huge_sim(huge, c);
  std::vector<int> one(1, 0);
  SimResult hr = huge_sim.run(one);
  EXPECT_EQ(repair_out_of_memory(huge_sim, huge, c, one, hr, 3), 0);
  EXPECT_FALSE(hr.feasible);
  EXPECT_THROW(spill_overfull_devices(g, c, std::vector<double>(2, 0.0), fine), Error);

  // The annealer also tries an out-of-memory start after repair (extra.memory_repair, default 3 rounds).
  auto anneal = make_anneal_placer();
  PlaceOptions o;
  o.progress = false;
  o.extra = {{"starts", {"single"}}, {"iterations", 0}};
  Placement a = run_placer(*anneal, g, c, o);
  EXPECT_EQ(a.info["start"], "single+repair");
  EXPECT_TRUE(simulate(g, c, a.device).feasible);
  EXPECT_GT(a.info["start_scores"]["single"].get<double>(), a.info["start_scores"]["single+repair"].get<double>());
  EXPECT_EQ(a.info["evaluations"].get<int64_t>(), 1 + evaluations);
  o.extra["memory_repair"] = 0;
  Placement b = run_placer(*anneal, g, c, o);
  EXPECT_EQ(b.info["start"], "single");
  EXPECT_FALSE(b.info["start_scores"].contains("single+repair"));
  o.extra["memory_repair"] = -1;
  EXPECT_THROW(run_placer(*anneal, g, c, o), UsageError);
}

TEST(DevicePlacer, GraphLargerThanTotalMemoryIsAnInputError) {
  DeviceGraph g("huge");
  Op o;
  o.name = "w";
  o.param_bytes = 40e9;
  g.add_op(o);
  g.finalize();
  EXPECT_THROW(check_total_memory(g, cluster_preset("p100x2"), "huge.onnx"), InputError);
  EXPECT_NO_THROW(check_total_memory(g, cluster_preset("p100x4"), "huge.onnx"));
}

TEST(DevicePlacer, DeterministicForEqualSeeds) {
  DeviceGraph g = two_chains();
  Cluster c = cluster_preset("p100x4");
  PlacerRegistry r = registry();
  PlaceOptions o;
  o.progress = false;
  o.extra = {{"iterations", 200}};
  EXPECT_EQ(run_placer(*r.create("anneal"), g, c, o).device, run_placer(*r.create("anneal"), g, c, o).device);
  EXPECT_EQ(run_placer(*r.create("metis"), g, c, o).device, run_placer(*r.create("metis"), g, c, o).device);
}

TEST(DevicePlacer, AnnealFromAGivenPlacementWithBlockMoves) {
  DeviceGraph g = two_chains();
  Cluster c = cluster_preset("p100x2");
  const std::vector<int> single(g.num_ops(), 0);
  const double single_time = simulate(g, c, single).step_time;
  for (double block : {0.0, 1.0}) {  // single-group moves and swaps only / block moves only
    AnnealOptions o;
    o.iterations = 400;
    o.block_moves = block;
    o.max_block = 12;
    AnnealResult r = anneal_placement(g, c, SimOptions(), single, o);
    EXPECT_EQ(r.iterations, 400) << block;
    EXPECT_NEAR(r.start_score, single_time, 1e-12) << block;
    // The result is the best placement seen, its score is what the simulator says, and the two
    // independent chains end up split over the two devices.
    EXPECT_NEAR(simulate(g, c, r.placement).score, r.score, 1e-12) << block;
    EXPECT_LT(r.score, 0.6 * single_time) << block;
    EXPECT_GT(r.improvements, 0) << block;
    EXPECT_LE(r.iterations_to_best, r.iterations) << block;
    EXPECT_EQ(anneal_placement(g, c, SimOptions(), single, o).placement, r.placement) << block;
  }
  // Never worse than the start, even when the start is already the best placement.
  AnnealOptions o;
  o.iterations = 50;
  o.block_moves = 0.5;
  AnnealResult first = anneal_placement(g, c, SimOptions(), single, o);
  AnnealResult again = anneal_placement(g, c, SimOptions(), first.placement, o);
  EXPECT_LE(again.score, first.score);
  EXPECT_THROW(anneal_placement(g, c, SimOptions(), std::vector<int>(3, 0), o), Error);
}

TEST(DevicePlacer, AnnealOptionsAndStartFileAreChecked) {
  EXPECT_THROW(AnnealOptions::from_extra({{"block_moves", 1.5}}, 0, 1, false), UsageError);
  EXPECT_THROW(AnnealOptions::from_extra({{"max_block", 1}}, 0, 1, false), UsageError);
  EXPECT_THROW(AnnealOptions::from_extra({{"iterations", -1}}, 0, 1, false), UsageError);
  EXPECT_THROW(AnnealOptions::from_extra({{"t0", 0}}, 0, 1, false), UsageError);
  AnnealOptions a = AnnealOptions::from_extra({{"block_moves", 0.25}, {"max_block", 8}}, 5, 7, false);
  EXPECT_EQ(a.block_moves, 0.25);
  EXPECT_EQ(a.max_block, 8);
  EXPECT_EQ(a.time_budget, 5);
  EXPECT_EQ(a.seed, 7u);
  // A time budget without an iteration count is not cut at the default 3,000 moves.
  EXPECT_GT(AnnealOptions::from_extra(Json::object(), 5, 1, false).iterations, int64_t{1} << 40);
  EXPECT_EQ(AnnealOptions::from_extra(Json::object(), 0, 1, false).iterations, 3000);
  EXPECT_EQ(AnnealOptions::from_extra({{"iterations", 10}}, 5, 1, false).iterations, 10);

  DeviceGraph g = two_chains();
  Cluster c = cluster_preset("p100x2");
  PlacerRegistry r = registry();
  PlaceOptions o;
  o.progress = false;
  o.extra = {{"iterations", 0}, {"starts", {"single"}}, {"start_file", 3}};
  EXPECT_THROW(run_placer(*r.create("anneal"), g, c, o), UsageError);
  o.extra["start_file"] = testing::scratch_dir() + "/missing_placement.json";
  EXPECT_THROW(run_placer(*r.create("anneal"), g, c, o), Error);
  // A start file that is better than the listed starts is where the search begins.
  std::vector<int> split(g.num_ops(), 0);
  for (int v = 10; v < 20; ++v) split[v] = 1;
  const std::string file = testing::scratch_dir() + "/split_placement.json";
  write_placement_file(file, g, c, split);
  o.extra["start_file"] = file;
  Placement p = run_placer(*r.create("anneal"), g, c, o);
  EXPECT_EQ(p.info["start"], "file");
  EXPECT_EQ(p.device, split);
}

TEST(DevicePlacer, TrainingGraphsKeepColocationGroupsTogether) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  ModelOptions mo;
  mo.training = true;
  DeviceGraph g = read_device_model(testing::shared_data("devplace/onnx/vgg16.onnx"), mo);
  Cluster c = cluster_preset("p100x4");
  PlacerRegistry r = registry();
  PlaceOptions o;
  o.progress = false;
  for (const char* m : {"single", "rule-expert", "metis", "m-topo", "m-etf", "m-sct", "heft"}) {
    Placement p = run_placer(*r.create(m), g, c, o);
    for (const auto& members : g.groups())
      for (int v : members) ASSERT_EQ(p.device[v], p.device[members.front()]) << m;
    SimOptions so;
    so.check_bounds = true;  // sanity bounds on a real training graph
    SimResult s = simulate(g, c, p.device, so);
    EXPECT_GT(s.step_time, 0) << m;
  }
  EXPECT_THROW(run_placer(*r.create("expert"), g, c, o), UsageError);  // no human split for ONNX
}

TEST(DevicePlacer, ExpertSplitMapsStagesOntoDevices) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  DeviceGraph g = read_device_model(
      testing::shared_data("devplace/msr_dnn_partitioning/throughput-inputs/LayerGraphs/gnmt_training.json"));
  PlacerRegistry r = registry();
  PlaceOptions o;
  Cluster c = cluster_preset("p100x2");
  Placement p = run_placer(*r.create("expert"), g, c, o);
  int on1 = 0;
  for (int d : p.device) on1 += d == 1;
  EXPECT_GT(on1, 0);
  EXPECT_LT(on1, g.num_ops());
}

}  // namespace
}  // namespace tessera::devices
