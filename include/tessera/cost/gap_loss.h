#pragma once
// The differentiable loss of GAP (Nazi et al., "GAP: Generalizable Approximate Graph Partitioning
// Framework", 2019) on soft assignments Y (n×k, rows sum to 1):
//   E[Ncut](Y) = Σ_b Σ_{(i,j) ∈ arcs} w_ij · Y_ib · (1 − Y_jb) / Γ_b,   Γ = Yᵀ · d  (d = weighted degree)
// computed sparsely over the arcs (each undirected edge appears as two arcs, so this is the sum of
// the cut of every block divided by the expected volume of the block, as in the paper).
//   Balance(Y) = Σ_b (Σ_i Y_ib · w_i − W/k)² / (W²/k)
// is 0 for perfectly balanced expected block weights and k − 1 when all weight sits in one block.
#include <torch/torch.h>

#include "tessera/graph/graph_tensors.h"

namespace tessera::partition {

/// E[Ncut] over arcs; y [n, k], degree [n] (same dtype as y). Γ_b is clamped at 1e-9 · Σ d.
torch::Tensor expected_normalized_cut(const torch::Tensor& y, const graph::EdgeIndex& edges,
                                      const torch::Tensor& degree);

/// Normalized balance term; node_weight [n].
torch::Tensor balance_penalty(const torch::Tensor& y, const torch::Tensor& node_weight);

/// E[Ncut] + balance_weight · Balance.
torch::Tensor gap_loss(const torch::Tensor& y, const graph::EdgeIndex& edges, const torch::Tensor& degree,
                       const torch::Tensor& node_weight, double balance_weight);

}  // namespace tessera::partition
