#pragma once
// The expected normalized cut of soft assignments (GAP, Nazi et al. 2019), shared by graph
// partitioning (whole graph) and learned clustering (mini-batches of anchor points):
//   E[Ncut](Y) = Σ_b Σ_{arcs i→j} w_ij · Y_ib · (1 − Y_jb) / Γ_b,   Γ_b = Σ_{i ∈ A} Y_ib · d_i,
// where the anchors A are the first d.size(0) rows of Y and d their weighted degrees. With A = all
// nodes and every undirected edge stored as two arcs this is Σ_b cut_b / vol_b in expectation; on a
// uniform random batch of anchors numerator and Γ shrink by the same factor, so the ratio estimates
// the full loss. Γ_b is clamped at 1e-9 · Σ d.
#include <torch/torch.h>

namespace tessera::cost {

/// y [rows, k] (rows sum to 1); src, dst int64 [arcs] (src < anchors, dst < rows); weight [arcs];
/// anchor_degree [anchors]. Differentiable in y.
torch::Tensor expected_normalized_cut(const torch::Tensor& y, const torch::Tensor& src, const torch::Tensor& dst,
                                      const torch::Tensor& weight, const torch::Tensor& anchor_degree);

}  // namespace tessera::cost
