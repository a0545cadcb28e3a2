#pragma once
// One level of multilevel coarsening: a heavy-edge matching (rating w_uv² / (c_u · c_v), c = node
// weight, nodes visited in a seeded random order) whose matched pairs are contracted into one coarse
// node (weights summed, parallel edges merged). With a partition given, only nodes of the same block
// are matched, so the partition projects exactly onto the coarse graph (V-cycles of KaFFPa).
// Used by the multilevel refiner and by the multilevel spectral features.
#include <cstdint>
#include <vector>

#include "tessera/core/random.h"
#include "tessera/graph/graph.h"

namespace tessera::partition {

struct CoarseLevel {
  graph::Graph graph;                   ///< coarse graph (node weights = summed fine weights, ncon 1)
  std::vector<int64_t> fine_to_coarse;  ///< coarse id of every fine node
};

/// Contracts a matching of g. part (may be null) restricts matching to equal blocks; nodes heavier than
/// max_node_weight together are not matched.
CoarseLevel coarsen_once(const graph::Graph& g, const std::vector<int>* part, double max_node_weight, Rng& rng);

/// The subgraph induced by `nodes` (in that order); node and edge weights kept (constraint 0).
graph::Graph induced_subgraph(const graph::Graph& g, const std::vector<int64_t>& nodes);

}  // namespace tessera::partition
