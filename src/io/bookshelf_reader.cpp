#include "tessera/io/bookshelf_reader.h"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <unordered_map>

#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"
#include "tessera/problems/chip_canvas.h"

namespace tessera::chip {
namespace {

bool skip(const std::string& line, std::vector<std::string_view>& f) {
  split_ws(line, f);
  return f.empty() || f[0][0] == '#' || f[0] == "UCLA";
}

std::string dir_of(const std::string& path) {
  auto s = path.find_last_of('/');
  return s == std::string::npos ? "" : path.substr(0, s + 1);
}

struct BNode {
  std::string name;
  double w = 0, h = 0, x = 0, y = 0;
  bool terminal = false;
};

}  // namespace

Netlist read_bookshelf(const std::string& aux_path, const BookshelfOptions& options) {
  if (!(options.scale > 0)) throw UsageError("bookshelf: scale must be positive");
  std::string nodes_file, nets_file, pl_file, scl_file;
  {
    TextReader r(aux_path);
    std::string line;
    std::vector<std::string_view> f;
    while (r.next_line(line)) {
      split_ws(line, f);
      for (auto x : f) {
        std::string s(x);
        auto ends = [&](const char* e) { return s.size() > strlen(e) && s.compare(s.size() - strlen(e), strlen(e), e) == 0; };
        if (ends(".nodes")) nodes_file = dir_of(aux_path) + s;
        else if (ends(".nets")) nets_file = dir_of(aux_path) + s;
        else if (ends(".pl")) pl_file = dir_of(aux_path) + s;
        else if (ends(".scl")) scl_file = dir_of(aux_path) + s;
      }
    }
    if (nodes_file.empty() || nets_file.empty() || pl_file.empty() || scl_file.empty())
      throw InputError(aux_path, 0, "the .aux must name .nodes, .nets, .pl and .scl files");
  }
  std::vector<BNode> nodes;
  std::unordered_map<std::string, int64_t> index;
  std::string line;
  std::vector<std::string_view> f;
  {
    TextReader r(nodes_file);
    while (r.next_line(line)) {
      if (skip(line, f) || f[0] == "NumNodes" || f[0] == "NumTerminals") continue;
      if (f.size() < 3) r.fail("expected 'name width height [terminal]'");
      BNode n;
      n.name = std::string(f[0]);
      if (!parse_double(f[1], n.w) || !parse_double(f[2], n.h) || n.w < 0 || n.h < 0)
        r.fail("size of node '" + n.name + "' is not a pair of non-negative numbers");
      n.terminal = f.size() > 3 && f[3].substr(0, 8) == "terminal";
      if (!index.emplace(n.name, static_cast<int64_t>(nodes.size())).second) r.fail("duplicate node '" + n.name + "'");
      nodes.push_back(std::move(n));
    }
  }
  {
    TextReader r(pl_file);
    while (r.next_line(line)) {
      if (skip(line, f)) continue;
      if (f.size() < 3) r.fail("expected 'name x y : orientation'");
      auto it = index.find(std::string(f[0]));
      if (it == index.end()) r.fail("node '" + std::string(f[0]) + "' is not in " + nodes_file);
      if (!parse_double(f[1], nodes[it->second].x) || !parse_double(f[2], nodes[it->second].y))
        r.fail("coordinates of '" + std::string(f[0]) + "' are not numbers");
    }
  }
  double row_height = 0, x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  {
    TextReader r(scl_file);
    double coord = 0, height = 0, sitewidth = 1, origin = 0, nsites = 0;
    while (r.next_line(line)) {
      if (skip(line, f)) continue;
      std::string k(f[0]);
      auto num = [&](size_t i) {
        double d;
        if (f.size() <= i || !parse_double(f[i], d)) r.fail("expected a number after '" + k + " :'");
        return d;
      };
      if (k == "Coordinate") coord = num(2);
      else if (k == "Height") height = num(2);
      else if (k == "Sitewidth") sitewidth = num(2);
      else if (k == "SubrowOrigin") {
        origin = num(2);
        nsites = f.size() >= 6 ? num(5) : 0;
      } else if (k == "End") {
        row_height = std::max(row_height, height);
        x0 = std::min(x0, origin);
        x1 = std::max(x1, origin + nsites * sitewidth);
        y0 = std::min(y0, coord);
        y1 = std::max(y1, coord + height);
      }
    }
    if (!(x1 > x0) || !(y1 > y0)) r.fail("no complete CoreRow (Coordinate, Height, SubrowOrigin, End)");
  }
  const double s = options.scale;
  Netlist nl;
  nl.set_source(aux_path);
  std::vector<int64_t> id(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const BNode& b = nodes[i];
    Node n;
    n.name = b.name;
    n.width = b.w * s;
    n.height = b.h * s;
    n.x = (b.x + b.w / 2 - x0) * s;  // Bookshelf: lower-left corner; CT: centre
    n.y = (b.y + b.h / 2 - y0) * s;
    n.has_position = true;
    if (b.terminal) n.type = NodeType::kPort, n.width = n.height = 0;
    else if (b.h > options.macro_height_rows * row_height) n.type = NodeType::kHardMacro;
    else n.type = NodeType::kStdCell;
    id[i] = nl.add_node(std::move(n));
  }
  {
    TextReader r(nets_file);
    int64_t remaining = 0;
    Net net;
    int64_t driver_pos = -1, pin_count = 0;
    auto flush = [&] {
      if (net.sinks.empty()) return;
      std::vector<int64_t> all = net.sinks;
      const int64_t d = driver_pos >= 0 ? driver_pos : 0;
      net.driver = all[d];
      all.erase(all.begin() + d);
      net.sinks = all;
      if (!net.sinks.empty()) nl.add_net(net);
      net = Net{};
      driver_pos = -1;
    };
    while (r.next_line(line)) {
      if (skip(line, f) || f[0] == "NumNets" || f[0] == "NumPins") continue;
      if (f[0] == "NetDegree") {
        if (remaining != 0) r.fail("previous net has fewer pins than its NetDegree");
        flush();
        double deg;
        if (f.size() < 3 || !parse_double(f[2], deg) || deg < 0) r.fail("expected 'NetDegree : k'");
        remaining = static_cast<int64_t>(deg);
        continue;
      }
      if (remaining <= 0) r.fail("pin line outside a net (missing NetDegree)");
      auto it = index.find(std::string(f[0]));
      if (it == index.end()) r.fail("net pin names node '" + std::string(f[0]) + "', which is not in " + nodes_file);
      int64_t node = id[it->second];
      double dx = 0, dy = 0;
      if (f.size() >= 6) {
        parse_double(f[4], dx);
        parse_double(f[5], dy);
      }
      if (nl.node(node).type == NodeType::kHardMacro) {  // a pin node with its offset
        Node pin;
        pin.name = nl.node(node).name + "/p" + std::to_string(pin_count++);
        pin.type = NodeType::kHardMacroPin;
        pin.macro = node;
        pin.x_offset = dx * s;
        pin.y_offset = dy * s;
        node = nl.add_node(std::move(pin));
      }
      if (f.size() >= 2 && f[1] == "O" && driver_pos < 0) driver_pos = static_cast<int64_t>(net.sinks.size());
      net.sinks.push_back(node);
      --remaining;
    }
    if (remaining != 0) r.fail("last net has fewer pins than its NetDegree");
    flush();
  }
  nl.finalize();
  CanvasSpec spec = ChipCanvas::choose_grid(nl, false);
  spec.width = (x1 - x0) * s;
  spec.height = (y1 - y0) * s;
  nl.spec() = spec;
  return nl;
}

}  // namespace tessera::chip
