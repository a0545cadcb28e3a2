#include "tessera/io/plc_io.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"
#include "tessera/cost/proxy_cost.h"

namespace tessera::chip {

namespace {

// Header lines of make_plc that written_for_clustered_netlist reads back.
constexpr const char* kWrittenByTessera = "Written by : tessera chip";
constexpr const char* kSoftMacroCount = "SOFT_MACROs";

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

/// Splits "key : value  key2 : value2" style text into the numbers after each ':'.
std::vector<double> numbers_after_colons(const std::string& s) {
  std::vector<double> out;
  size_t p = 0;
  while ((p = s.find(':', p)) != std::string::npos) {
    ++p;
    while (p < s.size() && s[p] == ' ') ++p;
    size_t e = p;
    while (e < s.size() && s[e] != ' ' && s[e] != '\t') ++e;
    double d;
    if (parse_double(std::string_view(s).substr(p, e - p), d)) out.push_back(d);
  }
  return out;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

PlcFile read_plc(const std::string& path) {
  TextReader reader(path);
  PlcFile plc;
  std::string line;
  std::vector<std::string_view> fields;
  bool in_body = false;
  while (reader.next_line(line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') {
      if (in_body) {
        plc.trailer_lines.push_back(line);
        continue;
      }
      plc.header_lines.push_back(line);
      if (t.empty()) continue;
      std::string h = trim(std::string_view(t).substr(1));
      auto nums = numbers_after_colons(h);
      auto need = [&](size_t k, const char* what) {
        if (nums.size() < k) reader.fail(std::string("malformed header line: expected ") + what);
      };
      if (starts_with(h, "Columns")) {
        need(2, "'Columns : C  Rows : R'");
        if (nums[0] < 1 || nums[1] < 1 || nums[0] != std::floor(nums[0]) || nums[1] != std::floor(nums[1]))
          reader.fail("grid columns and rows must be positive integers");
        plc.spec.cols = static_cast<int>(nums[0]);
        plc.spec.rows = static_cast<int>(nums[1]);
        plc.has_grid = true;
      } else if (starts_with(h, "Width")) {
        need(2, "'Width : W  Height : H'");
        if (!(nums[0] > 0) || !(nums[1] > 0)) reader.fail("canvas width and height must be positive");
        plc.spec.width = nums[0];
        plc.spec.height = nums[1];
        plc.has_canvas = true;
      } else if (starts_with(h, "Routes per micron")) {
        need(2, "'Routes per micron, hor : h  ver : v'");
        plc.spec.hroutes_per_micron = nums[0];
        plc.spec.vroutes_per_micron = nums[1];
      } else if (starts_with(h, "Routes used by macros")) {
        need(2, "'Routes used by macros, hor : h  ver : v'");
        plc.spec.hrouting_alloc = nums[0];
        plc.spec.vrouting_alloc = nums[1];
      } else if (starts_with(h, "Smoothing factor")) {
        need(1, "'Smoothing factor : s'");
        plc.spec.smoothing_range = static_cast<int>(std::floor(nums[0]));
      } else if (starts_with(h, "Overlap threshold")) {
        need(1, "'Overlap threshold : t'");
        plc.spec.overlap_threshold = nums[0];
      } else if (starts_with(h, "Wirelength cost")) {
        if (!nums.empty()) plc.wirelength_cost = nums[0];
      } else if (starts_with(h, "Wirelength")) {
        if (!nums.empty()) plc.wirelength = nums[0];
      } else if (starts_with(h, "Congestion cost")) {
        if (!nums.empty()) plc.congestion_cost = nums[0];
      } else if (starts_with(h, "Density cost")) {
        if (!nums.empty()) plc.density_cost = nums[0];
      } else if (starts_with(h, "Blockage")) {
        size_t c = h.find(':');
        std::vector<std::string_view> bf;
        std::string rest = h.substr(c + 1);
        split_ws(rest, bf);
        std::vector<double> b;
        for (auto f : bf) {
          double d;
          if (!parse_double(f, d)) reader.fail("malformed blockage: expected 'Blockage : x1 y1 x2 y2 rate'");
          b.push_back(d);
        }
        if (b.size() != 5) reader.fail("malformed blockage: expected 'Blockage : x1 y1 x2 y2 rate'");
        plc.spec.blockages.push_back(b);
      }
      continue;
    }
    in_body = true;
    split_ws(t, fields);
    if (fields.size() < 3 || fields.size() > 5)
      reader.fail("expected 'node_index x y orientation fixed', found " + std::to_string(fields.size()) + " fields");
    PlcEntry e;
    int64_t idx;
    if (!parse_int(fields[0], idx) || idx < 0) reader.fail("node index '" + std::string(fields[0]) + "' is not a non-negative integer");
    e.node = idx;
    if (!parse_double(fields[1], e.x) || !parse_double(fields[2], e.y) || !std::isfinite(e.x) || !std::isfinite(e.y))
      reader.fail("coordinates of node " + std::to_string(idx) + " are not numbers");
    e.orientation = fields.size() >= 4 ? std::string(fields[3]) : "-";
    Orientation o;
    if (e.orientation != "-" && !parse_orientation(e.orientation, o))
      reader.fail("orientation '" + e.orientation + "' of node " + std::to_string(idx) +
                  " is not one of -, N, FN, S, FS, E, FE, W, FW");
    if (fields.size() == 5) {
      int64_t f;
      if (!parse_int(fields[4], f) || (f != 0 && f != 1)) reader.fail("fixed flag must be 0 or 1");
      e.fixed = static_cast<int>(f);
    }
    e.text = line;
    plc.entries.push_back(std::move(e));
  }
  plc.spec.from_plc = true;
  return plc;
}

void write_plc(const std::string& path, const PlcFile& plc) {
  write_file_atomic(path, [&](std::ostream& out) {
    for (const auto& l : plc.header_lines) out << l << '\n';
    for (const auto& e : plc.entries) {
      if (!e.text.empty()) {
        out << e.text << '\n';
      } else {
        out << e.node << ' ' << fmt::format("{:.3f}", e.x) << ' ' << fmt::format("{:.3f}", e.y) << ' '
            << e.orientation << ' ' << e.fixed << '\n';
      }
    }
    for (const auto& l : plc.trailer_lines) out << l << '\n';
  });
}

Placement apply_plc(Netlist& netlist, const PlcFile& plc, const std::string& path) {
  Placement p(netlist);
  const int64_t n = netlist.num_nodes();
  std::vector<uint8_t> seen(n, 0);
  const int64_t header_lines = static_cast<int64_t>(plc.header_lines.size());
  for (size_t k = 0; k < plc.entries.size(); ++k) {
    const PlcEntry& e = plc.entries[k];
    const int64_t line = header_lines + static_cast<int64_t>(k) + 1;
    if (e.node >= n)
      throw InputError(path, line, "node index " + std::to_string(e.node) + " is out of range (the netlist has " +
                                       std::to_string(n) + " nodes)");
    const Node& nd = netlist.node(e.node);
    if (!nd.is_macro() && nd.type != NodeType::kPort && nd.type != NodeType::kStdCell)
      throw InputError(path, line, "node index " + std::to_string(e.node) + " is '" + nd.name + "', a " +
                                       node_type_name(nd.type) + "; expected a macro or port");
    if (seen[e.node]) throw InputError(path, line, "node " + std::to_string(e.node) + " ('" + nd.name + "') placed twice");
    seen[e.node] = 1;
    p.x[e.node] = e.x;
    p.y[e.node] = e.y;
    if (e.orientation != "-") parse_orientation(e.orientation, p.orientation[e.node]);
    p.fixed[e.node] = static_cast<uint8_t>(e.fixed);
  }
  int64_t missing = 0;
  std::string first_missing;
  auto check = [&](const std::vector<int64_t>& ids) {
    for (int64_t i : ids)
      if (!seen[i]) {
        if (missing++ == 0) first_missing = netlist.node(i).name + " (index " + std::to_string(i) + ")";
      }
  };
  check(netlist.macros());
  check(netlist.ports());
  // A .plc without node lines (Circuit Training's test data has such files) sets the canvas and grid only; the
  // nodes keep the netlist's own positions, which must then all be there.
  if (plc.entries.empty() && missing > 0) {
    int64_t unplaced = 0;
    std::string first_unplaced;
    for (const auto* ids : {&netlist.macros(), &netlist.ports(), &netlist.stdcells()})
      for (int64_t i : *ids)
        if (!netlist.node(i).has_position && unplaced++ == 0) first_unplaced = netlist.node(i).name;
    if (unplaced > 0)
      throw InputError(path, 0, "the .plc has no node lines and " + std::to_string(unplaced) +
                                    " nodes of the netlist have no position either, first " + first_unplaced);
    missing = 0;
  }
  if (missing > 0)
    throw InputError(path, 0, "the .plc does not match the netlist: " + std::to_string(missing) +
                                  " macros/ports have no line, first " + first_missing + "; it has " +
                                  std::to_string(plc.entries.size()) + " lines, the netlist " +
                                  std::to_string(netlist.macros().size() + netlist.ports().size()) + " macros + ports");
  CanvasSpec spec = plc.spec;
  if (!plc.has_canvas) {
    spec.width = netlist.spec().width;
    spec.height = netlist.spec().height;
  }
  if (!plc.has_grid) {
    spec.cols = netlist.spec().cols;
    spec.rows = netlist.spec().rows;
  }
  netlist.spec() = spec;
  return p;
}

bool written_for_clustered_netlist(const PlcFile& plc) {
  bool tessera = false;
  int64_t soft = 0;
  for (const auto& h : plc.header_lines) {
    if (h.find(kWrittenByTessera) != std::string::npos) tessera = true;
    const auto k = h.find(kSoftMacroCount);
    const auto colon = k == std::string::npos ? k : h.find(':', k);
    if (colon != std::string::npos) soft = std::atoll(h.c_str() + colon + 1);
  }
  return tessera && soft > 0;
}

PlcFile make_plc(const Netlist& netlist, const Placement& placement, const CanvasSpec& spec,
                 const std::string& netlist_path, const ProxyCostResult* cost) {
  PlcFile plc;
  plc.spec = spec;
  auto& h = plc.header_lines;
  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
  const NetlistStats st = netlist.stats();
  h.push_back("# Placement file for Circuit Training");
  h.push_back("# Source input file(s) : " + netlist_path);
  h.push_back(std::string("# ") + kWrittenByTessera);
  h.push_back(std::string("# Date : ") + date);
  h.push_back(fmt::format("# Columns : {}  Rows : {}", spec.cols, spec.rows));
  h.push_back(fmt::format("# Width : {:.3f}  Height : {:.3f}", spec.width, spec.height));
  h.push_back(fmt::format("# Area (stdcell+macros) : {}", netlist.total_area()));
  if (cost) {
    h.push_back(fmt::format("# Wirelength : {:.3f}", cost->wirelength));
    h.push_back(fmt::format("# Wirelength cost : {:.4f}", cost->wirelength_cost));
    h.push_back(fmt::format("# Congestion cost : {:.4f}", cost->congestion_cost));
    h.push_back(fmt::format("# Density cost : {:.4f}", cost->density_cost));
  }
  h.push_back(fmt::format("# Routes per micron, hor : {}  ver : {}", spec.hroutes_per_micron, spec.vroutes_per_micron));
  h.push_back(fmt::format("# Routes used by macros, hor : {}  ver : {}", spec.hrouting_alloc, spec.vrouting_alloc));
  h.push_back(fmt::format("# Smoothing factor : {}", spec.smoothing_range));
  h.push_back(fmt::format("# Overlap threshold : {}", spec.overlap_threshold));
  for (const auto& b : spec.blockages)
    h.push_back(fmt::format("# Blockage : {} {} {} {} {}", b[0], b[1], b[2], b[3], b[4]));
  h.push_back("#");
  h.push_back("# Counts of node types:");
  h.push_back(fmt::format("# HARD_MACROs     : {:>9}", st.hard_macros));
  h.push_back(fmt::format("# HARD_MACRO_PINs : {:>9}", st.hard_macro_pins));
  h.push_back(fmt::format("# MACROs          : {:>9}", st.hard_macros + st.soft_macros));
  h.push_back(fmt::format("# MACRO_PINs      : {:>9}", st.hard_macro_pins + st.soft_macro_pins));
  h.push_back(fmt::format("# PORTs           : {:>9}", st.ports));
  h.push_back(fmt::format("# {}     : {:>9}", kSoftMacroCount, st.soft_macros));
  h.push_back(fmt::format("# SOFT_MACRO_PINs : {:>9}", st.soft_macro_pins));
  h.push_back(fmt::format("# STDCELLs        : {:>9}", st.stdcells));
  h.push_back("#");
  h.push_back("# node_index x y orientation fixed");
  plc.has_grid = plc.has_canvas = true;
  for (int64_t i = 0; i < netlist.num_nodes(); ++i) {
    const Node& nd = netlist.node(i);
    if (!nd.is_macro() && nd.type != NodeType::kPort) continue;
    PlcEntry e;
    e.node = i;
    e.x = placement.x[i];
    e.y = placement.y[i];
    e.orientation = nd.type == NodeType::kPort ? "-" : orientation_name(placement.orientation[i]);
    e.fixed = placement.fixed.empty() ? 0 : placement.fixed[i];
    plc.entries.push_back(std::move(e));
  }
  return plc;
}

}  // namespace tessera::chip
