#include "tessera/io/metis_graph_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tessera/core/error.h"
#include "../testing.h"

namespace tessera::partition {
namespace {

class MetisGraphReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = tessera::testing::scratch_dir(); }
  std::string put(const std::string& name, const std::string& text) {
    std::string p = dir_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  /// Expects InputError whose message starts with "path:line:" and contains `what`.
  void expect_error(const std::string& text, int line, const std::string& what) {
    std::string p = put("bad.graph", text);
    try {
      read_metis_graph(p);
      FAIL() << "no error for:\n" << text;
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), line) << e.what();
      EXPECT_THAT(e.what(), ::testing::HasSubstr(p + ":" + std::to_string(line) + ":"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr(what));
    }
  }
  std::string dir_;
};

TEST_F(MetisGraphReaderTest, ReadsUnweightedWithCommentsAndIsolatedNode) {
  // Triangle 1-2-3 plus isolated node 4 (empty line).
  auto g = read_metis_graph(put("a.graph", "% a comment\n4 3\n2 3\n1 3\n% inside\n1 2\n\n"));
  EXPECT_EQ(g.num_nodes(), 4);
  EXPECT_EQ(g.num_edges(), 3);
  EXPECT_EQ(g.degree(3), 0);
  EXPECT_FALSE(g.has_node_weights());
  EXPECT_FALSE(g.has_edge_weights());
}

TEST_F(MetisGraphReaderTest, ReadsEveryFmt) {
  // Path 1-2-3 with edge weights 5 (1-2) and 7 (2-3), node weights 2,3,4, sizes 9.
  struct Case {
    std::string fmt, body;
    bool vw, ew;
  };
  std::vector<Case> cases{
      {"0", "2\n1 3\n2\n", false, false},
      {"1", "2 5\n1 5 3 7\n2 7\n", false, true},
      {"10", "2 2\n3 1 3\n4 2\n", true, false},
      {"11", "2 2 5\n3 1 5 3 7\n4 2 7\n", true, true},
      {"100", "9 2\n9 1 3\n9 2\n", false, false},
      {"101", "9 2 5\n9 1 5 3 7\n9 2 7\n", false, true},
      {"110", "9 2 2\n9 3 1 3\n9 4 2\n", true, false},
      {"111", "9 2 2 5\n9 3 1 5 3 7\n9 4 2 7\n", true, true},
  };
  for (const auto& c : cases) {
    auto g = read_metis_graph(put("f" + c.fmt + ".graph", "3 2 " + c.fmt + "\n" + c.body));
    EXPECT_EQ(g.num_nodes(), 3) << c.fmt;
    EXPECT_EQ(g.num_edges(), 2) << c.fmt;
    EXPECT_EQ(g.has_node_weights(), c.vw) << c.fmt;
    EXPECT_EQ(g.has_edge_weights(), c.ew) << c.fmt;
    if (c.vw) EXPECT_EQ(g.node_weight(1), 3) << c.fmt;
    if (c.ew) EXPECT_EQ(g.weighted_degree(1), 12) << c.fmt;
  }
}

TEST_F(MetisGraphReaderTest, ReadsMultiConstraintWeights) {
  auto g = read_metis_graph(put("m.graph", "3 2 10 2\n1 2 2\n3 4 1 3\n5 6 2\n"));
  EXPECT_EQ(g.ncon(), 2);
  EXPECT_EQ(g.node_weight(1, 0), 3);
  EXPECT_EQ(g.node_weight(1, 1), 4);
  EXPECT_EQ(g.node_weight(2, 1), 6);
}

TEST_F(MetisGraphReaderTest, WriteReadRoundTrip) {
  auto g = read_metis_graph(put("w.graph", "3 2 11\n2 2 5\n3 1 5 3 7\n4 2 7\n"));
  std::string out = dir_ + "/out.graph";
  write_metis_graph(out, g);
  auto h = read_metis_graph(out);
  EXPECT_EQ(h.xadj(), g.xadj());
  EXPECT_EQ(h.adjncy(), g.adjncy());
  EXPECT_EQ(h.node_weights(), g.node_weights());
  EXPECT_EQ(h.edge_weights(), g.edge_weights());
  graph::Graph frac({0, 1, 2}, {1, 0}, {}, {0.5, 0.5});
  EXPECT_THROW(write_metis_graph(dir_ + "/frac.graph", frac), Error);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/frac.graph"));
}

