#include "tessera/problems/chip_rl_env.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/problems/random_netlist.h"

namespace tessera::chip {
namespace {

ChipRlTask generated_task(RandomNetlistOptions o, uint64_t seed) {
  auto nl = std::make_shared<Netlist>(generate_random_netlist(o, seed, "gen"));
  return {"gen", nl, nl->spec(), Placement(*nl)};
}

ChipRlEnvOptions fast_env() {
  ChipRlEnvOptions e;
  e.fd.iterations = {10, 10};
  e.fd.move_distance_factors = {1.0, 1.0};
  return e;
}

/// True when no two hard macros of the placement overlap and all lie inside the canvas.
bool legal(const Netlist& nl, const CanvasSpec& spec, const Placement& p) {
  const auto& hard = nl.hard_macros();
  for (size_t i = 0; i < hard.size(); ++i) {
    const int64_t a = hard[i];
    const double aw = p.placed_width(nl, a) / 2, ah = p.placed_height(nl, a) / 2;
    if (p.x[a] - aw < -1e-6 || p.x[a] + aw > spec.width + 1e-6 || p.y[a] - ah < -1e-6 ||
        p.y[a] + ah > spec.height + 1e-6)
      return false;
    for (size_t j = i + 1; j < hard.size(); ++j) {
      const int64_t b = hard[j];
      const double bw = p.placed_width(nl, b) / 2, bh = p.placed_height(nl, b) / 2;
      const double ox = std::min(p.x[a] + aw, p.x[b] + bw) - std::max(p.x[a] - aw, p.x[b] - bw);
      const double oy = std::min(p.y[a] + ah, p.y[b] + bh) - std::max(p.y[a] - ah, p.y[b] - bh);
      if (ox > 1e-6 && oy > 1e-6) return false;
    }
  }
  return true;
}

TEST(ChipRlEnv, GraphAndOrder) {
  RandomNetlistOptions o;
  o.hard_macros = 12;
  o.size_classes = 3;
  ChipRlEnv env(generated_task(o, 2), fast_env());
  ASSERT_EQ(env.order().size(), 12u);
  for (size_t i = 1; i < env.order().size(); ++i) {
    const Node& a = env.netlist().node(env.order()[i - 1]);
    const Node& b = env.netlist().node(env.order()[i]);
    EXPECT_GE(a.width * a.height, b.width * b.height - 1e-9);  // largest first
  }
  const auto& g = env.graph();
  EXPECT_EQ(g.node_features.size(1), kChipRlNodeFeatures);
  EXPECT_EQ(g.node_features.size(0), 12 + o.soft_macros + o.ports);
  EXPECT_GT(g.edge_src.numel(), 0);
  EXPECT_TRUE((g.edge_src < g.edge_dst).all().item<bool>());
  // Hard macros' own positions are hidden from the policy.
  for (int64_t m : env.order()) EXPECT_EQ(g.node_features[env.graph_node(m)][5].item<float>(), 0.0f);
}

TEST(ChipRlEnv, RandomLegalEpisodeIsLegalAndScored) {
  RandomNetlistOptions o;
  o.hard_macros = 14;
  o.hard_utilization = 0.1;  // every macro fits inside one cell of the 8x8 grid: never stuck
  o.grid = 8;
  ChipRlEnv env(generated_task(o, 4), fast_env());
  ChipRlEpisode ep(env);
  Rng rng(1);
  int steps = 0;
  while (!ep.done()) {
    ChipRlObservation obs = ep.observe();
    EXPECT_FALSE(obs.fallback);
    ASSERT_EQ(obs.spatial.sizes(), (std::vector<int64_t>{kChipRlSpatialChannels, env.rows(), env.cols()}));
    EXPECT_TRUE(obs.spatial[0].flatten().to(torch::kBool).equal(obs.mask));
    auto legal_cells = obs.mask.nonzero().flatten();
    ASSERT_GT(legal_cells.numel(), 0);
    ep.step(static_cast<int>(legal_cells[uniform_int(rng, legal_cells.numel())].item<int64_t>()));
    ++steps;
  }
  EXPECT_EQ(steps, 14);
  EXPECT_EQ(ep.fallback_steps(), 0);
  EXPECT_TRUE(legal(env.netlist(), env.task().spec, ep.placement()));
  ProxyCostResult c = ep.finish();
  EXPECT_GT(c.wirelength_cost, 0);
  EXPECT_GT(c.density_cost, 0);
  EXPECT_TRUE(std::isfinite(c.proxy()));
  EXPECT_THROW(ep.observe(), Error);
}

TEST(ChipRlEnv, OccupancyAndPullChannels) {
  RandomNetlistOptions o;
  o.hard_macros = 6;
  ChipRlEnv env(generated_task(o, 9), fast_env());
  ChipRlEpisode ep(env);
  auto first = ep.observe();
  EXPECT_EQ(first.spatial[1].sum().item<float>(), 0.0f);  // nothing placed yet
  ep.step(static_cast<int>(first.mask.nonzero()[0][0].item<int64_t>()));
  auto second = ep.observe();
  const Node& m = env.netlist().node(env.order()[0]);
  const double covered = m.width * m.height / (env.task().spec.cell_width() * env.task().spec.cell_height());
  EXPECT_NEAR(second.spatial[1].sum().item<float>(), covered, 1e-3 * covered + 1e-4);
  EXPECT_LE(second.spatial[2].max().item<float>(), 1.0f);
  EXPECT_LE(second.spatial[3].max().item<float>(), 1.0f);
}

TEST(ChipRlEnv, WireFieldMatchesABruteForceDistanceSum) {
  RandomNetlistOptions o;
  o.hard_macros = 8;
  ChipRlEnv env(generated_task(o, 3), fast_env());
  ChipRlEpisode ep(env);
  const Netlist& nl = env.netlist();
  for (int k = 0; k < 4; ++k) {
    auto obs = ep.observe();
    const int64_t macro = env.order()[k];
    // Brute force: Σ weight · Manhattan distance from every cell centre to the placed neighbours.
    ChipCanvas canvas(nl, env.task().spec);
    const int cells = env.rows() * env.cols();
    std::vector<double> d(cells, 0.0);
    bool any = false;
    for (const auto& nb : env.neighbors(env.graph_node(macro))) {
      const Node& nd = nl.node(nb.node);
      const bool placed = nd.type == NodeType::kPort ||
                          (nd.type == NodeType::kHardMacro &&
                           std::find(env.order().begin(), env.order().begin() + k, nb.node) != env.order().begin() + k);
      if (!placed) continue;
      any = true;
      for (int c = 0; c < cells; ++c) {
        Point p = canvas.cell_center(c);
        d[c] += nb.weight * (std::abs(p.x - ep.placement().x[nb.node]) + std::abs(p.y - ep.placement().y[nb.node]));
      }
    }
    auto field = obs.spatial[6].flatten();
    if (!any) {
      EXPECT_EQ(field.abs().max().item<float>(), 0.0f);
    } else {
      const double lo = *std::min_element(d.begin(), d.end()), hi = *std::max_element(d.begin(), d.end());
      for (int c = 0; c < cells; ++c)
        EXPECT_NEAR(field[c].item<float>(), (d[c] - lo) / (hi - lo), 1e-4) << "cell " << c;
    }
    ep.step(static_cast<int>(obs.mask.nonzero()[0][0].item<int64_t>()));
  }
}

TEST(ChipRlEnv, FallsBackWhenNoLegalCellIsLeft) {
  // A 2x2 grid and big macros: after a few macros nothing legal is left.
  RandomNetlistOptions o;
  o.hard_macros = 8;
  o.size_classes = 1;
  o.hard_utilization = 0.7;
  o.grid = 2;
  ChipRlEnv env(generated_task(o, 1), fast_env());
  ChipRlEpisode ep(env);
  bool fell_back = false;
  while (!ep.done()) {
    auto obs = ep.observe();
    fell_back = fell_back || obs.fallback;
    ASSERT_GT(obs.mask.sum().item<int64_t>(), 0);
    ep.step(static_cast<int>(obs.mask.nonzero()[0][0].item<int64_t>()));
  }
  EXPECT_TRUE(fell_back);
  EXPECT_GT(ep.fallback_steps(), 0);
}

}  // namespace
}  // namespace tessera::chip
