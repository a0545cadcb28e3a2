#pragma once
// The chip netlist of Circuit Training (CT): hard macros, soft macros (std-cell clusters, names
// starting "Grp"), macro pins with offsets, ports, std cells, and nets (driver + sinks, weight), plus the
// canvas/grid/routing parameters (CanvasSpec) that the proxy cost needs. Node indices are the file
// order of the .pb.txt (pins included, __metadata__ excluded), the indices .plc files use.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tessera/graph/graph.h"

namespace tessera::chip {

enum class NodeType : uint8_t { kHardMacro, kSoftMacro, kHardMacroPin, kSoftMacroPin, kPort, kStdCell };
const char* node_type_name(NodeType type);

/// Macro orientations (LEF/DEF names). E-family orientations swap width and height.
enum class Orientation : uint8_t { N, FN, S, FS, E, FE, W, FW };
const char* orientation_name(Orientation o);
/// Case-sensitive parse of N, FN, S, FS, E, FE, W, FW; false otherwise.
bool parse_orientation(std::string_view s, Orientation& out);
/// True for E, FE, W, FW (width and height swapped).
inline bool is_rotated(Orientation o) { return static_cast<int>(o) >= 4; }

struct Point {
  double x = 0, y = 0;
};

/// Pin offset (dx, dy) given for orientation N, turned into orientation o:
/// N (x, y), FN (−x, y), S (−x, −y), FS (x, −y), E (y, −x), FE (−y, −x), W (−y, x), FW (y, x).
Point orient_offset(Orientation o, double dx, double dy);

struct Node {
  std::string name;
  NodeType type = NodeType::kStdCell;
  double width = 0, height = 0;  ///< macros and std cells, orientation N
  double x = 0, y = 0;           ///< centre (macros, cells), position (ports, pins as given in the file)
  bool has_position = false;     ///< x and y were given in the file
  Orientation orientation = Orientation::N;
  int64_t macro = -1;            ///< pins: node index of the owning macro
  double x_offset = 0, y_offset = 0;  ///< pins: offset from the macro centre (orientation N)
  double weight = 1;             ///< net weight when this node drives a net
  std::string side;              ///< ports: LEFT/RIGHT/TOP/BOTTOM when given
  std::vector<int64_t> pins;     ///< macros: their pin nodes
  int64_t net = -1;              ///< index of the net this node drives, -1 if none
  int64_t cluster = -1;          ///< std cells: soft macro that contains it (-1 = none)

  bool is_macro() const { return type == NodeType::kHardMacro || type == NodeType::kSoftMacro; }
  bool is_pin() const { return type == NodeType::kHardMacroPin || type == NodeType::kSoftMacroPin; }
};

/// A net: the driver plus its sinks (node indices), weight = the driver's `weight` attribute.
struct Net {
  int64_t driver = -1;
  std::vector<int64_t> sinks;
  double weight = 1;
};

/// Canvas, grid and routing parameters (from a .plc header, or the defaults of the spec).
struct CanvasSpec {
  double width = 0, height = 0;  ///< µm
  int cols = 10, rows = 10;
  double hroutes_per_micron = 70.33, vroutes_per_micron = 74.51;
  double hrouting_alloc = 51.79, vrouting_alloc = 51.79;  ///< routes used by macros per µm
  int smoothing_range = 5;
  double overlap_threshold = 0.004;
  std::vector<std::vector<double>> blockages;  ///< "# Blockage : x1 y1 x2 y2 rate" lines
  bool from_plc = false;
  double cell_width() const { return width / cols; }
  double cell_height() const { return height / rows; }
  /// Throws UsageError on non-positive sizes/grid.
  void validate() const;
};

/// Counts reported by `tessera chip stats`.
struct NetlistStats {
  int64_t nodes = 0, hard_macros = 0, soft_macros = 0, hard_macro_pins = 0, soft_macro_pins = 0, ports = 0,
          stdcells = 0, nets = 0, net_pins = 0;
  double weighted_nets = 0, hard_macro_area = 0, soft_macro_area = 0, stdcell_area = 0;
};

/// Object graph for GNNs / METIS: one graph node per hard macro, soft macro, port (and std cell when
/// asked); nets become cliques (degree <= clique_limit) or stars on the driver, edge weight
/// w / (k − 1) for a net of k distinct objects; parallel edges summed.
struct ObjectGraph {
  graph::Graph graph;
  std::vector<int64_t> node_of;    ///< graph node -> netlist node
  std::vector<int64_t> object_of;  ///< netlist node -> graph node (pins map to their macro), -1 if none
};

class Netlist {
 public:
  Netlist() = default;

  // ----- construction (readers); finalize() builds the index lists and checks references
  int64_t add_node(Node node);
  void add_net(Net net);
  /// Builds index lists, macro pin lists, soft/hard pin types; throws InputError(source, 0, ...) on
  /// a pin naming a node that is not a macro, a net with an out-of-range node, etc.
  void finalize();

  const std::string& source() const { return source_; }
  void set_source(std::string s) { source_ = std::move(s); }

  int64_t num_nodes() const { return static_cast<int64_t>(nodes_.size()); }
  const Node& node(int64_t i) const { return nodes_[i]; }
  Node& mutable_node(int64_t i) { return nodes_[i]; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Net>& nets() const { return nets_; }
  /// Index of the node with this name, -1 when absent.
  int64_t find(const std::string& name) const;

  const std::vector<int64_t>& hard_macros() const { return hard_macros_; }
  const std::vector<int64_t>& soft_macros() const { return soft_macros_; }
  /// Hard and soft macros in file order (the .plc body order together with ports).
  const std::vector<int64_t>& macros() const { return macros_; }
  const std::vector<int64_t>& ports() const { return ports_; }
  const std::vector<int64_t>& stdcells() const { return stdcells_; }
  /// Nets that each node (pin, port, cell; not macros) is on, as driver or sink.
  const std::vector<int64_t>& nets_of(int64_t node) const { return nets_of_[node]; }
  /// The node whose position a pin/port/cell follows: the owning macro for pins, itself otherwise.
  int64_t owner(int64_t node) const { return nodes_[node].is_pin() ? nodes_[node].macro : node; }

  /// Sum of macro (hard + soft) and std-cell areas.
  double total_area() const;
  NetlistStats stats() const;

  /// Metadata attributes of the `__metadata__` node (e.g. soft_macro_area_bloating_ratio).
  std::map<std::string, double>& metadata() { return metadata_; }
  const std::map<std::string, double>& metadata() const { return metadata_; }

  /// Canvas/grid/routing parameters (defaults until a .plc or choose_grid sets them).
  CanvasSpec& spec() { return spec_; }
  const CanvasSpec& spec() const { return spec_; }

  /// Object graph for GNNs and METIS (see ObjectGraph). Features [n, 8]: one-hot type (hard, soft,
  /// port, cell), width/W, height/H, x/W, y/H of the netlist's own positions.
  ObjectGraph to_graph(bool include_stdcells = false, int clique_limit = 16) const;

 private:
  std::string source_;
  std::vector<Node> nodes_;
  std::vector<Net> nets_;
  std::unordered_map<std::string, int64_t> by_name_;
  std::vector<int64_t> hard_macros_, soft_macros_, macros_, ports_, stdcells_;
  std::vector<std::vector<int64_t>> nets_of_;
  std::map<std::string, double> metadata_;
  CanvasSpec spec_;
};

}  // namespace tessera::chip
