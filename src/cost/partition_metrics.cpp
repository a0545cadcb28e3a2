#include "tessera/cost/partition_metrics.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "tessera/core/error.h"

namespace tessera::partition {

void check_partition(const graph::Graph& g, const std::vector<int>& part, int k) {
  if (k <= 0) throw UsageError("k must be >= 1, got " + std::to_string(k));
  if (static_cast<int64_t>(part.size()) != g.num_nodes())
    throw UsageError("partition has " + std::to_string(part.size()) + " entries, graph has " +
                     std::to_string(g.num_nodes()) + " nodes");
  for (size_t v = 0; v < part.size(); ++v)
    if (part[v] < 0 || part[v] >= k)
      throw UsageError("node " + std::to_string(v + 1) + " has block " + std::to_string(part[v]) + ", expected 0.." +
                       std::to_string(k - 1));
}

double edge_cut(const graph::Graph& g, const std::vector<int>& part) {
  double cut = 0;
  for (int64_t v = 0; v < g.num_nodes(); ++v)
    for (int64_t a = g.begin(v); a < g.end(v); ++a)
      if (part[v] != part[g.neighbor(a)]) cut += g.edge_weight(a);
  return g.directed() ? cut : cut / 2;
}

std::vector<double> block_weights(const graph::Graph& g, const std::vector<int>& part, int k) {
  std::vector<double> w(k, 0.0);
  for (int64_t v = 0; v < g.num_nodes(); ++v) w[part[v]] += g.node_weight(v);
  return w;
}

double imbalance(const graph::Graph& g, const std::vector<int>& part, int k) {
  auto w = block_weights(g, part, k);
  const double total = g.total_node_weight();
  if (total <= 0) return 0;
  return *std::max_element(w.begin(), w.end()) / (total / k) - 1.0;
}

double normalized_cut(const graph::Graph& g, const std::vector<int>& part, int k) {
  std::vector<double> cut(k, 0.0), vol(k, 0.0);
  for (int64_t v = 0; v < g.num_nodes(); ++v)
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      vol[part[v]] += g.edge_weight(a);
      if (part[v] != part[g.neighbor(a)]) cut[part[v]] += g.edge_weight(a);
    }
  double ncut = 0;
  for (int b = 0; b < k; ++b)
    if (vol[b] > 0) ncut += cut[b] / vol[b];
  return ncut;
}

double max_block_weight(const graph::Graph& g, int k, double epsilon) {
  const double total = g.total_node_weight();
  bool integral = true;
  for (double w : g.node_weights())
    if (std::floor(w) != w) {
      integral = false;
      break;
    }
  double bound = (1.0 + epsilon) * total / k;
  if (integral) bound = std::max(std::floor(bound + 1e-9), std::ceil(total / k - 1e-9));
  return bound;
}

PartitionQuality evaluate_partition(const graph::Graph& g, const std::vector<int>& part, int k) {
  check_partition(g, part, k);
  PartitionQuality q;
  q.cut = edge_cut(g, part);
  q.normalized_cut = normalized_cut(g, part, k);
  auto w = block_weights(g, part, k);
  q.max_block_weight = *std::max_element(w.begin(), w.end());
  const double total = g.total_node_weight();
  q.imbalance = total > 0 ? q.max_block_weight / (total / k) - 1.0 : 0.0;
  q.empty_blocks = std::count(w.begin(), w.end(), 0.0);
  return q;
}

}  // namespace tessera::partition
