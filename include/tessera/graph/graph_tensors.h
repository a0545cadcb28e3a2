#pragma once
// Conversion of the CSR graph to LibTorch tensors for message passing.
#include <torch/torch.h>

#include "tessera/graph/graph.h"

namespace tessera::graph {

/// Arcs as index tensors: message flows src -> dst for every stored arc (both directions for
/// undirected graphs). weight is float32 [arcs].
struct EdgeIndex {
  torch::Tensor src;     ///< int64 [arcs]
  torch::Tensor dst;     ///< int64 [arcs]
  torch::Tensor weight;  ///< float32 [arcs]
  int64_t num_nodes = 0;
};

/// EdgeIndex of g; for directed graphs `add_reverse` also adds every arc reversed.
EdgeIndex edge_index(const Graph& g, bool add_reverse = false);

/// Sparse COO adjacency [n, n] with the edge weights (row = dst, col = src).
torch::Tensor sparse_adjacency(const EdgeIndex& e);

/// Weighted mean of neighbour rows: out[v] = Σ_{u→v} w_uv x[u] / Σ_{u→v} w_uv (0 for isolated v).
/// Differentiable in x.
torch::Tensor mean_aggregate(const torch::Tensor& x, const EdgeIndex& e);

/// Weighted sum of neighbour rows: out[v] = Σ_{u→v} w_uv x[u].
torch::Tensor sum_aggregate(const torch::Tensor& x, const EdgeIndex& e);

/// Node weights [n, ncon] and weighted degrees [n] as float32 tensors.
torch::Tensor node_weight_tensor(const Graph& g);
torch::Tensor weighted_degree_tensor(const Graph& g);

}  // namespace tessera::graph
