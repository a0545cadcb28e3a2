#include "tessera/problems/chip_canvas.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/io/netlist_reader.h"
#include "tessera/io/plc_io.h"

namespace tessera::chip {
namespace {

Netlist macros_netlist(int count, double w, double h) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += "node { name: \"M" + std::to_string(i) + "\" attr { key: \"type\" value { placeholder: \"MACRO\" } } " +
            "attr { key: \"width\" value { f: " + std::to_string(w) + " } } attr { key: \"height\" value { f: " +
            std::to_string(h) + " } } }\n";
  return parse_netlist(text, "gen.pb.txt");
}

TEST(ChipCanvas, MaskAgreesWithBruteForce) {
  Netlist nl = macros_netlist(12, 23, 17);
  CanvasSpec spec;
  spec.width = 100;
  spec.height = 80;
  spec.cols = 9;
  spec.rows = 7;
  ChipCanvas canvas(nl, spec);
  Rng rng(5);
  for (int64_t m : nl.hard_macros()) {
    for (Orientation o : {Orientation::N, Orientation::E}) {
      auto mask = canvas.legal_mask(m, o);
      for (int c = 0; c < canvas.num_cells(); ++c) EXPECT_EQ(mask[c] != 0, canvas.is_legal_cell(m, c, o)) << m << " " << c;
    }
    auto mask = canvas.legal_mask(m);
    std::vector<int> legal;
    for (int c = 0; c < canvas.num_cells(); ++c)
      if (mask[c]) legal.push_back(c);
    if (legal.empty()) break;
    canvas.place_at_cell(m, legal[uniform_int(rng, static_cast<int64_t>(legal.size()))]);
  }
  EXPECT_GT(canvas.num_placed(), 3);
}

TEST(ChipCanvas, CanvasSmallerThanMacro) {
  Netlist nl = macros_netlist(1, 200, 10);
  CanvasSpec spec;
  spec.width = spec.height = 100;
  try {
    ChipCanvas canvas(nl, spec);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'M0'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos);
  }
}

TEST(ChipCanvas, NoLegalCellLeft) {
  Netlist nl = macros_netlist(2, 60, 60);
  CanvasSpec spec;
  spec.width = spec.height = 100;
  ChipCanvas canvas(nl, spec);
  canvas.place(0, 50, 50);
  try {
    canvas.require_legal_mask(1);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no legal cell left for hard macro 'M1'"), std::string::npos) << e.what();
  }
}

TEST(ChipCanvas, CellGeometry) {
  Netlist nl = macros_netlist(1, 1, 1);
  CanvasSpec spec;
  spec.width = 240;
  spec.height = 210;
  spec.cols = 24;
  spec.rows = 21;
  ChipCanvas canvas(nl, spec);
  EXPECT_EQ(canvas.cell_of(0, 0), 0);
  EXPECT_EQ(canvas.cell_of(240, 210), 24 * 21 - 1);  // clamped
  EXPECT_EQ(canvas.cell_of(15, 25), 2 * 24 + 1);
  Point c = canvas.cell_center(2 * 24 + 1);
  EXPECT_DOUBLE_EQ(c.x, 15);
  EXPECT_DOUBLE_EQ(c.y, 25);
  EXPECT_EQ(canvas.orientations(0, true).size(), 8u);
}

TEST(ChipCanvas, LegalizedArianeIsLegal) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Netlist nl = read_netlist(testing::shared_data("chip/ariane133_ng45/netlist.pb.txt.gz"));
  const std::string path = testing::shared_data("chip/ariane133_ng45/legalized.plc");
  Placement p = apply_plc(nl, read_plc(path), path);
  ChipCanvas canvas(nl, nl.spec());
  for (int64_t m : nl.hard_macros()) {
    EXPECT_TRUE(canvas.is_legal(m, p.x[m], p.y[m], p.orientation[m])) << nl.node(m).name;
    canvas.place(m, p.x[m], p.y[m], p.orientation[m]);
  }
}

}  // namespace
}  // namespace tessera::chip
