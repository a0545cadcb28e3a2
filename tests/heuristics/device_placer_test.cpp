#include "tessera/heuristics/device_placer.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <utility>
#include <vector>

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
  for (const char* m : {"m-etf", "m-sct", "heft", "metis", "metis-sweep", "anneal"}) {
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
  for (const char* m : {"m-topo", "m-etf", "m-sct", "heft", "rule-expert", "metis", "metis-sweep"}) {
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

// The repair as first written: every step scans every group of the overfull device against every device.
// spill_overfull_devices keeps a heap of moves instead and must choose exactly the same moves.
std::vector<int> reference_spill(const DeviceGraph& g, const Cluster& c, const std::vector<double>& peak,
                                 std::vector<int> placement) {
  const int D = c.num_devices(), G = g.num_groups();
  std::vector<int> device(G);
  std::vector<double> mem(G, 0.0);
  for (int gi = 0; gi < G; ++gi) {
    device[gi] = placement[g.groups()[gi].front()];
    for (int v : g.groups()[gi]) mem[gi] += placer_memory_need(g.op(v));
  }
  std::vector<std::vector<std::pair<int, double>>> adj(G);
  for (const Edge& e : g.edges()) {
    const int a = g.group(e.src), b = g.group(e.dst);
    if (a == b || e.bytes <= 0) continue;
    adj[a].emplace_back(b, e.bytes);
    adj[b].emplace_back(a, e.bytes);
  }
  std::vector<double> conn(static_cast<size_t>(G) * D, 0.0);
  for (int a = 0; a < G; ++a)
    for (auto [b, bytes] : adj[a]) conn[static_cast<size_t>(a) * D + device[b]] += bytes;
  std::vector<double> load(peak), limit(D);
  for (int d = 0; d < D; ++d) limit[d] = 0.97 * c.device(d).memory;
  std::vector<char> stuck(D, 0);
  while (true) {
    int d = -1;
    double worst = 0;
    for (int e = 0; e < D; ++e) {
      const double over = (load[e] - limit[e]) / c.device(e).memory;
      if (!stuck[e] && over > worst) worst = over, d = e;
    }
    if (d < 0) break;
    int pick = -1, target = -1;
    double best_key = -std::numeric_limits<double>::infinity();
    for (int gi = 0; gi < G; ++gi) {
      if (device[gi] != d || mem[gi] <= 0) continue;
      for (int e = 0; e < D; ++e) {
        if (e == d || load[e] + mem[gi] > limit[e]) continue;
        const double key = (conn[static_cast<size_t>(gi) * D + e] - conn[static_cast<size_t>(gi) * D + d]) / mem[gi];
        if (key > best_key) best_key = key, pick = gi, target = e;
      }
    }
    if (pick < 0) {
      stuck[d] = 1;
      continue;
    }
    device[pick] = target;
    load[d] -= mem[pick];
    load[target] += mem[pick];
    for (auto [b, bytes] : adj[pick]) {
      conn[static_cast<size_t>(b) * D + d] -= bytes;
      conn[static_cast<size_t>(b) * D + target] += bytes;
    }
  }
  for (int gi = 0; gi < G; ++gi)
    for (int v : g.groups()[gi]) placement[v] = device[gi];
  return placement;
}

TEST(DevicePlacer, MemoryRepairChoosesTheSameMovesAsAFullScan) {
  // Random graphs with co-location groups, repeated sizes (ties) and one to three overfull devices.
  const Cluster c = cluster_preset("p100x4");
  std::mt19937 rng(7);
  int cases_with_moves = 0, cases_with_two_overfull = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 40 + static_cast<int>(rng() % 160);
    DeviceGraph g("random");
    for (int i = 0; i < n; ++i) {
      Op o;
      o.name = "op" + std::to_string(i);
      o.param_bytes = (rng() % 4 == 0) ? 0.0 : 0.25e9 * static_cast<double>(1 + rng() % 4);
      o.output_bytes = 1e6;
      o.colocation = (rng() % 3 == 0) ? static_cast<int>(rng() % 8) : -1;
      g.add_op(o);
      if (i > 0) g.add_edge(static_cast<int>(rng() % i), i, 1e6 * static_cast<double>(1 + rng() % 3));
      if (i > 1 && rng() % 2) g.add_edge(static_cast<int>(rng() % i), i, 2e6);
    }
    g.finalize();
    std::vector<int> group_device(g.num_groups());
    const int spread = 1 + static_cast<int>(rng() % 3);  // groups on devices 0 .. spread-1 only
    for (int& d : group_device) d = static_cast<int>(rng() % spread);
    const std::vector<int> start = g.expand_group_placement(group_device);
    std::vector<double> peak(4, 0.0);
    for (int v = 0; v < n; ++v) peak[start[v]] += placer_memory_need(g.op(v));
    for (double& p : peak) p *= 1.0 + 0.2 * static_cast<double>(rng() % 3);
    int overfull = 0;
    for (int d = 0; d < 4; ++d) overfull += peak[d] > 0.97 * c.device(d).memory ? 1 : 0;
    std::vector<int> placement = start;
    const bool any = spill_overfull_devices(g, c, peak, placement);
    const std::vector<int> expected = reference_spill(g, c, peak, start);
    EXPECT_EQ(placement, expected) << "trial " << trial;
    EXPECT_EQ(any, expected != start) << "trial " << trial;
    cases_with_moves += any ? 1 : 0;
    cases_with_two_overfull += overfull >= 2 && any ? 1 : 0;
  }
  EXPECT_GE(cases_with_moves, 30);  // the cases exercise the repair, with several overfull devices
  EXPECT_GE(cases_with_two_overfull, 10);
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

TEST(DevicePlacer, MetisSweepKeepsTheBestPartitionOfItsGrid) {
  // Four chains of unequal length on 4 devices: METIS's balance tolerance decides how it cuts them.
  DeviceGraph g("chains4");
  for (int ch = 0; ch < 4; ++ch)
    for (int i = 0; i < 4 + 3 * ch; ++i) {
      Op o;
      o.name = "c" + std::to_string(ch) + "_" + std::to_string(i);
      o.flops = 1e11 * (1 + (i % 3));
      o.output_bytes = 1e8;
      const int v = g.add_op(o);
      if (i > 0) g.add_edge(v - 1, v, 1e8);
    }
  g.finalize();
  Cluster c = cluster_preset("p100x4");
  PlacerRegistry r = registry();
  PlaceOptions o;
  o.progress = false;
  o.seed = 3;
  const Placement sweep = run_placer(*r.create("metis-sweep"), g, c, o);
  const double best = simulate(g, c, sweep.device).score;
  EXPECT_DOUBLE_EQ(sweep.info["score"].get<double>(), best);
  // Never worse than the metis placer (its setting is the grid's first) nor than any setting of the grid.
  EXPECT_LE(best, simulate(g, c, run_placer(*r.create("metis"), g, c, o).device).score);
  int tried = 0;
  for (double im : kMetisSweepImbalances)
    for (uint64_t seed : {o.seed, o.seed + 1}) {
      PlaceOptions one = o;
      one.seed = seed;
      one.extra = {{"imbalance", im}};
      EXPECT_LE(best, simulate(g, c, run_placer(*r.create("metis"), g, c, one).device).score) << im << " " << seed;
      ++tried;
    }
  // One simulation per distinct partition; equal seeds give equal results.
  const int evaluations = sweep.info["evaluations"].get<int>();
  EXPECT_GE(evaluations, 1);
  EXPECT_LE(evaluations, tried);
  EXPECT_EQ(static_cast<int>(sweep.info["tried"].size()), evaluations);
  EXPECT_EQ(run_placer(*r.create("metis-sweep"), g, c, o).device, sweep.device);
  // A grid of one setting is the metis placer with that setting.
  PlaceOptions narrow = o;
  narrow.extra = {{"imbalances", {0.2}}, {"seeds", 1}};
  PlaceOptions plain = o;
  plain.extra = {{"imbalance", 0.2}};
  EXPECT_EQ(run_placer(*r.create("metis-sweep"), g, c, narrow).device,
            run_placer(*r.create("metis"), g, c, plain).device);
  for (const Json& bad : {Json{{"imbalances", Json::array()}}, Json{{"imbalances", {0.1, 0.0}}},
                          Json{{"imbalances", {-1.0}}}, Json{{"imbalances", 0.1}},
                          Json{{"seeds", 0}}, Json{{"seeds", 1.5}}}) {
    PlaceOptions b = o;
    b.extra = bad;
    EXPECT_THROW(run_placer(*r.create("metis-sweep"), g, c, b), UsageError) << bad.dump();
  }
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
  for (const char* m : {"single", "rule-expert", "metis", "metis-sweep", "m-topo", "m-etf", "m-sct", "heft"}) {
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
