#pragma once
// Circuit Training placement files (.plc): a `#` comment header with `key : value` pairs (grid,
// canvas, routing, smoothing, costs, counts, blockages) and a body `node_index x y orientation fixed`
// per macro and port. Reading keeps every header line verbatim, so read + write round-trips exactly.
#include <optional>
#include <string>
#include <vector>

#include "tessera/problems/chip_placement.h"
#include "tessera/problems/netlist.h"

namespace tessera::chip {

struct ProxyCostResult;

struct PlcEntry {
  int64_t node = -1;
  double x = 0, y = 0;
  std::string orientation;  ///< "-" for ports
  int fixed = 0;
  std::string text;  ///< the line as written (exact round-trip); empty for generated entries
};

struct PlcFile {
  std::vector<std::string> header_lines;  ///< every line before the body, verbatim (with '#')
  std::vector<PlcEntry> entries;
  std::vector<std::string> trailer_lines; ///< comment/blank lines after the first body line, verbatim
  CanvasSpec spec;                         ///< parsed from the header (defaults where absent)
  bool has_grid = false, has_canvas = false;
  std::optional<double> wirelength, wirelength_cost, congestion_cost, density_cost;  ///< header values
};

/// Parses a .plc file (InputError with file/line on malformed lines).
PlcFile read_plc(const std::string& path);
/// Writes `plc` exactly as read (header lines, then entries with their original text).
void write_plc(const std::string& path, const PlcFile& plc);

/// Applies a .plc to a netlist: sets netlist.spec() from the header and returns the placement.
/// Throws InputError naming the file and line when an index is out of range, names a node that is not
/// a macro/port, or when the set of entries does not match the netlist's macros + ports.
Placement apply_plc(Netlist& netlist, const PlcFile& plc, const std::string& path);

/// Builds a .plc for a placement (CT header with grid, canvas, routing, smoothing, the given costs and
/// node-type counts; one body line per macro and port).
PlcFile make_plc(const Netlist& netlist, const Placement& placement, const CanvasSpec& spec,
                 const std::string& netlist_path, const ProxyCostResult* cost = nullptr);

/// Whether make_plc wrote this file for a netlist with soft macros (its header names tessera and counts
/// them): such a file places a clustered netlist's nodes, so a flat netlist must be clustered the same way
/// to read it.
bool written_for_clustered_netlist(const PlcFile& plc);

}  // namespace tessera::chip
