#include "tessera/io/plc_io.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../testing.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/io/netlist_reader.h"

namespace tessera::chip {
namespace {

TEST(PlcIo, RoundTripIsExact) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  for (const char* name : {"chip/ariane133_ng45/legalized.plc", "chip/ct_testdata/sample_clustered/initial.plc"}) {
    const std::string path = testing::shared_data(name);
    PlcFile plc = read_plc(path);
    const std::string out = testing::scratch_dir() + "/copy.plc";
    write_plc(out, plc);
    EXPECT_EQ(read_file(out), read_file(path)) << name;
  }
}

TEST(PlcIo, ParsesHeader) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  PlcFile plc = read_plc(testing::shared_data("chip/ariane133_ng45/legalized.plc"));
  EXPECT_EQ(plc.spec.cols, 24);
  EXPECT_EQ(plc.spec.rows, 21);
  EXPECT_DOUBLE_EQ(plc.spec.width, 1433.406);
  EXPECT_DOUBLE_EQ(plc.spec.hroutes_per_micron, 57.031);
  EXPECT_DOUBLE_EQ(plc.spec.vroutes_per_micron, 56.818);
  EXPECT_DOUBLE_EQ(plc.spec.hrouting_alloc, 39.583);
  EXPECT_DOUBLE_EQ(plc.spec.vrouting_alloc, 30.303);
  EXPECT_EQ(plc.spec.smoothing_range, 0);
  EXPECT_EQ(plc.entries.size(), 1410u);
  EXPECT_DOUBLE_EQ(*plc.density_cost, 0.4988);
}

TEST(PlcIo, MismatchedIndicesAndCounts) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  const std::string npath = testing::shared_data("chip/ct_testdata/sample_clustered/netlist.pb.txt");
  const std::string text = read_file(testing::shared_data("chip/ct_testdata/sample_clustered/initial.plc"));
  Netlist nl = read_netlist(npath);
  {  // index out of range
    auto p = testing::write_temp("bad1.plc", text + "99 1 1 N 0\n");
    PlcFile plc = read_plc(p);
    try {
      apply_plc(nl, plc, p);
      FAIL();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("bad1.plc:"), std::string::npos);
    }
  }
  {  // index of a pin
    auto p = testing::write_temp("bad2.plc", text + "4 1 1 N 0\n");
    PlcFile plc = read_plc(p);
    EXPECT_THROW(apply_plc(nl, plc, p), InputError);
  }
  {  // a macro missing
    std::string t = text;
    t.erase(t.find("8 170 310 N 0"));
    auto p = testing::write_temp("bad3.plc", t);
    PlcFile plc = read_plc(p);
    try {
      apply_plc(nl, plc, p);
      FAIL();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("does not match"), std::string::npos) << e.what();
    }
  }
  {  // malformed body line
    auto p = testing::write_temp("bad4.plc", text + "3 abc 1 N 0\n");
    EXPECT_THROW(read_plc(p), InputError);
  }
}

TEST(PlcIo, AHeaderOnlyPlcKeepsTheNetlistPositions) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  // Circuit Training's toy_macro_stdcell: a flat netlist whose initial.plc has a header and no node lines.
  const std::string dir = "chip/ct_testdata/toy_macro_stdcell/";
  Netlist nl = read_netlist(testing::shared_data(dir + "netlist.pb.txt"));
  ASSERT_FALSE(nl.stdcells().empty());
  PlcFile plc = read_plc(testing::shared_data(dir + "initial.plc"));
  ASSERT_TRUE(plc.entries.empty());
  Placement p = apply_plc(nl, plc, "initial.plc");
  for (int64_t i = 0; i < nl.num_nodes(); ++i) {
    EXPECT_EQ(p.x[i], nl.node(i).x) << nl.node(i).name;
    EXPECT_EQ(p.y[i], nl.node(i).y) << nl.node(i).name;
  }
  EXPECT_EQ(plc.spec.cols, 20);
  // Without positions in the netlist either, the header-only file is an error naming the node: the first
  // node (macro "ML") loses its x and y attributes.
  std::string text = read_file(testing::shared_data(dir + "netlist.pb.txt"));
  for (const char* key : {"key: \"x\"", "key: \"y\""}) {
    const auto at = text.find(key);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, std::string(key).size(), std::string(key).substr(0, 6) + "unused_" + std::string(key).substr(6));
  }
  Netlist unplaced = read_netlist(testing::write_temp("unplaced.pb.txt", text));
  ASSERT_FALSE(unplaced.node(0).has_position);
  try {
    apply_plc(unplaced, plc, "initial.plc");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no position"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ML"), std::string::npos) << e.what();
  }
}

TEST(PlcIo, MakePlcRoundTripsThroughApply) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  const std::string npath = testing::shared_data("chip/ct_testdata/sample_clustered/netlist.pb.txt");
  Netlist nl = read_netlist(npath);
  PlcFile orig = read_plc(testing::shared_data("chip/ct_testdata/sample_clustered/initial.plc"));
  Placement p = apply_plc(nl, orig, "initial.plc");
  PlcFile made = make_plc(nl, p, nl.spec(), npath);
  const std::string out = testing::scratch_dir() + "/made.plc";
  write_plc(out, made);
  PlcFile back = read_plc(out);
  Placement q = apply_plc(nl, back, out);
  for (int64_t m : nl.macros()) {
    EXPECT_NEAR(q.x[m], p.x[m], 1e-3);
    EXPECT_NEAR(q.y[m], p.y[m], 1e-3);
  }
  EXPECT_EQ(back.spec.cols, orig.spec.cols);
  EXPECT_EQ(back.spec.smoothing_range, orig.spec.smoothing_range);
}

}  // namespace
}  // namespace tessera::chip
