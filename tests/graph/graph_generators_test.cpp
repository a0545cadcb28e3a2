#include "tessera/graph/graph_generators.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"

namespace tessera::partition {
namespace {

TEST(GraphGenerators, EveryFamilyIsValidSeededAndNearTheSize) {
  for (const auto& name : generator_names()) {
    auto a = generate_graph(name, 1500, 42);
    auto b = generate_graph(name, 1500, 42);
    auto c = generate_graph(name, 1500, 43);
    a.validate(name);
    EXPECT_GT(a.num_nodes(), 700) << name;
    EXPECT_LT(a.num_nodes(), 2600) << name;
    EXPECT_GT(a.num_edges(), a.num_nodes() / 2) << name;
    EXPECT_EQ(a.adjncy(), b.adjncy()) << name;
    if (name != "grid" && name != "grid3d") EXPECT_NE(a.adjncy(), c.adjncy()) << name;
  }
}

TEST(GraphGenerators, GridAndScaleFreeShapes) {
  auto g = grid_graph(4, 5);
  EXPECT_EQ(g.num_nodes(), 20);
  EXPECT_EQ(g.num_edges(), 4 * 4 + 3 * 5);
  auto ba = barabasi_albert_graph(2000, 2, 1);
  int64_t max_deg = 0;
  for (int64_t v = 0; v < ba.num_nodes(); ++v) max_deg = std::max(max_deg, ba.degree(v));
  EXPECT_GT(max_deg, 40);  // hubs: far above the mean degree of ~4
  EXPECT_THROW(generate_graph("nope", 100, 1), UsageError);
  EXPECT_THROW(generate_graph("grid", 3, 1), UsageError);
}

}  // namespace
}  // namespace tessera::partition
