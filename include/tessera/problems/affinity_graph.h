#pragma once
// The k-nearest-neighbour affinity graph of a point set, as a core graph::Graph (undirected, weighted).
//
// Neighbours are exact (squared Euclidean distances by blocked LibTorch matmuls, ‖a‖² − 2a·b + ‖b‖²).
// Directed weights v_{j|i} of i's k neighbours j, by `kernel`:
//   "self-tuning": Gaussian with local bandwidths (Zelnik-Manor & Perona): exp(−d_ij² / (σ_i σ_j)),
//                  σ_i = distance from i to its `scale_neighbor`-th neighbour;
//   "fuzzy":       UMAP's local fuzzy sets: exp(−max(0, d_ij − ρ_i) / s_i), ρ_i = distance to the nearest
//                  neighbour (local connectivity: every point is fully connected to its nearest one),
//                  s_i found by bisection so that Σ_j v_{j|i} = log2(k);
//   "binary":      1.
// Symmetrisation: W + Wᵀ (self-tuning, binary: an edge found from both ends counts twice) or the fuzzy
// union v + v' − v·v' (fuzzy); `mutual` keeps only the pairs that are in each other's k-NN lists.
// `snn` multiplies every edge by the Jaccard overlap |N⁺(i) ∩ N⁺(j)| / |N⁺(i) ∪ N⁺(j)| of the two
// k-NN lists (each with the point itself): shared-nearest-neighbour reweighting, which weakens edges
// that bridge two dense regions.
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "tessera/graph/graph.h"

namespace tessera::cluster {

struct AffinityOptions {
  int64_t neighbors = 10;      ///< k of the k-NN graph
  int64_t scale_neighbor = 0;  ///< σ_i = distance to this neighbour (0 = the k-th, i.e. `neighbors`)
  std::string kernel = "self-tuning";  ///< "self-tuning" | "fuzzy" | "binary"
  bool mutual = false;         ///< keep only mutual k-NN pairs
  bool snn = false;            ///< shared-nearest-neighbour (Jaccard) reweighting
  int64_t block = 2048;        ///< rows per distance block (memory: block × n floats)
  void validate(int64_t num_points) const;
};

struct KnnResult {
  torch::Tensor index;     ///< int64 [n, k], nearest first, never the point itself
  torch::Tensor distance;  ///< float32 [n, k], Euclidean
};

/// Exact k nearest neighbours of every row of x [n, d] among the other rows.
KnnResult knn(const torch::Tensor& x, int64_t k, int64_t block = 2048);

/// Exact k nearest rows of `reference` [n, d] for every row of `query` [q, d] (a query row equal to a
/// reference row finds it at distance 0: use knn() for a point set against itself).
KnnResult knn_query(const torch::Tensor& query, const torch::Tensor& reference, int64_t k, int64_t block = 2048);

/// The local scale of every point from its neighbour distances [n, k] (nearest first): σ_i for the
/// self-tuning kernel, or the bisected s_i for the fuzzy kernel (ρ_i is the first column). float64 [n].
torch::Tensor local_scale(const torch::Tensor& distance, const AffinityOptions& options);

/// Directed kernel weights v_{j|i} [n, k] (float64) of each point's k neighbours, given its neighbour
/// distances [n, k], its local scale [n] and the neighbours' local scales [n, k] (used by the
/// self-tuning kernel only).
torch::Tensor directed_weights(const torch::Tensor& distance, const torch::Tensor& scale,
                               const torch::Tensor& neighbor_scale, const AffinityOptions& options);

/// The affinity graph of x [n, d].
graph::Graph build_affinity_graph(const torch::Tensor& x, const AffinityOptions& options);

}  // namespace tessera::cluster
