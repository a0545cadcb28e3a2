#pragma once
// Objective functions of graph partitioning on hard assignments (block id per node).
#include <cstdint>
#include <vector>

#include "tessera/graph/graph.h"

namespace tessera::partition {

/// Checks part has one id in [0, k) per node; throws UsageError otherwise.
void check_partition(const graph::Graph& g, const std::vector<int>& part, int k);

/// Edge cut: Σ_{ {u,v} ∈ E, part[u] ≠ part[v] } w_uv (each undirected edge counted once).
double edge_cut(const graph::Graph& g, const std::vector<int>& part);

/// Block weights of constraint 0: B_b = Σ_{part[v] = b} w_v.
std::vector<double> block_weights(const graph::Graph& g, const std::vector<int>& part, int k);

/// Imbalance = max_b B_b / (W / k) − 1 (0 = perfectly balanced).
double imbalance(const graph::Graph& g, const std::vector<int>& part, int k);

/// Normalized cut: Σ_b cut(V_b, V \ V_b) / vol(V_b), vol = Σ of weighted degrees (empty blocks add 0).
double normalized_cut(const graph::Graph& g, const std::vector<int>& part, int k);

/// The block-weight bound that "imbalance ε" means everywhere in Tessera:
///   L_max = (1 + ε) · W / k, rounded down when all node weights are integers,
/// and never below ⌈W/k⌉ (integer weights) so that a feasible partition exists for unit weights.
/// A partition with max block weight ≤ L_max has imbalance() ≤ ε whenever (1 + ε)·W/k ≥ ⌈W/k⌉.
double max_block_weight(const graph::Graph& g, int k, double epsilon);

struct PartitionQuality {
  double cut = 0;
  double normalized_cut = 0;
  double imbalance = 0;
  double max_block_weight = 0;
  int64_t empty_blocks = 0;
};
PartitionQuality evaluate_partition(const graph::Graph& g, const std::vector<int>& part, int k);

}  // namespace tessera::partition
