#include "tessera/problems/placement_features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "tessera/core/error.h"
#include "tessera/heuristics/metis_partitioner.h"

namespace tessera::devices {

namespace {
const char* const kKnownTypes[] = {
    "Conv", "MatMul", "Gemm", "Relu", "Add", "Mul", "BatchNormalization", "MaxPool", "AveragePool",
    "GlobalAveragePool", "Concat", "Reshape", "Transpose", "Softmax", "LSTM", "Sigmoid", "Tanh",
    "Gather", "LayerNormalization", "Sub", "Div", "Dropout", "Flatten", "Split", "Slice", "Clip",
    "ReduceMean", "Pow", "Sqrt", "Erf", "Identity", "Squeeze", "Unsqueeze", "Cast", "Shape",
    "ConstantOfShape", "Where", "Expand", "Pad", "Update"};
constexpr int64_t kHashedIds = 24;

float log_scaled(double x, double scale) { return static_cast<float>(std::log1p(std::max(0.0, x)) / scale); }
}  // namespace

int64_t op_type_id(const std::string& type_in) {
  std::string type = type_in;
  if (type.rfind("Grad:", 0) == 0) type = type.substr(5);
  static const std::unordered_map<std::string, int64_t> known = [] {
    std::unordered_map<std::string, int64_t> m;
    int64_t i = 0;
    for (const char* t : kKnownTypes) m.emplace(t, i++);
    return m;
  }();
  auto it = known.find(type);
  if (it != known.end()) return it->second;
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across runs and platforms
  for (unsigned char c : type) h = (h ^ c) * 1099511628211ULL;
  return kNumOpTypeIds - kHashedIds + static_cast<int64_t>(h % kHashedIds);
}

nn::OpGraphTensors op_graph_tensors(const DeviceGraph& g, const std::vector<float>& context) {
  if (!g.finalized()) throw Error("op_graph_tensors: graph '" + g.name() + "' is not finalized");
  const int n = g.num_ops();
  nn::OpGraphTensors t;
  t.op_type = torch::empty({n}, torch::kInt64);
  t.numeric = torch::zeros({n, kOpNumericFeatures});
  auto type_a = t.op_type.accessor<int64_t, 1>();
  auto num_a = t.numeric.accessor<float, 2>();
  const auto& rank = g.topological_rank();
  for (int v = 0; v < n; ++v) {
    const Op& op = g.op(v);
    type_a[v] = op_type_id(op.type);
    num_a[v][0] = log_scaled(op.flops, 30.0);
    num_a[v][1] = log_scaled(op.output_bytes, 25.0);
    num_a[v][2] = log_scaled(op.param_bytes, 25.0);
    num_a[v][3] = n > 1 ? static_cast<float>(rank[v]) / static_cast<float>(n - 1) : 0.f;
    num_a[v][4] = log_scaled(g.in_degree(v), 3.0);
    num_a[v][5] = log_scaled(g.out_degree(v), 3.0);
    num_a[v][6] = op.role == OpRole::kBackward ? 1.f : 0.f;
    num_a[v][7] = op.role == OpRole::kUpdate ? 1.f : 0.f;
    double pt = op.profiled_time[static_cast<int>(DeviceKind::kGpu)];
    num_a[v][8] = pt > 0 ? log_scaled(pt * 1e6, 15.0) : 0.f;
  }
  // Message passing in both directions along data edges (parallel edges kept: weight = multiplicity).
  const int64_t m = g.num_edges();
  auto src = torch::empty({2 * m}, torch::kInt64), dst = torch::empty({2 * m}, torch::kInt64);
  auto sa = src.accessor<int64_t, 1>(), da = dst.accessor<int64_t, 1>();
  for (int64_t e = 0; e < m; ++e) {
    sa[2 * e] = g.edges()[e].src;
    da[2 * e] = g.edges()[e].dst;
    sa[2 * e + 1] = g.edges()[e].dst;
    da[2 * e + 1] = g.edges()[e].src;
  }
  t.edges.src = src;
  t.edges.dst = dst;
  t.edges.weight = torch::ones({2 * m});
  t.edges.num_nodes = n;
  const auto& topo = g.topological_order();
  t.order = torch::tensor(std::vector<int64_t>(topo.begin(), topo.end()), torch::kInt64);
  t.context = torch::tensor(context, torch::kFloat32);
  std::vector<int64_t> group(n);
  for (int v = 0; v < n; ++v) group[v] = g.group(v);
  t.group = torch::tensor(group, torch::kInt64);
  t.num_groups = g.num_groups();
  return t;
}

std::vector<int> OpGrouping::expand(const std::vector<int>& group_device) const {
  if (static_cast<int>(group_device.size()) != num_groups)
    throw Error("OpGrouping::expand: expected " + std::to_string(num_groups) + " group devices");
  std::vector<int> out(op_group.size());
  for (size_t v = 0; v < op_group.size(); ++v) out[v] = group_device[op_group[v]];
  return out;
}

OpGrouping group_ops(const DeviceGraph& g, int max_groups, uint64_t seed) {
  if (max_groups < 1) throw UsageError("group_ops: max_groups must be >= 1");
  const int n = g.num_ops();
  std::vector<int> label(n);
  for (int v = 0; v < n; ++v) label[v] = g.group(v);
  int count = g.num_groups();
  if (count > max_groups) {
    // Group compute: FLOPs, or profiled time when present, + 5 µs launch at 10 TFLOP/s.
    std::vector<double> weight(count, 0.0);
    for (int v = 0; v < n; ++v) {
      const Op& op = g.op(v);
      double pt = op.profiled_time[static_cast<int>(DeviceKind::kGpu)];
      weight[label[v]] += (pt > 0 ? pt * 1e13 : op.flops) + 5e7;
    }
    std::vector<int> part(count);
    if (count >= 8 * max_groups) {
      // METIS (recursive bisection) on the group graph: node weight = compute, edges = bytes.
      graph::GraphBuilder builder(count, false);
      for (const Edge& e : g.edges())
        if (label[e.src] != label[e.dst]) builder.add_edge(label[e.src], label[e.dst], std::max(1.0, e.bytes));
      builder.set_node_weights(weight);
      heuristics::MetisOptions mo;
      mo.k = max_groups;
      mo.imbalance = 0.2;
      mo.scheme = heuristics::MetisScheme::kRecursive;
      mo.seed = seed;
      part = heuristics::metis_partition(builder.build(), mo);
    } else {
      // Fewer than 8 groups per part: METIS cannot split that finely (it reports empty bisections);
      // cut the groups, in topological order, into max_groups runs of equal compute instead.
      std::vector<int> first(count, std::numeric_limits<int>::max());
      for (int v = 0; v < n; ++v) first[label[v]] = std::min(first[label[v]], g.topological_rank()[v]);
      std::vector<int> ids(count);
      for (int c = 0; c < count; ++c) ids[c] = c;
      std::sort(ids.begin(), ids.end(), [&](int a, int b) { return first[a] < first[b]; });
      double total = 0, acc = 0;
      for (double w : weight) total += w;
      for (int c : ids) {
        double mid = acc + weight[c] / 2;
        acc += weight[c];
        part[c] = std::min(max_groups - 1, static_cast<int>(mid / total * max_groups));
      }
    }
    for (int v = 0; v < n; ++v) label[v] = part[label[v]];
    count = max_groups;
  }
  // Renumber the (non-empty) groups by the first topological position of their ops.
  std::vector<int> first(count, std::numeric_limits<int>::max());
  for (int v = 0; v < n; ++v) first[label[v]] = std::min(first[label[v]], g.topological_rank()[v]);
  std::vector<int> ids;
  for (int c = 0; c < count; ++c)
    if (first[c] != std::numeric_limits<int>::max()) ids.push_back(c);
  std::sort(ids.begin(), ids.end(), [&](int a, int b) { return first[a] < first[b]; });
  std::vector<int> renumber(count, -1);
  for (size_t i = 0; i < ids.size(); ++i) renumber[ids[i]] = static_cast<int>(i);
  OpGrouping out;
  out.num_groups = static_cast<int>(ids.size());
  out.op_group.resize(n);
  for (int v = 0; v < n; ++v) out.op_group[v] = renumber[label[v]];
  return out;
}

nn::GroupSequenceTensors group_sequence_tensors(const DeviceGraph& g, const OpGrouping& grouping) {
  const int G = grouping.num_groups;
  nn::GroupSequenceTensors t;
  t.op_type = torch::zeros({G}, torch::kInt64);
  t.numeric = torch::zeros({G, kGroupNumericFeatures});
  t.adjacency = torch::zeros({G, kGroupAdjacencyFeatures});
  std::vector<double> out_bytes(G, 0), flops(G, 0), params(G, 0), ops(G, 0), heaviest(G, -1);
  auto type_a = t.op_type.accessor<int64_t, 1>();
  for (int v = 0; v < g.num_ops(); ++v) {
    const Op& op = g.op(v);
    int c = grouping.op_group[v];
    out_bytes[c] += op.output_bytes;
    flops[c] += op.flops;
    params[c] += op.param_bytes;
    ops[c] += 1;
    double w = op.flops + op.param_bytes;
    if (w > heaviest[c]) {
      heaviest[c] = w;
      type_a[c] = op_type_id(op.type);
    }
  }
  auto num_a = t.numeric.accessor<float, 2>();
  for (int c = 0; c < G; ++c) {
    num_a[c][0] = log_scaled(out_bytes[c], 25.0);
    num_a[c][1] = log_scaled(flops[c], 30.0);
    num_a[c][2] = log_scaled(params[c], 25.0);
    num_a[c][3] = log_scaled(ops[c], 5.0);
  }
  // Adjacency: bytes exchanged with the groups at offsets -5..-1, +1..+5 in the sequence.
  std::vector<std::unordered_map<int, double>> between(G);
  for (const Edge& e : g.edges()) {
    int a = grouping.op_group[e.src], b = grouping.op_group[e.dst];
    if (a == b) continue;
    between[a][b] += e.bytes;
    between[b][a] += e.bytes;
  }
  auto adj_a = t.adjacency.accessor<float, 2>();
  for (int c = 0; c < G; ++c)
    for (const auto& [other, bytes] : between[c]) {
      int off = other - c;
      if (off >= -5 && off <= -1) adj_a[c][off + 5] += log_scaled(bytes, 25.0);
      if (off >= 1 && off <= 5) adj_a[c][off + 4] += log_scaled(bytes, 25.0);
    }
  return t;
}

}  // namespace tessera::devices
