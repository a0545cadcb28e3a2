#include "tessera/cost/device_simulator.h"

#include <gtest/gtest.h>

#include <random>

#include "tessera/core/error.h"

namespace tessera::devices {
namespace {

// Two identical devices (1 GFLOP/s, huge bandwidth, no launch overhead) joined by one link pair of
// 1 GB/s and 1 ms latency: op time = flops / 1e9 s, transfer = 1 ms + bytes / 1e9 s.
// flops1: device 1's speed (a faster or slower second device).
Cluster two_devices(double memory = 1e12, double flops1 = 1e9) {
  std::vector<Device> devs(2);
  for (int d = 0; d < 2; ++d) {
    devs[d].name = "dev" + std::to_string(d);
    devs[d].peak_flops = d == 1 ? flops1 : 1e9;
    devs[d].mem_bandwidth = 1e18;
    devs[d].memory = memory;
  }
  std::vector<Link> links = {{"0->1", 1e9, 1e-3}, {"1->0", 1e9, 1e-3}};
  std::vector<std::vector<std::vector<int>>> routes = {{{}, {0}}, {{1}, {}}};
  Cluster c("two", devs, links, routes);
  c.validate();
  return c;
}

Op op(const std::string& name, double flops, double out = 0, double params = 0) {
  Op o;
  o.name = name;
  o.type = "Test";
  o.flops = flops;
  o.output_bytes = out;
  o.param_bytes = params;
  return o;
}

// Diamond a -> {b, c} -> d; times a=1ms, b=2ms, c=3ms, d=1ms; tensors 1 MB.
DeviceGraph diamond() {
  DeviceGraph g("diamond");
  g.add_op(op("a", 1e6, 1e6));
  g.add_op(op("b", 2e6, 1e6));
  g.add_op(op("c", 3e6, 1e6));
  g.add_op(op("d", 1e6, 1e6));
  g.add_edge(0, 1, 1e6);
  g.add_edge(0, 2, 1e6);
  g.add_edge(1, 3, 1e6);
  g.add_edge(2, 3, 1e6);
  g.finalize();
  return g;
}

TEST(DeviceSimulator, SingleDeviceIsSumOfOpTimes) {
  DeviceGraph g = diamond();
  Cluster c = two_devices();
  SimResult r = simulate(g, c, {0, 0, 0, 0});
  EXPECT_NEAR(r.step_time, 7e-3, 1e-12);
  EXPECT_TRUE(r.feasible);
  EXPECT_EQ(r.num_transfers, 0);
  EXPECT_NEAR(r.busy[0], 7e-3, 1e-12);
  EXPECT_NEAR(r.busy[1], 0, 1e-12);
}

TEST(DeviceSimulator, HandComputedTwoDeviceSchedule) {
  // a, b, d on dev0; c on dev1. a: 0-1 ms. a->c transfer: 1 + (1 + 1) = 3 ms (latency 1 ms + 1 MB at
  // 1 GB/s = 1 ms). b: 1-3 ms. c: 3-6 ms on dev1. c->d transfer: 6-8 ms. d: 8-9 ms.
  DeviceGraph g = diamond();
  Cluster c = two_devices();
  SimOptions o;
  o.record_trace = true;
  SimResult r = simulate(g, c, {0, 0, 1, 0}, o);
  EXPECT_NEAR(r.ops[0].end, 1e-3, 1e-12);
  EXPECT_NEAR(r.ops[1].start, 1e-3, 1e-12);
  EXPECT_NEAR(r.ops[2].start, 3e-3, 1e-12);
  EXPECT_NEAR(r.ops[2].end, 6e-3, 1e-12);
  EXPECT_NEAR(r.ops[3].start, 8e-3, 1e-12);
  EXPECT_NEAR(r.step_time, 9e-3, 1e-12);
  EXPECT_EQ(r.num_transfers, 2);
  EXPECT_NEAR(r.bytes_moved, 2e6, 1e-6);
  EXPECT_NEAR(r.link_bytes[0], 1e6, 1e-6);
  EXPECT_NEAR(r.link_bytes[1], 1e6, 1e-6);
  EXPECT_NEAR(r.critical_path_time, 9e-3, 1e-12);
  ASSERT_EQ(r.critical_path.size(), 3u);
  EXPECT_EQ(r.critical_path[1], 2);
}

TEST(DeviceSimulator, TensorSentOncePerDestinationDevice) {
  // a on dev0 feeds b and c on dev1: one transfer; b, c queue on dev1 (FIFO, topological ties).
  DeviceGraph g("fanout");
  g.add_op(op("a", 1e6, 1e6));
  g.add_op(op("b", 1e6));
  g.add_op(op("c", 1e6));
  g.add_edge(0, 1, 1e6);
  g.add_edge(0, 2, 1e6);
  g.finalize();
  SimResult r = simulate(g, two_devices(), {0, 1, 1});
  EXPECT_EQ(r.num_transfers, 1);
  EXPECT_NEAR(r.step_time, 1e-3 + 2e-3 + 2e-3, 1e-12);
}

TEST(DeviceSimulator, LinkContentionSerializesTransfers) {
  // a and b (dev0, 1 ms each) each send 1 MB to c on dev1: second transfer waits for the link.
  // a: 0-1, b: 1-2; send a: 1-3, send b: max(2, 3) = 3-5; c: 5-6.
  DeviceGraph g("contention");
  g.add_op(op("a", 1e6, 1e6));
  g.add_op(op("b", 1e6, 1e6));
  g.add_op(op("c", 1e6));
  g.add_edge(0, 2, 1e6);
  g.add_edge(1, 2, 1e6);
  g.finalize();
  SimResult r = simulate(g, two_devices(), {0, 0, 1});
  EXPECT_NEAR(r.step_time, 6e-3, 1e-12);
  // The bound ignores contention (device and link): b 0-1, send 1-3, c 3-4.
  EXPECT_NEAR(r.critical_path_time, 4e-3, 1e-12);
}

TEST(DeviceSimulator, MemoryPeakAndInfeasibility) {
  // Chain a -> b -> c on one device, outputs 10, 20, 30 bytes, params 5 on a.
  // a runs: 5 + 10 = 15; b: + 20 = 35, then a's output freed -> 25; c: + 30 = 55, b freed -> 35,
  // c has no consumer -> freed. Peak 55.
  DeviceGraph g("chain");
  g.add_op(op("a", 1e6, 10, 5));
  g.add_op(op("b", 1e6, 20));
  g.add_op(op("c", 1e6, 30));
  g.add_edge(0, 1, 10);
  g.add_edge(1, 2, 20);
  g.finalize();
  SimResult r = simulate(g, two_devices(), {0, 0, 0});
  EXPECT_DOUBLE_EQ(r.peak_memory[0], 55);
  EXPECT_TRUE(r.feasible);
  EXPECT_DOUBLE_EQ(r.score, r.step_time);
  SimResult small = simulate(g, two_devices(50), {0, 0, 0});
  EXPECT_FALSE(small.feasible);
  EXPECT_EQ(small.oom.device, 0);
  EXPECT_DOUBLE_EQ(small.oom.peak, 55);
  EXPECT_EQ(small.oom.op, 2);
  // score = step · (1 + 10 · (55 − 50) / 50) = 2 · step
  EXPECT_NEAR(small.score, small.step_time * 2.0, 1e-15);
}

TEST(DeviceSimulator, ReceivedCopyCountsOnDestination) {
  DeviceGraph g("copy");
  g.add_op(op("a", 1e6, 100));
  g.add_op(op("b", 1e6, 0));
  g.add_edge(0, 1, 100);
  g.finalize();
  SimResult r = simulate(g, two_devices(), {0, 1});
  EXPECT_DOUBLE_EQ(r.peak_memory[0], 100);
  EXPECT_DOUBLE_EQ(r.peak_memory[1], 100);
}

TEST(DeviceSimulator, PriorityPolicyOrdersReadyOps) {
  // Three independent ops on one device: priority picks c, b, a.
  DeviceGraph g("prio");
  g.add_op(op("a", 1e6));
  g.add_op(op("b", 1e6));
  g.add_op(op("c", 1e6));
  g.finalize();
  SimOptions o;
  o.policy = SchedulePolicy::kPriority;
  o.priority = {1, 2, 3};
  o.record_trace = true;
  SimResult r = simulate(g, two_devices(), {0, 0, 0}, o);
  EXPECT_NEAR(r.ops[2].start, 0, 1e-15);
  EXPECT_NEAR(r.ops[1].start, 1e-3, 1e-15);
  EXPECT_NEAR(r.ops[0].start, 2e-3, 1e-15);
  o.priority = {1, 2};
  EXPECT_THROW(simulate(g, two_devices(), {0, 0, 0}, o), UsageError);
}

TEST(DeviceSimulator, RejectsBadPlacements) {
  DeviceGraph g = diamond();
  Cluster c = two_devices();
  DeviceSimulator sim(g, c);
  EXPECT_THROW(sim.run({0, 0, 0}), UsageError);
  EXPECT_THROW(sim.run({0, 0, 2, 0}), UsageError);
  EXPECT_THROW(sim.run({0, -1, 0, 0}), UsageError);
}

// A random DAG of n ops: each op after the first gets `inputs` edges from earlier ops (drawn with replacement).
DeviceGraph random_dag(std::mt19937& rng, int n, int inputs) {
  DeviceGraph g("random");
  for (int v = 0; v < n; ++v) g.add_op(op("v" + std::to_string(v), 1e5 * (1 + rng() % 50), 1e3 * (rng() % 100)));
  for (int v = 1; v < n; ++v)
    for (int k = 0; k < inputs; ++k) {
      int u = rng() % v;
      g.add_edge(u, v, 1e3 * (rng() % 1000), 0);
    }
  g.finalize();
  return g;
}

// Random DAGs: the sanity bounds hold and repeated runs on one object agree with fresh ones.
TEST(DeviceSimulator, RandomGraphsRespectBoundsAndAreDeterministic) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 30 + trial * 5;
    DeviceGraph g = random_dag(rng, n, 2);
    Cluster c = two_devices();
    SimOptions so;
    so.check_bounds = true;  // the debug-build checks, on in this release test too
    DeviceSimulator sim(g, c, so);
    std::vector<int> p(n);
    for (int& d : p) d = rng() % 2;
    const SimResult a = sim.run(p);
    const SimResult b = sim.run(p);
    const SimResult fresh = simulate(g, c, p);
    EXPECT_DOUBLE_EQ(a.step_time, b.step_time);
    EXPECT_DOUBLE_EQ(a.step_time, fresh.step_time);
    EXPECT_DOUBLE_EQ(a.peak_memory[0], fresh.peak_memory[0]);
    EXPECT_GE(a.step_time + 1e-12, a.critical_path_time);
    EXPECT_GE(a.step_time + 1e-12, a.total_work / 2);
    EXPECT_GE(a.step_time + 1e-12, std::max(a.busy[0], a.busy[1]));
    EXPECT_NO_THROW(sim.run(std::vector<int>(n, 1)));  // single device: step = sum of op times
  }
}

