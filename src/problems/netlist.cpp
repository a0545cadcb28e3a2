#include "tessera/problems/netlist.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "tessera/core/error.h"

namespace tessera::chip {

const char* node_type_name(NodeType type) {
  switch (type) {
    case NodeType::kHardMacro: return "hard_macro";
    case NodeType::kSoftMacro: return "soft_macro";
    case NodeType::kHardMacroPin: return "hard_macro_pin";
    case NodeType::kSoftMacroPin: return "soft_macro_pin";
    case NodeType::kPort: return "port";
    case NodeType::kStdCell: return "stdcell";
  }
  return "?";
}

const char* orientation_name(Orientation o) {
  static const char* names[] = {"N", "FN", "S", "FS", "E", "FE", "W", "FW"};
  return names[static_cast<int>(o)];
}

bool parse_orientation(std::string_view s, Orientation& out) {
  static const char* names[] = {"N", "FN", "S", "FS", "E", "FE", "W", "FW"};
  for (int i = 0; i < 8; ++i) {
    if (s == names[i]) {
      out = static_cast<Orientation>(i);
      return true;
    }
  }
  return false;
}

Point orient_offset(Orientation o, double dx, double dy) {
  switch (o) {
    case Orientation::N: return {dx, dy};
    case Orientation::FN: return {-dx, dy};
    case Orientation::S: return {-dx, -dy};
    case Orientation::FS: return {dx, -dy};
    case Orientation::E: return {dy, -dx};
    case Orientation::FE: return {-dy, -dx};
    case Orientation::W: return {-dy, dx};
    case Orientation::FW: return {dy, dx};
  }
  return {dx, dy};
}

void CanvasSpec::validate() const {
  if (!(width > 0) || !(height > 0))
    throw UsageError("canvas width and height must be positive (got " + std::to_string(width) + " x " +
                     std::to_string(height) + ")");
  if (cols <= 0 || rows <= 0)
    throw UsageError("grid columns and rows must be positive (got " + std::to_string(cols) + " x " +
                     std::to_string(rows) + ")");
  if (smoothing_range < 0) throw UsageError("smoothing range must be >= 0");
  if (!(hroutes_per_micron > 0) || !(vroutes_per_micron > 0))
    throw UsageError("routes per micron must be positive");
}

int64_t Netlist::add_node(Node node) {
  int64_t id = num_nodes();
  if (!by_name_.emplace(node.name, id).second)
    throw InputError(source_, 0, "duplicate node name '" + node.name + "'");
  nodes_.push_back(std::move(node));
  return id;
}

void Netlist::add_net(Net net) { nets_.push_back(std::move(net)); }

int64_t Netlist::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

void Netlist::finalize() {
  hard_macros_.clear();
  soft_macros_.clear();
  macros_.clear();
  ports_.clear();
  stdcells_.clear();
  const int64_t n = num_nodes();
  for (int64_t i = 0; i < n; ++i) {
    Node& nd = nodes_[i];
    nd.pins.clear();
    nd.net = -1;
    switch (nd.type) {
      case NodeType::kHardMacro: hard_macros_.push_back(i); macros_.push_back(i); break;
      case NodeType::kSoftMacro: soft_macros_.push_back(i); macros_.push_back(i); break;
      case NodeType::kPort: ports_.push_back(i); break;
      case NodeType::kStdCell: stdcells_.push_back(i); break;
      default: break;
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    Node& nd = nodes_[i];
    if (!nd.is_pin()) continue;
    if (nd.macro < 0 || nd.macro >= n || !nodes_[nd.macro].is_macro())
      throw InputError(source_, 0, "pin '" + nd.name + "' does not belong to a macro");
    nd.type = nodes_[nd.macro].type == NodeType::kSoftMacro ? NodeType::kSoftMacroPin : NodeType::kHardMacroPin;
    nodes_[nd.macro].pins.push_back(i);
  }
  nets_of_.assign(n, {});
  for (int64_t e = 0; e < static_cast<int64_t>(nets_.size()); ++e) {
    Net& net = nets_[e];
    if (net.driver < 0 || net.driver >= n) throw InputError(source_, 0, "net with an invalid driver index");
    nodes_[net.driver].net = e;
    nets_of_[net.driver].push_back(e);
    for (int64_t s : net.sinks) {
      if (s < 0 || s >= n) throw InputError(source_, 0, "net of '" + nodes_[net.driver].name + "' has an invalid sink");
      nets_of_[s].push_back(e);
    }
  }
  for (auto& list : nets_of_) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
}

double Netlist::total_area() const {
  double a = 0;
  for (const Node& nd : nodes_)
    if (nd.is_macro() || nd.type == NodeType::kStdCell) a += nd.width * nd.height;
  return a;
}

NetlistStats Netlist::stats() const {
  NetlistStats s;
  s.nodes = num_nodes();
  for (const Node& nd : nodes_) {
    switch (nd.type) {
      case NodeType::kHardMacro: ++s.hard_macros; s.hard_macro_area += nd.width * nd.height; break;
      case NodeType::kSoftMacro: ++s.soft_macros; s.soft_macro_area += nd.width * nd.height; break;
      case NodeType::kHardMacroPin: ++s.hard_macro_pins; break;
      case NodeType::kSoftMacroPin: ++s.soft_macro_pins; break;
      case NodeType::kPort: ++s.ports; break;
      case NodeType::kStdCell: ++s.stdcells; s.stdcell_area += nd.width * nd.height; break;
    }
  }
  s.nets = static_cast<int64_t>(nets_.size());
  for (const Net& net : nets_) {
    s.net_pins += 1 + static_cast<int64_t>(net.sinks.size());
    s.weighted_nets += net.weight;
  }
  return s;
}

ObjectGraph Netlist::to_graph(bool include_stdcells, int clique_limit) const {
  ObjectGraph og;
  const int64_t n = num_nodes();
  og.object_of.assign(n, -1);
  for (int64_t i = 0; i < n; ++i) {
    const Node& nd = nodes_[i];
    if (nd.is_macro() || nd.type == NodeType::kPort || (include_stdcells && nd.type == NodeType::kStdCell)) {
      og.object_of[i] = static_cast<int64_t>(og.node_of.size());
      og.node_of.push_back(i);
    }
  }
  for (int64_t i = 0; i < n; ++i)
    if (nodes_[i].is_pin()) og.object_of[i] = og.object_of[nodes_[i].macro];
  const int64_t m = static_cast<int64_t>(og.node_of.size());
  graph::GraphBuilder builder(m);
  std::vector<int64_t> objs;
  for (const Net& net : nets_) {
    objs.clear();
    int64_t d = og.object_of[net.driver];
    if (d >= 0) objs.push_back(d);
    for (int64_t s : net.sinks) {
      int64_t o = og.object_of[s];
      if (o >= 0) objs.push_back(o);
    }
    std::sort(objs.begin() + (objs.empty() ? 0 : 1), objs.end());
    objs.erase(std::unique(objs.begin() + (objs.empty() ? 0 : 1), objs.end()), objs.end());
    if (d >= 0) objs.erase(std::remove(objs.begin() + 1, objs.end(), d), objs.end());
    const int64_t k = static_cast<int64_t>(objs.size());
    if (k < 2) continue;
    const double w = net.weight / static_cast<double>(k - 1);
    if (k <= clique_limit) {
      for (int64_t a = 0; a < k; ++a)
        for (int64_t b = a + 1; b < k; ++b) builder.add_edge(objs[a], objs[b], w);
    } else {
      for (int64_t b = 1; b < k; ++b) builder.add_edge(objs[0], objs[b], w);
    }
  }
  std::vector<double> weights(m);
  for (int64_t v = 0; v < m; ++v) {
    const Node& nd = nodes_[og.node_of[v]];
    weights[v] = std::max(1e-6, nd.width * nd.height);
  }
  builder.set_node_weights(weights);
  og.graph = builder.build();
  const double W = spec_.width > 0 ? spec_.width : 1.0, H = spec_.height > 0 ? spec_.height : 1.0;
  auto feats = torch::zeros({m, 8}, torch::kFloat32);
  auto acc = feats.accessor<float, 2>();
  for (int64_t v = 0; v < m; ++v) {
    const Node& nd = nodes_[og.node_of[v]];
    int t = nd.type == NodeType::kHardMacro ? 0 : nd.type == NodeType::kSoftMacro ? 1 : nd.type == NodeType::kPort ? 2 : 3;
    acc[v][t] = 1;
    acc[v][4] = static_cast<float>(nd.width / W);
    acc[v][5] = static_cast<float>(nd.height / H);
    acc[v][6] = static_cast<float>(nd.x / W);
    acc[v][7] = static_cast<float>(nd.y / H);
  }
  og.graph.set_features(feats);
  return og;
}

}  // namespace tessera::chip
