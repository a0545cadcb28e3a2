#pragma once
// Reader of GSRC Bookshelf placement benchmarks (ICCAD'04 IBM mixed-size): .aux naming .nodes, .nets,
// .pl, .scl (and .wts). Produces a chip Netlist: terminals become ports, movable nodes taller than
// `macro_height_rows` rows become hard macros (each net pin on them a hard-macro pin with its offset),
// the rest std cells; one net per Bookshelf net with the first output pin (or first pin) as driver.
// The canvas is the row area of the .scl (times `scale`), the grid chosen by ChipCanvas::choose_grid.
#include <string>

#include "tessera/problems/netlist.h"

namespace tessera::chip {

struct BookshelfOptions {
  double scale = 1.0;          ///< coordinate multiplier (MP's CT conversion of ibm01 uses 0.01)
  double macro_height_rows = 1.5;  ///< a movable node taller than this many rows is a macro
};

Netlist read_bookshelf(const std::string& aux_path, const BookshelfOptions& options = {});

}  // namespace tessera::chip