TEST(DeviceSimulator, LowerBoundIsTheLongerOfThePathAndTheAverageWork) {
  // Diamond: a (1 ms) -> {b (2), c (3)} -> d (1). Two devices: path a-c-d = 5 ms, work 7 / 2 = 3.5 ms.
  DeviceGraph g = diamond();
  StepTimeBound b = step_time_lower_bound(g, two_devices());
  EXPECT_NEAR(b.critical_path, 5e-3, 1e-12);
  EXPECT_NEAR(b.work_per_device, 3.5e-3, 1e-12);
  EXPECT_NEAR(b.step_time, 5e-3, 1e-12);
  // Four independent 2 ms ops on two devices: no path longer than 2 ms, the work gives 4 ms.
  DeviceGraph wide("wide");
  for (int v = 0; v < 4; ++v) wide.add_op(op("w" + std::to_string(v), 2e6));
  wide.finalize();
  b = step_time_lower_bound(wide, two_devices());
  EXPECT_NEAR(b.critical_path, 2e-3, 1e-12);
  EXPECT_NEAR(b.step_time, 4e-3, 1e-12);
  EXPECT_NEAR(simulate(wide, two_devices(), {0, 1, 0, 1}).step_time, b.step_time, 1e-12);  // reached
  // A device twice as fast: every op counts at its fastest device's time.
  Cluster fast = two_devices(1e12, 2e9);
  b = step_time_lower_bound(g, fast);
  EXPECT_NEAR(b.critical_path, 2.5e-3, 1e-12);
  EXPECT_NEAR(b.work_per_device, 1.75e-3, 1e-12);
}

TEST(DeviceSimulator, NoPlacementBeatsTheLowerBound) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 10; ++trial) {
    const int n = 20 + trial * 7;
    DeviceGraph g = random_dag(rng, n, trial % 3);  // trial % 3 == 0: independent ops, where the work decides
    Cluster c = two_devices(1e12, 1.5e9);
    const StepTimeBound b = step_time_lower_bound(g, c);
    DeviceSimulator sim(g, c);
    for (int k = 0; k < 50; ++k) {
      std::vector<int> p(n);
      for (int& d : p) d = rng() % 2;
      EXPECT_GE(sim.run(p).step_time + 1e-12, b.step_time);
    }
  }
}

TEST(DeviceSimulator, GanttNeedsTrace) {
  DeviceGraph g = diamond();
  Cluster c = two_devices();
  SimResult r = simulate(g, c, {0, 1, 0, 1});
  EXPECT_THROW(write_gantt_svg("/tmp/never.svg", g, c, r), UsageError);
}

}  // namespace
}  // namespace tessera::devices
