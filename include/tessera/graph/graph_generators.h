#pragma once
// Seeded generators of the graph families GAP trains on. Every generator returns an undirected,
// unit-weight, simple graph (no self-loops, no parallel edges); equal seeds give equal graphs.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/graph/graph.h"

namespace tessera::partition {

/// rows × cols 4-neighbour grid.
graph::Graph grid_graph(int64_t rows, int64_t cols);
/// nx × ny × nz 6-neighbour grid.
graph::Graph grid3d_graph(int64_t nx, int64_t ny, int64_t nz);
/// n points uniform in the unit square, edges between points closer than r with π r² n = avg_degree.
graph::Graph random_geometric_graph(int64_t n, double avg_degree, uint64_t seed);
/// Mesh-like: a rows × cols grid triangulated with a random diagonal per cell, with a few random
/// circular holes cut out (what remains of the largest piece is kept), like a 2-D FE mesh.
graph::Graph triangulated_mesh(int64_t rows, int64_t cols, int holes, uint64_t seed);
/// Barabási–Albert preferential attachment: each new node attaches to `attach` existing nodes.
graph::Graph barabasi_albert_graph(int64_t n, int attach, uint64_t seed);
/// Computation-graph-like DAG (as undirected graph): `layers` layers of about `width` ops; each op
/// reads 1–3 ops of the previous two layers, plus occasional long skip connections.
graph::Graph computation_dag(int64_t layers, int64_t width, uint64_t seed);

/// Names accepted by generate_graph.
const std::vector<std::string>& generator_names();
/// Generates family `name` with about n nodes (n ≥ 16).
graph::Graph generate_graph(const std::string& name, int64_t n, uint64_t seed);
/// A training graph: family drawn from `families` (all when empty), size uniform in [n_min, n_max].
graph::Graph random_training_graph(const std::vector<std::string>& families, int64_t n_min, int64_t n_max,
                                   uint64_t seed, std::string* family = nullptr);

}  // namespace tessera::partition
