#include "tessera/cost/proxy_cost.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "tessera/core/random.h"
#include "tessera/io/netlist_reader.h"
#include "tessera/io/plc_io.h"
#include "../testing.h"

namespace tessera::chip {
namespace {

struct Loaded {
  Netlist netlist;
  Placement placement;
  PlcFile plc;
};

Loaded load_ariane(const std::string& plc_name) {
  Loaded l;
  l.netlist = read_netlist(testing::shared_data("chip/ariane133_ng45/netlist.pb.txt.gz"));
  const std::string path = testing::shared_data("chip/ariane133_ng45/" + plc_name);
  l.plc = read_plc(path);
  l.placement = apply_plc(l.netlist, l.plc, path);
  return l;
}

TEST(ProxyCost, ArianeLegalizedMatchesHeader) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Loaded l = load_ariane("legalized.plc");
  ProxyCost cost(l.netlist, l.netlist.spec());
  ProxyCostResult r = cost.evaluate(l.placement);
  EXPECT_NEAR(r.wirelength, *l.plc.wirelength, 1.0);
  EXPECT_NEAR(r.wirelength_cost, *l.plc.wirelength_cost, 0.00005);
  EXPECT_NEAR(r.density_cost, *l.plc.density_cost, 0.00005);
  EXPECT_NEAR(r.congestion_cost, *l.plc.congestion_cost, 0.00005);
  std::printf("legalized: wl %.3f wlc %.6f den %.6f cong %.6f\n", r.wirelength, r.wirelength_cost, r.density_cost,
              r.congestion_cost);
}

TEST(ProxyCost, ArianeInitialMatchesHeader) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Loaded l = load_ariane("initial.plc");
  ProxyCost cost(l.netlist, l.netlist.spec());
  ProxyCostResult r = cost.evaluate(l.placement);
  std::printf("initial: wl %.3f wlc %.6f den %.6f cong %.6f\n", r.wirelength, r.wirelength_cost, r.density_cost,
              r.congestion_cost);
  EXPECT_NEAR(r.wirelength_cost, *l.plc.wirelength_cost, 0.00005);
  EXPECT_NEAR(r.density_cost, *l.plc.density_cost, 0.00005);
}

TEST(ProxyCost, MacroTilesWithoutPlc) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Netlist nl = read_netlist(testing::shared_data("chip/ct_testdata/macro_tiles_10x10/netlist.pb.txt"));
  CanvasSpec spec;
  spec.width = spec.height = std::sqrt(nl.total_area() / 0.6);
  spec.cols = spec.rows = 10;
  ProxyCost cost(nl, spec);
  ProxyCostResult r = cost.evaluate(Placement(nl));
  EXPECT_NEAR(r.wirelength, 5400.0, 1e-9);
  EXPECT_NEAR(r.wirelength_cost, 0.007745966692414834, 1e-9);
  EXPECT_NEAR(r.density_cost, 0.3570806661517036, 1e-9);
}

}  // namespace
}  // namespace tessera::chip

