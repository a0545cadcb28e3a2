#include "tessera/heuristics/device_placer.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/heuristics/classical_device_placers.h"
#include "tessera/io/device_model_reader.h"
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
