#include "tessera/problems/device_graph.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <queue>

#include "tessera/core/error.h"

namespace tessera::devices {

const char* device_kind_name(DeviceKind kind) { return kind == DeviceKind::kCpu ? "cpu" : "gpu"; }

const char* op_role_name(OpRole role) {
  switch (role) {
    case OpRole::kForward: return "forward";
    case OpRole::kBackward: return "backward";
    case OpRole::kUpdate: return "update";
  }
  return "?";
}

namespace {
bool bad_cost(double x) { return !std::isfinite(x) || x < 0; }
}  // namespace

int DeviceGraph::add_op(Op op) {
  if (finalized_) throw Error("DeviceGraph: add_op after finalize()");
  const std::string src = name_.empty() ? "graph" : name_;
  if (op.name.empty()) throw InputError(src, 0, "op " + std::to_string(ops_.size()) + ": expected a name");
  for (double x : {op.flops, op.bytes_read, op.bytes_written, op.output_bytes, op.param_bytes})
    if (bad_cost(x)) throw InputError(src, 0, "op '" + op.name + "': expected finite costs >= 0");
  for (double t : op.profiled_time)
    if (std::isnan(t) || std::isinf(t)) throw InputError(src, 0, "op '" + op.name + "': profiled time not finite");
  auto [it, inserted] = index_.emplace(op.name, static_cast<int>(ops_.size()));
  if (!inserted) throw InputError(src, 0, "duplicate op name '" + op.name + "'");
  ops_.push_back(std::move(op));
  return it->second;
}

void DeviceGraph::add_edge(int src, int dst, double bytes, int tensor) {
  if (finalized_) throw Error("DeviceGraph: add_edge after finalize()");
  const std::string s = name_.empty() ? "graph" : name_;
  if (src < 0 || src >= num_ops() || dst < 0 || dst >= num_ops())
    throw InputError(s, 0, "edge " + std::to_string(src) + " -> " + std::to_string(dst) + ": op index out of range");
  if (src == dst) throw InputError(s, 0, "edge on op '" + ops_[src].name + "': self loop (a cycle)");
  if (bad_cost(bytes)) throw InputError(s, 0, "edge '" + ops_[src].name + "' -> '" + ops_[dst].name +
                                                  "': expected bytes >= 0");
  edges_.push_back(Edge{src, dst, bytes, tensor});
}

int DeviceGraph::find_op(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

void DeviceGraph::finalize(const std::string& source) {
  const std::string src = !source.empty() ? source : (name_.empty() ? "graph" : name_);
  const int n = num_ops();
  // CSR in both directions, edges in insertion order within each list.
  out_xadj_.assign(n + 1, 0);
  in_xadj_.assign(n + 1, 0);
  for (const Edge& e : edges_) {
    ++out_xadj_[e.src + 1];
    ++in_xadj_[e.dst + 1];
  }
  for (int v = 0; v < n; ++v) {
    out_xadj_[v + 1] += out_xadj_[v];
    in_xadj_[v + 1] += in_xadj_[v];
  }
  out_edge_.assign(edges_.size(), 0);
  in_edge_.assign(edges_.size(), 0);
  {
    std::vector<int> po(out_xadj_.begin(), out_xadj_.end() - 1), pi(in_xadj_.begin(), in_xadj_.end() - 1);
    for (int e = 0; e < num_edges(); ++e) {
      out_edge_[po[edges_[e].src]++] = e;
      in_edge_[pi[edges_[e].dst]++] = e;
    }
  }
  // Kahn with a min-heap on op index: a stable topological order.
  std::vector<int> indeg(n);
  for (int v = 0; v < n; ++v) indeg[v] = in_degree(v);
  std::priority_queue<int, std::vector<int>, std::greater<int>> q;
  for (int v = 0; v < n; ++v)
    if (indeg[v] == 0) q.push(v);
  topo_.clear();
  topo_.reserve(n);
  while (!q.empty()) {
    int v = q.top();
    q.pop();
    topo_.push_back(v);
    for (const int* e = out_begin(v); e != out_end(v); ++e)
      if (--indeg[edges_[*e].dst] == 0) q.push(edges_[*e].dst);
  }
  if (static_cast<int>(topo_.size()) != n) {
    // Name one op on a cycle: walk predecessors among the unsorted ops until one repeats.
    int v = 0;
    while (indeg[v] == 0) ++v;
    std::vector<char> seen(n, 0);
    while (!seen[v]) {
      seen[v] = 1;
      for (const int* e = in_begin(v); e != in_end(v); ++e)
        if (indeg[edges_[*e].src] > 0) {
          v = edges_[*e].src;
          break;
        }
    }
    throw InputError(src, 0, "the graph has a cycle through op '" + ops_[v].name +
                                 "' (expected a directed acyclic dataflow graph)");
  }
  topo_rank_.assign(n, 0);
  for (int i = 0; i < n; ++i) topo_rank_[topo_[i]] = i;
  // Dense co-location groups.
  group_.assign(n, -1);
  std::map<int, int> label_to_group;
  num_groups_ = 0;
  for (int v = 0; v < n; ++v) {
    if (ops_[v].colocation >= 0) {
      auto [it, inserted] = label_to_group.emplace(ops_[v].colocation, num_groups_);
      if (inserted) ++num_groups_;
      group_[v] = it->second;
    } else {
      group_[v] = num_groups_++;
    }
  }
  group_ops_.assign(num_groups_, {});
  for (int v = 0; v < n; ++v) group_ops_[group_[v]].push_back(v);
  finalized_ = true;
}

double DeviceGraph::total_flops() const {
  double s = 0;
  for (const Op& o : ops_) s += o.flops;
  return s;
}
double DeviceGraph::total_param_bytes() const {
  double s = 0;
  for (const Op& o : ops_) s += o.param_bytes;
  return s;
}
double DeviceGraph::total_output_bytes() const {
  double s = 0;
  for (const Op& o : ops_) s += o.output_bytes;
  return s;
}
double DeviceGraph::min_total_memory() const {
  double largest = 0;
  for (const Op& o : ops_) largest = std::max(largest, o.output_bytes);
  return total_param_bytes() + largest;
}

graph::Graph DeviceGraph::to_graph(const GraphConversion& c) const {
  if (!finalized_) throw Error("DeviceGraph::to_graph: graph not finalized");
  const int n = num_ops();
  const int ncon = c.memory_constraint ? 2 : 1;
  std::vector<double> w(static_cast<size_t>(n) * ncon);
  for (int v = 0; v < n; ++v) {
    const Op& o = ops_[v];
    double x = 1.0;
    if (c.node_weight == GraphConversion::NodeWeight::kFlops) x = o.flops;
    if (c.node_weight == GraphConversion::NodeWeight::kTime)
      x = o.profiled_time[0] >= 0 ? o.profiled_time[0] : o.flops / 1e13 + 5e-6;
    w[static_cast<size_t>(v) * ncon] = x;
    if (ncon == 2) w[static_cast<size_t>(v) * ncon + 1] = o.param_bytes + o.output_bytes;
  }
  graph::GraphBuilder b(n, c.directed);
  for (const Edge& e : edges_) b.add_edge(e.src, e.dst, std::max(e.bytes, 1.0));
  b.set_node_weights(std::move(w), ncon);
  return b.build();
}

std::vector<int> DeviceGraph::expand_group_placement(const std::vector<int>& group_device) const {
  if (static_cast<int>(group_device.size()) != num_groups_)
    throw UsageError("expand_group_placement: expected " + std::to_string(num_groups_) + " group devices, got " +
                     std::to_string(group_device.size()));
  std::vector<int> p(num_ops());
  for (int v = 0; v < num_ops(); ++v) p[v] = group_device[group_[v]];
  return p;
}

void DeviceGraph::enforce_colocation(std::vector<int>& placement) const {
  if (static_cast<int>(placement.size()) != num_ops())
    throw UsageError("enforce_colocation: placement has " + std::to_string(placement.size()) + " entries, expected " +
                     std::to_string(num_ops()));
  for (const auto& members : group_ops_) {
    if (members.size() < 2) continue;
    int best = members[0];
    for (int v : members) {
      const Op& a = ops_[v];
      const Op& b = ops_[best];
      if (a.param_bytes > b.param_bytes || (a.param_bytes == b.param_bytes && a.flops > b.flops)) best = v;
    }
    for (int v : members) placement[v] = placement[best];
  }
}

DeviceGraph replicate_graph(const DeviceGraph& g, int copies) {
  if (!g.finalized()) throw UsageError("replicate_graph: graph not finalized");
  if (copies < 1) throw UsageError("replicate_graph: copies must be >= 1");
  DeviceGraph r(copies == 1 ? g.name() : g.name() + "x" + std::to_string(copies));
  r.set_batch_size(g.batch_size());
  r.set_training(g.training());
  int max_label = 0;
  for (const Op& o : g.ops()) max_label = std::max(max_label, o.colocation + 1);
  const int n = g.num_ops();
  for (int c = 0; c < copies; ++c) {
    for (int v = 0; v < n; ++v) {
      Op o = g.op(v);
      if (copies > 1) o.name += "#" + std::to_string(c);
      if (o.colocation >= 0) o.colocation += c * max_label;
      if (o.forward_op >= 0) o.forward_op += c * n;
      r.add_op(std::move(o));
    }
    for (const Edge& e : g.edges()) r.add_edge(e.src + c * n, e.dst + c * n, e.bytes, e.tensor);
    if (c > 0 && n > 0) r.add_edge((c - 1) * n + g.topological_order().back(), c * n + g.topological_order().front(), 4, 1 << 20);
  }
  r.finalize(g.name());
  return r;
}

}  // namespace tessera::devices
