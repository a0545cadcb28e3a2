#pragma once
// Random clustered netlists in Circuit Training's form (hard macros with pins, soft macros with pins,
// ports on the boundary, nets = driver pin + sinks) for pre-training the RL placer on more than the few
// real designs. Nets have locality: every object gets a hidden location and a net connects a driver
// with objects near it, so good placements exist and differ from bad ones by a wide margin (like real
// designs, unlike uniform random graphs). Soft macros start at their hidden locations (as CT's grouping
// places clusters at the centroid of their cells); hard macros start at the canvas centre.
#include <cstdint>
#include <string>

#include "tessera/problems/netlist.h"

namespace tessera::chip {

struct RandomNetlistOptions {
  int hard_macros = 16;
  int soft_macros = 40;
  int ports = 16;
  int nets = 200;
  int size_classes = 2;          ///< distinct hard-macro sizes
  double hard_utilization = 0.3; ///< total hard-macro area / canvas area
  double soft_utilization = 0.3; ///< total soft-macro area / canvas area
  double canvas = 1000;          ///< square canvas side (µm)
  int grid = 0;                  ///< rows = cols; 0 = about one cell per mean hard-macro area
  int max_sinks = 4;
  double routes_per_micron = 0.15;  ///< scaled to the small net count so congestion matters
  void validate() const;
};

/// Builds and finalizes a netlist (spec set: canvas, grid, routing); deterministic in seed.
Netlist generate_random_netlist(const RandomNetlistOptions& options, uint64_t seed, const std::string& name);

}  // namespace tessera::chip
