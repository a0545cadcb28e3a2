#include "tessera/nn/gap_model.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/graph/graph_generators.h"

namespace tessera::partition {
namespace {

TEST(GapModel, RowsAreDistributionsForAnyGraphSize) {
  GapModelConfig c;
  c.in_features = 5;
  c.k = 4;
  GapModel model(c);
  for (int64_t n : {50, 700}) {
    auto g = generate_graph("rgg", n, 1);
    auto y = model->probabilities(torch::randn({g.num_nodes(), 5}), graph::edge_index(g));
    EXPECT_EQ(y.size(0), g.num_nodes());
    EXPECT_EQ(y.size(1), 4);
    EXPECT_TRUE(torch::allclose(y.sum(1), torch::ones({g.num_nodes()}), 1e-5, 1e-5));
  }
}

TEST(GapModel, ConfigJsonRoundTripAndValidation) {
  GapModelConfig c;
  c.hidden = 32;
  auto d = GapModelConfig::from_json(c.to_json(), "x");
  EXPECT_EQ(d.hidden, 32);
  EXPECT_THROW(GapModelConfig::from_json(Json{{"hidden", 3}}, "x"), InputError);
  auto bad = c.to_json();
  bad["k"] = 1;
  EXPECT_THROW(GapModelConfig::from_json(bad, "x"), InputError);
}

}  // namespace
}  // namespace tessera::partition
