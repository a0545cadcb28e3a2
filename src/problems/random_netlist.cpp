#include "tessera/problems/random_netlist.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/core/random.h"

namespace tessera::chip {

void RandomNetlistOptions::validate() const {
  if (hard_macros < 1) throw UsageError("random netlist: hard_macros must be >= 1");
  if (soft_macros < 0 || ports < 0) throw UsageError("random netlist: soft_macros and ports must be >= 0");
  if (nets < 1) throw UsageError("random netlist: nets must be >= 1");
  if (size_classes < 1) throw UsageError("random netlist: size_classes must be >= 1");
  if (!(hard_utilization > 0 && hard_utilization < 0.8))
    throw UsageError("random netlist: hard_utilization must be in (0, 0.8)");
  if (!(soft_utilization >= 0 && soft_utilization < 1)) throw UsageError("random netlist: soft_utilization must be in [0, 1)");
  if (!(canvas > 0)) throw UsageError("random netlist: canvas must be > 0");
  if (grid < 0 || grid > 128) throw UsageError("random netlist: grid must be in [1, 128] (0 = automatic)");
  if (max_sinks < 1) throw UsageError("random netlist: max_sinks must be >= 1");
  if (!(routes_per_micron > 0)) throw UsageError("random netlist: routes_per_micron must be > 0");
}

Netlist generate_random_netlist(const RandomNetlistOptions& o, uint64_t seed, const std::string& name) {
  o.validate();
  Rng rng(derive_seed(seed, 0x6E65746CULL));
  const double side = o.canvas;
  const int n_hard = o.hard_macros, n_soft = o.soft_macros, n_ports = o.ports;
  const int n_obj = n_hard + n_soft + n_ports;
  // ----- objects: sizes and hidden locations
  struct Object {
    double w = 0, h = 0, hx = 0, hy = 0;
    std::string side;
    std::vector<std::pair<double, double>> pins;  ///< offsets (macros)
  };
  std::vector<Object> obj(n_obj);
  std::vector<std::pair<double, double>> classes;
  const double class_area = o.hard_utilization * side * side / n_hard;
  for (int c = 0; c < o.size_classes; ++c) {
    const double scale = 0.6 + 0.8 * uniform01(rng);  // area relative to the mean
    const double aspect = std::exp((uniform01(rng) - 0.5) * 1.4);
    const double a = class_area * scale;
    classes.emplace_back(std::sqrt(a * aspect), std::sqrt(a / aspect));
  }
  for (int i = 0; i < n_obj; ++i) {
    Object& ob = obj[i];
    ob.hx = side * (0.05 + 0.9 * uniform01(rng));
    ob.hy = side * (0.05 + 0.9 * uniform01(rng));
    if (i < n_hard) {
      auto [w, h] = classes[uniform_int(rng, o.size_classes)];
      ob.w = std::min(w, 0.45 * side);
      ob.h = std::min(h, 0.45 * side);
    } else if (i < n_hard + n_soft) {
      const double a = o.soft_utilization * side * side / std::max(1, n_soft);
      ob.w = ob.h = std::sqrt(a);
    } else {
      switch (uniform_int(rng, 4)) {  // ports on the boundary
        case 0: ob.hx = 0; ob.side = "LEFT"; break;
        case 1: ob.hx = side; ob.side = "RIGHT"; break;
        case 2: ob.hy = 0; ob.side = "BOTTOM"; break;
        default: ob.hy = side; ob.side = "TOP"; break;
      }
    }
  }
  // ----- nets: driver + sinks near it in hidden space; endpoints on macros get their own pins
  struct Endpoint {
    int object;
    int pin;  ///< pin number on a macro, -1 for a port
  };
  struct RawNet {
    Endpoint driver;
    std::vector<Endpoint> sinks;
  };
  std::vector<RawNet> nets;
  std::vector<uint8_t> port_drives(n_obj, 0);
  auto new_pin = [&](int i) -> Endpoint {
    if (i >= n_hard + n_soft) return {i, -1};
    Object& ob = obj[i];
    const bool hard = i < n_hard;
    ob.pins.emplace_back(hard ? (uniform01(rng) - 0.5) * ob.w : 0.0, hard ? (uniform01(rng) - 0.5) * ob.h : 0.0);
    return {i, static_cast<int>(ob.pins.size()) - 1};
  };
  std::vector<int> by_distance(n_obj);
  for (int e = 0; e < o.nets; ++e) {
    int d = static_cast<int>(uniform_int(rng, n_obj));
    if (d >= n_hard + n_soft && port_drives[d]) d = static_cast<int>(uniform_int(rng, n_hard + n_soft));
    if (d >= n_hard + n_soft) port_drives[d] = 1;
    std::iota(by_distance.begin(), by_distance.end(), 0);
    auto dist = [&](int j) { return std::hypot(obj[j].hx - obj[d].hx, obj[j].hy - obj[d].hy); };
    std::sort(by_distance.begin(), by_distance.end(), [&](int a, int b) { return dist(a) < dist(b) || (dist(a) == dist(b) && a < b); });
    const int pool = std::min(n_obj - 1, 8);
    const int sinks = 1 + static_cast<int>(uniform_int(rng, o.max_sinks));
    RawNet net;
    net.driver = new_pin(d);
    std::vector<int> chosen;
    for (int s = 0; s < sinks && pool > 0; ++s) {
      int j = by_distance[1 + uniform_int(rng, pool)];
      if (std::find(chosen.begin(), chosen.end(), j) != chosen.end()) continue;
      chosen.push_back(j);
      net.sinks.push_back(new_pin(j));
    }
    if (!net.sinks.empty()) nets.push_back(std::move(net));
  }
  // ----- emit in CT file order: each macro followed by its pins, then the ports
  Netlist nl;
  nl.set_source(name);
  std::vector<int64_t> object_node(n_obj, -1);
  std::vector<std::vector<int64_t>> pin_node(n_obj);
  for (int i = 0; i < n_hard + n_soft; ++i) {
    const bool hard = i < n_hard;
    Node m;
    m.name = hard ? "M" + std::to_string(i) : "Grp_" + std::to_string(i - n_hard);
    m.type = hard ? NodeType::kHardMacro : NodeType::kSoftMacro;
    m.width = obj[i].w;
    m.height = obj[i].h;
    m.x = hard ? side / 2 : std::clamp(obj[i].hx, m.width / 2, side - m.width / 2);
    m.y = hard ? side / 2 : std::clamp(obj[i].hy, m.height / 2, side - m.height / 2);
    m.has_position = true;
    object_node[i] = nl.add_node(m);
    for (size_t p = 0; p < obj[i].pins.size(); ++p) {
      Node pin;
      pin.name = m.name + "/P" + std::to_string(p);
      pin.type = hard ? NodeType::kHardMacroPin : NodeType::kSoftMacroPin;
      pin.macro = object_node[i];
      pin.x_offset = obj[i].pins[p].first;
      pin.y_offset = obj[i].pins[p].second;
      pin.x = m.x + pin.x_offset;
      pin.y = m.y + pin.y_offset;
      pin.has_position = true;
      pin_node[i].push_back(nl.add_node(pin));
    }
  }
  for (int i = n_hard + n_soft; i < n_obj; ++i) {
    Node p;
    p.name = "port" + std::to_string(i - n_hard - n_soft);
    p.type = NodeType::kPort;
    p.x = obj[i].hx;
    p.y = obj[i].hy;
    p.has_position = true;
    p.side = obj[i].side;
    object_node[i] = nl.add_node(p);
  }
  auto node_of = [&](const Endpoint& ep) { return ep.pin < 0 ? object_node[ep.object] : pin_node[ep.object][ep.pin]; };
  for (const RawNet& rn : nets) {
    Net net;
    net.driver = node_of(rn.driver);
    for (const Endpoint& s : rn.sinks) net.sinks.push_back(node_of(s));
    nl.add_net(net);
  }
  nl.finalize();
  CanvasSpec& spec = nl.spec();
  spec.width = spec.height = side;
  // Automatic grid: cells about as large as the mean hard macro (CT picks grids of that scale), so a
  // cell-centred macro reaches into its neighbours only by its aspect ratio.
  const int grid = o.grid > 0 ? o.grid
                              : std::clamp(static_cast<int>(std::floor(std::sqrt(n_hard / o.hard_utilization))), 2, 128);
  spec.cols = spec.rows = grid;
  spec.hroutes_per_micron = spec.vroutes_per_micron = o.routes_per_micron;
  spec.hrouting_alloc = spec.vrouting_alloc = 0.5 * o.routes_per_micron;
  spec.smoothing_range = 2;
  spec.from_plc = false;
  return nl;
}

}  // namespace tessera::chip
