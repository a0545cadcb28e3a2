#include "tessera/io/netlist_reader.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

const char* kSmall = R"(# comment
node {
  name: "P0"
  input: "M0/p"
  attr { key: "type" value { placeholder: "PORT" } }
  attr { key: "x" value { f: 0 } }
  attr { key: "y" value { f: 10 } }
}
node {
  name: "M0"
  attr { key: "type" value { placeholder: "MACRO" } }
  attr { key: "width" value { f: 20 } }
  attr { key: "height" value { f: 10 } }
  attr { key: "x" value { f: 50 } }
  attr { key: "y" value { f: 50 } }
  attr { key: "orientation" value { placeholder: "N" } }
}
node {
  name: "M0/p"
  input: "P0"
  attr { key: "type" value { placeholder: "MACRO_PIN" } }
  attr { key: "macro_name" value { placeholder: "M0" } }
  attr { key: "x_offset" value { f: -5 } }
  attr { key: "y_offset" value { f: 2 } }
  attr { key: "weight" value { f: 3 } }
}
)";

std::string error_of(const std::string& text) {
  try {
    parse_netlist(text, "bad.pb.txt");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(NetlistReader, ParsesSmallNetlist) {
  Netlist nl = parse_netlist(kSmall, "small");
  ASSERT_EQ(nl.num_nodes(), 3);
  EXPECT_EQ(nl.node(0).type, NodeType::kPort);
  EXPECT_EQ(nl.node(1).type, NodeType::kHardMacro);
  EXPECT_EQ(nl.node(2).type, NodeType::kHardMacroPin);
  EXPECT_EQ(nl.node(2).macro, 1);
  ASSERT_EQ(nl.nets().size(), 2u);
  EXPECT_EQ(nl.nets()[1].driver, 2);
  EXPECT_DOUBLE_EQ(nl.nets()[1].weight, 3.0);
  EXPECT_EQ(nl.find("M0"), 1);
}

TEST(NetlistReader, ReadsGzipAriane) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Netlist nl = read_netlist(testing::shared_data("chip/ariane133_ng45/netlist.pb.txt.gz"));
  NetlistStats s = nl.stats();
  EXPECT_EQ(s.nodes, 19887);
  EXPECT_EQ(s.hard_macros, 133);
  EXPECT_EQ(s.soft_macros, 782);
  EXPECT_EQ(s.hard_macro_pins, 7847);
  EXPECT_EQ(s.soft_macro_pins, 10630);
  EXPECT_EQ(s.ports, 495);
  EXPECT_EQ(s.nets, 12422);
  EXPECT_EQ(s.net_pins, 44514);
  EXPECT_DOUBLE_EQ(s.weighted_nets, 22584);
  EXPECT_DOUBLE_EQ(nl.metadata().at("soft_macro_area_bloating_ratio"), 2.0);
}

TEST(NetlistReader, UnbalancedBraces) {
  std::string text = kSmall;
  text.erase(text.rfind('}'));
  auto e = error_of(text);
  EXPECT_NE(e.find("bad.pb.txt:"), std::string::npos) << e;
  EXPECT_NE(e.find("unbalanced braces"), std::string::npos) << e;
  EXPECT_NE(e.find("M0/p"), std::string::npos) << e;
  EXPECT_NE(error_of(std::string(kSmall) + "}\n").find("expected 'node {'"), std::string::npos);
}

TEST(NetlistReader, UnknownAttrType) {
  std::string text = kSmall;
  text.replace(text.find("f: 20"), 5, "list: 20");
  auto e = error_of(text);
  EXPECT_NE(e.find("unknown attr value type 'list'"), std::string::npos) << e;
  EXPECT_NE(e.find("bad.pb.txt:12:"), std::string::npos) << e;
}

TEST(NetlistReader, PinNamingMissingMacro) {
  std::string text = kSmall;
  text.replace(text.find("placeholder: \"M0\""), 17, "placeholder: \"M9\"");
  auto e = error_of(text);
  EXPECT_NE(e.find("names macro 'M9'"), std::string::npos) << e;
  EXPECT_NE(e.find("bad.pb.txt:22:"), std::string::npos) << e;
}

TEST(NetlistReader, InputNamingMissingNode) {
  std::string text = kSmall;
  text.replace(text.find("input: \"P0\""), 11, "input: \"P7\"");
  auto e = error_of(text);
  EXPECT_NE(e.find("input 'P7' of node 'M0/p' names a missing node"), std::string::npos) << e;
  EXPECT_NE(e.find("bad.pb.txt:20:"), std::string::npos) << e;
}

TEST(NetlistReader, UnknownNodeTypeAndMissingFile) {
  std::string text = kSmall;
  text.replace(text.find("\"PORT\""), 6, "\"WIRE\"");
  EXPECT_NE(error_of(text).find("unknown node type 'WIRE'"), std::string::npos);
  EXPECT_THROW(read_netlist("/nonexistent/netlist.pb.txt"), InputError);
}

}  // namespace
}  // namespace tessera::chip
