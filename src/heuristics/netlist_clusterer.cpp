#include "tessera/heuristics/netlist_clusterer.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "tessera/core/error.h"
#include "tessera/heuristics/metis_partitioner.h"

namespace tessera::chip {

Netlist cluster_netlist(const Netlist& flat, const ClusterOptions& options) {
  const auto& cells = flat.stdcells();
  const int64_t nc = static_cast<int64_t>(cells.size());
  if (nc == 0) throw InputError(flat.source(), 0, "netlist has no std cells to cluster");
  // Automatic: one cluster per 100 cells, at least 16 and at most 1000, and never more than the cells.
  const int k = options.clusters > 0 ? options.clusters
                                     : static_cast<int>(std::min(nc, std::clamp<int64_t>(nc / 100, 16, 1000)));
  if (k > nc) throw UsageError("more clusters (" + std::to_string(k) + ") than std cells (" + std::to_string(nc) + ")");
  const int64_t n = flat.num_nodes();
  std::vector<int64_t> cell_slot(n, -1);
  for (int64_t i = 0; i < nc; ++i) cell_slot[cells[i]] = i;

  // graph over std cells
  graph::GraphBuilder gb(nc);
  std::vector<int64_t> members;
  for (const Net& net : flat.nets()) {
    members.clear();
    if (cell_slot[net.driver] >= 0) members.push_back(cell_slot[net.driver]);
    for (int64_t s : net.sinks)
      if (cell_slot[s] >= 0) members.push_back(cell_slot[s]);
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    const int64_t m = static_cast<int64_t>(members.size());
    if (m < 2 || m > options.max_net_cells) continue;
    const double w = net.weight / static_cast<double>(m - 1);
    if (m <= options.clique_limit) {
      for (int64_t a = 0; a < m; ++a)
        for (int64_t b = a + 1; b < m; ++b) gb.add_edge(members[a], members[b], w);
    } else {
      for (int64_t b = 1; b < m; ++b) gb.add_edge(members[0], members[b], w);
    }
  }
  std::vector<double> area(nc);
  for (int64_t i = 0; i < nc; ++i) {
    const Node& c = flat.node(cells[i]);
    area[i] = std::max(1e-3, c.width * c.height);
  }
  gb.set_node_weights(area);
  graph::Graph g = gb.build();
  heuristics::MetisOptions mo;
  mo.k = k;
  mo.imbalance = options.imbalance;
  mo.seed = options.seed;
  std::vector<int> part = heuristics::metis_partition(g, mo);

  Netlist out;
  out.set_source(flat.source() + " (clustered, k=" + std::to_string(k) + ")");
  out.metadata() = flat.metadata();
  out.spec() = flat.spec();
  // keep hard macros, their pins and ports (old index -> new index)
  std::vector<int64_t> map(n, -1);
  for (int64_t i = 0; i < n; ++i) {
    const Node& nd = flat.node(i);
    if (nd.type == NodeType::kStdCell || nd.type == NodeType::kSoftMacro || nd.type == NodeType::kSoftMacroPin) continue;
    if (nd.is_pin() && flat.node(nd.macro).type != NodeType::kHardMacro) continue;
    Node copy = nd;
    copy.pins.clear();
    copy.net = -1;
    map[i] = out.add_node(std::move(copy));
  }
  for (int64_t i = 0; i < n; ++i)
    if (map[i] >= 0 && flat.node(i).is_pin()) out.mutable_node(map[i]).macro = map[flat.node(i).macro];
  // soft macros
  std::vector<double> bx(k, 0), by(k, 0), ba(k, 0);
  for (int64_t i = 0; i < nc; ++i) {
    const Node& c = flat.node(cells[i]);
    const double a = c.width * c.height;
    bx[part[i]] += a * c.x;
    by[part[i]] += a * c.y;
    ba[part[i]] += a;
  }
  std::vector<int64_t> grp(k, -1), grp_in(k, -1);
  for (int b = 0; b < k; ++b) {
    if (ba[b] <= 0) continue;
    Node s;
    s.name = "Grp_" + std::to_string(b);
    s.type = NodeType::kSoftMacro;
    s.width = s.height = std::sqrt(ba[b]);
    s.x = bx[b] / ba[b];
    s.y = by[b] / ba[b];
    s.has_position = true;
    grp[b] = out.add_node(std::move(s));
    Node pin;
    pin.name = "Grp_" + std::to_string(b) + "/Pinput";
    pin.type = NodeType::kSoftMacroPin;
    pin.macro = grp[b];
    pin.x = out.node(grp[b]).x;
    pin.y = out.node(grp[b]).y;
    grp_in[b] = out.add_node(std::move(pin));
  }
  auto object_of = [&](int64_t node) -> int64_t {  // sink/driver endpoint in the clustered netlist
    if (cell_slot[node] >= 0) return grp_in[part[cell_slot[node]]];
    return map[node];
  };
  auto owner_of = [&](int64_t node) -> int64_t {
    if (cell_slot[node] >= 0) return grp[part[cell_slot[node]]];
    return map[node] >= 0 ? out.owner(map[node]) : -1;
  };
  // nets: driver endpoint + distinct sink endpoints of other owners; merge identical ones
  std::map<std::pair<int64_t, std::vector<int64_t>>, double> merged;
  std::vector<int64_t> sinks;
  for (const Net& net : flat.nets()) {
    const int64_t d_owner = owner_of(net.driver);
    if (d_owner < 0) continue;
    sinks.clear();
    for (int64_t s : net.sinks) {
      const int64_t o = owner_of(s);
      if (o < 0 || o == d_owner) continue;
      sinks.push_back(object_of(s));
    }
    std::sort(sinks.begin(), sinks.end());
    sinks.erase(std::unique(sinks.begin(), sinks.end()), sinks.end());
    if (sinks.empty()) continue;
    const int64_t driver = cell_slot[net.driver] >= 0 ? -1 - part[cell_slot[net.driver]] : map[net.driver];
    merged[{driver, sinks}] += net.weight;
  }
  std::vector<int> out_pins(k, 0);
  for (auto& [key, weight] : merged) {
    int64_t driver = key.first;
    if (driver < 0) {  // a block drives: one output pin per distinct sink set, weight = merged count
      const int b = static_cast<int>(-1 - driver);
      Node pin;
      pin.name = "Grp_" + std::to_string(b) + "/Poutput_" + std::to_string(out_pins[b]++);
      pin.type = NodeType::kSoftMacroPin;
      pin.macro = grp[b];
      pin.x = out.node(grp[b]).x;
      pin.y = out.node(grp[b]).y;
      pin.weight = weight;
      driver = out.add_node(std::move(pin));
    } else {
      out.mutable_node(driver).weight = weight;
    }
    Net net;
    net.driver = driver;
    net.sinks = key.second;
    net.weight = weight;
    out.add_net(std::move(net));
  }
  out.finalize();
  return out;
}

}  // namespace tessera::chip
