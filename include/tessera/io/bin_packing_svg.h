#pragma once
// Picture of a bin packing: one column per bin, fullest first, each item a block whose height is its
// weight (coloured by weight / capacity, with a tooltip naming the item), the capacity as a line, and
// a header with the bin count, the L2 lower bound and the optimum when known.
#include <string>

#include "tessera/core/svg.h"
#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

svg::Document packing_svg(const BinPackingInstance& instance, const Packing& packing, const std::string& caption);

/// Writes packing_svg() to path atomically.
void write_packing_svg(const BinPackingInstance& instance, const Packing& packing, const std::string& caption,
                       const std::string& path);

}  // namespace tessera::binpack