TEST_F(MetisGraphReaderTest, ReadsWalshawGraphsPlainAndGzip) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP() << "no shared data";
  auto g = read_metis_graph(tessera::testing::shared_data("partition/walshaw/add20.graph"));
  EXPECT_EQ(g.num_nodes(), 2395);
  EXPECT_EQ(g.num_edges(), 7462);
  auto z = read_metis_graph(tessera::testing::shared_data("partition/walshaw/bcsstk33.graph.gz"));
  EXPECT_EQ(z.num_nodes(), 8738);
  EXPECT_EQ(z.num_edges(), 291583);
}

TEST_F(MetisGraphReaderTest, MissingFile) {
  EXPECT_THROW(read_metis_graph(dir_ + "/nope.graph"), InputError);
}

TEST_F(MetisGraphReaderTest, MalformedHeader) {
  try {
    read_metis_graph(put("empty.graph", ""));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("empty.graph: empty file"));
  }
  expect_error("% only\n3\n", 2, "malformed header");
  expect_error("3 x\n", 1, "edge count");
  expect_error("3 2 12\n", 1, "fmt");
  expect_error("3 2 1 1 9\n", 1, "malformed header");
  expect_error("3 2 0 2\n", 1, "ncon > 1 needs node weights");
  expect_error("-3 2\n", 1, "node count");
}

TEST_F(MetisGraphReaderTest, HypergraphFileIsNamedAsSuch) {
  // A small hMETIS file: 2 hyperedges over 3 nodes, which the graph header would read as n = 2, m = 3.
  const std::string p = put("small.hgr", "2 3\n1 2 3\n2 3\n");
  try {
    read_metis_graph(p);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("small.hgr"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("hMETIS hypergraph"));
  }
}

TEST_F(MetisGraphReaderTest, EdgeCountMismatch) {
  expect_error("3 3\n2\n1 3\n2\n", 4, "edge count does not match");       // too few
  expect_error("3 1\n2\n1 3\n2\n", 3, "more adjacency entries");         // too many
}

TEST_F(MetisGraphReaderTest, WeightCountMismatch) {
  expect_error("3 2 1\n2 5\n1 5 3\n2 7\n", 3, "odd number");                 // missing edge weight
  expect_error("3 2 10 2\n1\n3 1 1 3\n5 2 2\n", 2, "leading size/weight fields");  // ncon = 2, one weight given
}

TEST_F(MetisGraphReaderTest, NodeLinesMismatch) {
  expect_error("3 1\n2\n1\n", 3, "file ends after 2 node lines");
  expect_error("2 1\n2\n1\n3\n", 4, "extra data");
}

TEST_F(MetisGraphReaderTest, NeighbourOutOfRange) {
  expect_error("3 2\n2\n1 4\n2\n", 3, "out of range 1..3");
  expect_error("3 2\n0\n1 3\n2\n", 2, "out of range");
}

TEST_F(MetisGraphReaderTest, AsymmetricAdjacency) {
  expect_error("3 2\n2 3\n1\n2\n", 2, "asymmetric adjacency");
  expect_error("3 2 1\n2 5\n1 6 3 7\n2 7\n", 2, "asymmetric edge weight");
}

TEST_F(MetisGraphReaderTest, SelfLoopAndDuplicates) {
  expect_error("2 1\n1\n1\n", 2, "self-loop");
  expect_error("2 2\n2 2\n1 1\n", 2, "listed twice");
}

TEST_F(MetisGraphReaderTest, NegativeOrNonNumericWeights) {
  expect_error("2 1 1\n2 -5\n1 -5\n", 2, "negative edge weight");
  expect_error("2 1 10\n-1 2\n1 1\n", 2, "negative node weight");
  expect_error("2 1\n2 x\n1\n", 2, "expected an integer");
}

}  // namespace
}  // namespace tessera::partition
