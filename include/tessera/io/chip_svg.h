#pragma once
// SVG picture of a chip placement: canvas and grid, a density or congestion heat map per cell, soft
// macros (translucent), hard macros (with orientation tick), ports.
#include <string>

#include "tessera/problems/chip_placement.h"
#include "tessera/problems/netlist.h"

namespace tessera::chip {

enum class HeatMap { kNone, kDensity, kCongestion };

/// Writes atomically. `title` goes above the canvas (e.g. method and costs).
void write_chip_svg(const std::string& path, const Netlist& netlist, const CanvasSpec& spec,
                    const Placement& placement, HeatMap heat = HeatMap::kCongestion, const std::string& title = "");

}  // namespace tessera::chip
