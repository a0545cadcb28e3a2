#include "tessera/problems/chip_placement.h"

namespace tessera::chip {

Placement::Placement(const Netlist& netlist) {
  const int64_t n = netlist.num_nodes();
  x.resize(n);
  y.resize(n);
  orientation.resize(n);
  fixed.assign(n, 0);
  for (int64_t i = 0; i < n; ++i) {
    const Node& nd = netlist.node(i);
    x[i] = nd.x;
    y[i] = nd.y;
    orientation[i] = nd.orientation;
  }
}

Point Placement::position(const Netlist& netlist, int64_t node) const {
  const Node& nd = netlist.node(node);
  if (nd.type == NodeType::kHardMacroPin) {
    const int64_t m = nd.macro;
    Point off = orient_offset(orientation[m], nd.x_offset, nd.y_offset);
    return {x[m] + off.x, y[m] + off.y};
  }
  if (nd.type == NodeType::kSoftMacroPin) return {x[nd.macro], y[nd.macro]};
  return {x[node], y[node]};
}

double Placement::placed_width(const Netlist& netlist, int64_t node) const {
  const Node& nd = netlist.node(node);
  return is_rotated(orientation[node]) ? nd.height : nd.width;
}

double Placement::placed_height(const Netlist& netlist, int64_t node) const {
  const Node& nd = netlist.node(node);
  return is_rotated(orientation[node]) ? nd.width : nd.height;
}

}  // namespace tessera::chip