namespace tessera::chip {
namespace {

TEST(ProxyCost, RoutingOfSmallNets) {
  // 2 cells: horizontal on the source row, then vertical on the sink column
  std::vector<double> h(9, 0), v(9, 0);
  route_net_cells({0, 0, 2, 2}, 1.0, 3, h, v);
  EXPECT_EQ(h, (std::vector<double>{1, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(v, (std::vector<double>{0, 0, 1, 0, 0, 1, 0, 0, 0}));
  // 3 cells on one row: two horizontal segments
  std::fill(h.begin(), h.end(), 0);
  std::fill(v.begin(), v.end(), 0);
  route_net_cells({1, 0, 1, 1, 1, 2}, 2.0, 3, h, v);
  EXPECT_EQ(h, (std::vector<double>{0, 0, 0, 2, 2, 0, 0, 0, 0}));
  EXPECT_EQ(v, std::vector<double>(9, 0.0));
  // L shape: columns increase, middle row strictly between
  std::fill(h.begin(), h.end(), 0);
  route_net_cells({0, 0, 1, 1, 2, 2}, 1.0, 3, h, v);
  EXPECT_EQ(h, (std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(v, (std::vector<double>{0, 1, 0, 0, 0, 1, 0, 0, 0}));
}

TEST(IncrementalProxyCost, EqualsFullAfterRandomMoves) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Loaded l = load_ariane("legalized.plc");
  const CanvasSpec spec = l.netlist.spec();
  IncrementalProxyCost inc(l.netlist, spec, l.placement);
  ProxyCost full(l.netlist, spec);
  Rng rng(7);
  const auto& macros = l.netlist.macros();
  const auto& ports = l.netlist.ports();
  const Orientation orients[4] = {Orientation::N, Orientation::FN, Orientation::S, Orientation::FS};
  for (int i = 0; i < 3000; ++i) {
    const double u = uniform01(rng);
    if (u < 0.8) {
      const int64_t m = macros[uniform_int(rng, static_cast<int64_t>(macros.size()))];
      inc.move(m, uniform01(rng) * spec.width, uniform01(rng) * spec.height, orients[uniform_int(rng, 4)]);
    } else if (u < 0.9) {
      inc.swap(macros[uniform_int(rng, static_cast<int64_t>(macros.size()))],
               macros[uniform_int(rng, static_cast<int64_t>(macros.size()))]);
    } else {
      const int64_t p = ports[uniform_int(rng, static_cast<int64_t>(ports.size()))];
      inc.move(p, uniform01(rng) * spec.width, uniform01(rng) * spec.height);
    }
    if (i % 500 == 499) {
      ProxyCostResult a = inc.cost(), b = full.evaluate(inc.placement());
      EXPECT_NEAR(a.wirelength, b.wirelength, 1e-6 * b.wirelength) << i;
      EXPECT_NEAR(a.wirelength_cost, b.wirelength_cost, 1e-9) << i;
      EXPECT_NEAR(a.density_cost, b.density_cost, 1e-9) << i;
      EXPECT_NEAR(a.congestion_cost, b.congestion_cost, 1e-9) << i;
    }
  }
  // rollback restores the exact cost
  const double before = inc.proxy();
  inc.checkpoint();
  for (int i = 0; i < 50; ++i)
    inc.move(macros[uniform_int(rng, static_cast<int64_t>(macros.size()))], uniform01(rng) * spec.width,
             uniform01(rng) * spec.height);
  inc.rollback();
  EXPECT_NEAR(inc.proxy(), before, 1e-9);
}

TEST(IncrementalProxyCost, MoveIsMuchCheaperThanFull) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Loaded l = load_ariane("legalized.plc");
  const CanvasSpec spec = l.netlist.spec();
  IncrementalProxyCost inc(l.netlist, spec, l.placement);
  ProxyCost full(l.netlist, spec);
  Rng rng(3);
  const auto& hard = l.netlist.hard_macros();
  auto t0 = std::chrono::steady_clock::now();
  double sink = 0;
  for (int i = 0; i < 20; ++i) sink += full.evaluate(l.placement).proxy();
  auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) {
    inc.move(hard[uniform_int(rng, static_cast<int64_t>(hard.size()))], uniform01(rng) * spec.width,
             uniform01(rng) * spec.height);
    sink += inc.proxy();
  }
  auto t2 = std::chrono::steady_clock::now();
  const double full_ms = std::chrono::duration<double, std::milli>(t1 - t0).count() / 20;
  const double inc_ms = std::chrono::duration<double, std::milli>(t2 - t1).count() / 2000;
  std::printf("full %.3f ms, incremental move+cost %.4f ms (%.0fx)\n", full_ms, inc_ms, full_ms / inc_ms);
  EXPECT_LT(inc_ms * 10, full_ms);
  EXPECT_GT(sink, 0);
}

}  // namespace
}  // namespace tessera::chip
