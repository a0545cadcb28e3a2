#include "tessera/problems/graph_partitioner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tessera/core/error.h"
#include "tessera/graph/graph_generators.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/learn/gap_trainer.h"
#include "tessera/nn/gap_model.h"
#include "../testing.h"

namespace tessera::partition {
namespace {

/// A small GAP model trained once for the whole suite (a few seconds).
class GraphPartitionerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::filesystem::temp_directory_path() / ("tessera_gp_" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    GapTrainerOptions o;
    o.epochs = 12;
    o.graphs = 10;
    o.validation_graphs = 0;
    o.n_min = 200;
    o.n_max = 600;
    o.families = {"mesh", "rgg", "grid"};
    o.hidden = 16;
    o.layers = 2;
    o.learning_rate = 1e-2;
    o.out = *dir_ + "/gap.pt";
    o.progress = false;
    GapTrainer(o).train();
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  PartitionOptions options(const std::string& method, int k) {
    PartitionOptions o;
    o.method = method;
    o.k = k;
    o.model = *dir_ + "/gap.pt";
    return o;
  }
  static std::string* dir_;
};
std::string* GraphPartitionerTest::dir_ = nullptr;

TEST_F(GraphPartitionerTest, EveryMethodIsFeasible) {
  auto g = triangulated_mesh(40, 40, 1, 3);
  for (const auto& m : partition_method_names()) {
    for (int k : {2, 5}) {
      auto r = GraphPartitioner(options(m, k)).run(g);
      ASSERT_EQ(static_cast<int64_t>(r.part.size()), g.num_nodes());
      if (m != "metis" && m != "metis-rb") {
        EXPECT_TRUE(r.feasible) << m << " k=" << k << " imb " << r.quality.imbalance;
      }
      EXPECT_LE(r.quality.imbalance, 0.031) << m << " k=" << k;
      EXPECT_EQ(r.quality.empty_blocks, 0) << m;
    }
  }
}

TEST_F(GraphPartitionerTest, RawGapBeatsRandomByFarAndRefinementHelps) {
  auto g = triangulated_mesh(50, 60, 2, 11);  // unseen graph
  for (int k : {2, 8}) {
    auto gap_raw = GraphPartitioner(options("gap-raw", k)).run(g);
    auto random = GraphPartitioner(options("random", k)).run(g);
    auto gap = GraphPartitioner(options("gap", k)).run(g);
    EXPECT_LT(gap_raw.quality.cut, 0.25 * random.quality.cut) << k;
    EXPECT_LE(gap.quality.cut, gap_raw.quality.cut) << k;
  }
}

TEST_F(GraphPartitionerTest, SameSeedSamePartition) {
  auto g = generate_graph("rgg", 3000, 4);
  for (const auto& m : {"gap", "refine-random"}) {
    auto a = GraphPartitioner(options(m, 4)).run(g);
    auto b = GraphPartitioner(options(m, 4)).run(g);
    EXPECT_EQ(a.part, b.part) << m;
  }
}

TEST_F(GraphPartitionerTest, BadOptions) {
  auto g = grid_graph(5, 5);
  EXPECT_THROW(GraphPartitioner(options("gap", 0)).run(g), UsageError);
  EXPECT_THROW(GraphPartitioner(options("gap", 26)).run(g), UsageError);
  auto o = options("metis", 2);
  o.imbalance = -0.01;
  EXPECT_THROW(GraphPartitioner(o).run(g), UsageError);
  EXPECT_THROW(GraphPartitioner(options("nope", 2)).run(g), UsageError);
}

TEST_F(GraphPartitionerTest, BadModelFiles) {
  auto g = grid_graph(8, 8);
  std::string dir = tessera::testing::scratch_dir();
  std::ofstream(dir + "/text.pt") << "not a model\n";
  auto o = options("gap", 2);
  o.model = dir + "/text.pt";
  EXPECT_THROW(GraphPartitioner(o).run(g), InputError);
  o.model = dir + "/missing.pt";
  EXPECT_THROW(GraphPartitioner(o).run(g), InputError);
  // A GAP model whose metadata names another feature set.
  GapModelConfig c;
  GapModel m(c);
  learn::save_checkpoint(dir + "/other.pt", *m,
                         Json{{"kind", "gap"},
                              {"features", "partition-v0:something-else"},
                              {"feature_options", Json{{"eigenvectors", 4}, {"smoothing_rounds", 4}, {"smoothing_steps", 8}}},
                              {"config", c.to_json()}});
  o.model = dir + "/other.pt";
  try {
    GraphPartitioner(o).run(g);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("feature set"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("other.pt"));
  }
}

}  // namespace
}  // namespace tessera::partition
