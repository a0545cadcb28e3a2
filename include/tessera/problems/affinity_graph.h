#pragma once
// The k-nearest-neighbour affinity graph of a point set, as a core graph::Graph (undirected, weighted).
//
// Neighbours are exact (squared Euclidean distances by blocked LibTorch matmuls, ‖a‖² − 2a·b + ‖b‖²).
// Weights: "self-tuning" Gaussian with local bandwidths (Zelnik-Manor & Perona):
//   w_ij = exp(−d_ij² / (σ_i σ_j)),  σ_i = distance from i to its `scale_neighbor`-th neighbour;
// or "binary" (w = 1). Symmetrised as W + Wᵀ (an edge found from both ends counts twice); `mutual`
// keeps only the pairs that are in each other's k-NN lists.
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "tessera/graph/graph.h"

namespace tessera::cluster {

struct AffinityOptions {
  int64_t neighbors = 10;      ///< k of the k-NN graph
  int64_t scale_neighbor = 0;  ///< σ_i = distance to this neighbour (0 = the k-th, i.e. `neighbors`)
  std::string kernel = "self-tuning";  ///< "self-tuning" | "binary"
  bool mutual = false;         ///< keep only mutual k-NN pairs
  int64_t block = 2048;        ///< rows per distance block (memory: block × n floats)
  void validate(int64_t num_points) const;
};

struct KnnResult {
  torch::Tensor index;     ///< int64 [n, k], nearest first, never the point itself
  torch::Tensor distance;  ///< float32 [n, k], Euclidean
};

/// Exact k nearest neighbours of every row of x [n, d] among the other rows.
KnnResult knn(const torch::Tensor& x, int64_t k, int64_t block = 2048);

/// The affinity graph of x [n, d].
graph::Graph build_affinity_graph(const torch::Tensor& x, const AffinityOptions& options);

}  // namespace tessera::cluster
