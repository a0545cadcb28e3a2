#include "tessera/heuristics/chip_placer.h"

#include <map>

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/io/netlist_reader.h"
#include "tessera/io/plc_io.h"

namespace tessera::chip {
namespace {

struct Case {
  Netlist netlist;
  Placement start;
};

Case macro_tiles() {
  Case c;
  c.netlist = read_netlist(testing::shared_data("chip/ct_testdata/macro_tiles_10x10/netlist.pb.txt"));
  const std::string path = testing::shared_data("chip/ct_testdata/macro_tiles_10x10/initial.plc");
  c.start = apply_plc(c.netlist, read_plc(path), path);
  return c;
}

void expect_legal(const Netlist& nl, const Placement& p) {
  ChipCanvas canvas(nl, nl.spec());
  for (int64_t m : nl.hard_macros()) {
    ASSERT_TRUE(canvas.is_legal(m, p.x[m], p.y[m], p.orientation[m])) << nl.node(m).name;
    canvas.place(m, p.x[m], p.y[m], p.orientation[m]);
  }
}

TEST(ChipPlacer, RegistryKnowsClassicalMethods) {
  ChipPlacerRegistry r = make_chip_placer_registry();
  EXPECT_TRUE(r.has("random"));
  EXPECT_TRUE(r.has("greedy"));
  EXPECT_TRUE(r.has("sa"));
  EXPECT_THROW(r.create("nope"), UsageError);
  EXPECT_THROW(r.add("sa", "", [] { return std::unique_ptr<ChipPlacer>(); }), UsageError);
}

TEST(ChipPlacer, AllMethodsLegalAndSaBeatsRandom) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Case c = macro_tiles();
  ChipPlacerRegistry r = make_chip_placer_registry();
  PlaceChipOptions o;
  o.placer.progress = false;
  o.placer.time_budget = 2.0;
  o.placer.threads = 2;
  std::map<std::string, double> cost;
  for (const char* name : {"random", "greedy", "sa"}) {
    auto placer = r.create(name);
    ChipPlaceReport rep = place_chip(*placer, c.netlist, c.netlist.spec(), c.start, o);
    expect_legal(c.netlist, rep.placement);
    cost[name] = rep.cost.proxy();
  }
  EXPECT_LT(cost["greedy"], cost["random"]);
  EXPECT_LT(cost["sa"], cost["random"] * 0.8);
  EXPECT_LE(cost["sa"], cost["greedy"] + 1e-9);
}

/// Quiet place_chip options with the final refinement on and the given refinement budget.
PlaceChipOptions refining_options(double refine_budget) {
  PlaceChipOptions o;
  o.placer.progress = false;
  o.refine = true;
  o.refinement.progress = false;
  o.refinement.time_budget = refine_budget;
  return o;
}

TEST(ChipPlacer, RefinementRoundsWithSwapsBeatWindowOnlyRefinement) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Case c = macro_tiles();
  auto placer = make_chip_placer_registry().create("random");
  PlaceChipOptions o = refining_options(60);  // a bound; both runs end by convergence long before
  std::map<bool, ChipPlaceReport> rep;
  for (bool swaps : {false, true}) {
    o.refinement.swaps = swaps;
    rep[swaps] = place_chip(*placer, c.netlist, c.netlist.spec(), c.start, o);
    expect_legal(c.netlist, rep[swaps].placement);
    const Json& rounds = rep[swaps].refine_stats.at("rounds");
    ASSERT_GE(rounds.size(), 2u);  // at least one improving round and the one that found nothing more
    for (const Json& r : rounds) EXPECT_EQ(r.at("swaps").get<bool>() && !swaps, false);
    EXPECT_NEAR(rep[swaps].refine_stats.at("final_proxy").get<double>(), rep[swaps].cost.proxy(), 1e-9);
  }
  // Same random start (same seed): refinement never worsens and here improves it, and the window-only
  // rounds end in a local optimum that swaps escape.
  EXPECT_EQ(rep[false].cost_unrefined.proxy(), rep[true].cost_unrefined.proxy());
  EXPECT_LT(rep[false].cost.proxy(), rep[false].cost_unrefined.proxy());
  EXPECT_LT(rep[true].cost.proxy(), rep[false].cost.proxy() - 0.01);
}

TEST(ChipPlacer, ZeroRefinementBudgetKeepsThePlacement) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Case c = macro_tiles();
  auto placer = make_chip_placer_registry().create("random");
  ChipPlaceReport rep = place_chip(*placer, c.netlist, c.netlist.spec(), c.start, refining_options(0));
  EXPECT_TRUE(rep.refine_stats.at("rounds").empty());
  EXPECT_EQ(rep.cost.proxy(), rep.cost_unrefined.proxy());
}

TEST(ChipPlacer, SameSeedSameResult) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Case c = macro_tiles();
  auto a = make_chip_placer_registry().create("random");
  PlaceChipOptions o;
  o.placer.progress = false;
  ChipPlaceReport r1 = place_chip(*a, c.netlist, c.netlist.spec(), c.start, o);
  ChipPlaceReport r2 = place_chip(*a, c.netlist, c.netlist.spec(), c.start, o);
  EXPECT_EQ(r1.placement.x, r2.placement.x);
}

}  // namespace
}  // namespace tessera::chip
