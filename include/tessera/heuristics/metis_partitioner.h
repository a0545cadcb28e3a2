#pragma once
// METIS 5.1 (Debian's libmetis) behind the project's graph model: k-way and recursive-bisection
// partitioning with an imbalance bound. Used as the partitioning baseline, as the op-graph
// partitioner of device placement and as the netlist clusterer of chip placement.
#include <cstdint>
#include <vector>

#include "tessera/graph/graph.h"

namespace tessera::heuristics {

enum class MetisScheme { kKway, kRecursive };

struct MetisOptions {
  int k = 2;
  double imbalance = 0.03;  ///< allowed max block weight = (1 + imbalance) · W / k (METIS ufactor)
  MetisScheme scheme = MetisScheme::kKway;
  uint64_t seed = 1;
  int ncuts = 1;            ///< METIS_OPTION_NCUTS: independent tries, best kept
  bool minimize_volume = false;
  void validate(int64_t num_nodes) const;
};

/// Block id in [0, k) per node. Non-integer weights are scaled to integers (total node weight per
/// constraint kept below 1e8, every positive weight at least 1); METIS needs undirected graphs, so a
/// directed graph is symmetrised first (arc weights summed).
std::vector<int> metis_partition(const graph::Graph& g, const MetisOptions& options);

}  // namespace tessera::heuristics
