#pragma once
// A placement of a chip netlist: position (centre) and orientation of every macro, port and std cell,
// indexed by netlist node. Pins have no entry of their own: their positions derive from the owner.
#include <cstdint>
#include <vector>

#include "tessera/problems/netlist.h"

namespace tessera::chip {

class Placement {
 public:
  Placement() = default;
  /// The positions and orientations written in the netlist file; `fixed` all false.
  explicit Placement(const Netlist& netlist);

  int64_t size() const { return static_cast<int64_t>(x.size()); }

  /// Position of any node: macros/cells/ports their own (x, y); hard-macro pins the macro centre plus
  /// the offset turned by the macro's orientation; soft-macro pins the soft macro's centre.
  Point position(const Netlist& netlist, int64_t node) const;
  /// Width and height of a macro or cell as placed (swapped for E-family orientations).
  double placed_width(const Netlist& netlist, int64_t node) const;
  double placed_height(const Netlist& netlist, int64_t node) const;

  std::vector<double> x, y;                ///< per node (pins: unused)
  std::vector<Orientation> orientation;    ///< per node
  std::vector<uint8_t> fixed;              ///< per node: 1 = must not move (from the .plc)
};

}  // namespace tessera::chip
