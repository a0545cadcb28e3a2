#pragma once
// The expected normalized cut of soft cluster assignments (the GAP loss; Nazi et al. 2019, and
// "learning to cluster with expected normalized cuts"), estimated on a mini-batch of anchor points and
// their graph neighbours:
//   E[Ncut](Y) = Σ_k  Σ_{i ∈ A} Σ_{j ∈ N(i)} w_ij Y_ik (1 − Y_jk)  /  Γ_k,    Γ_k = Σ_{i ∈ A} Y_ik d_i
// where A are the anchors and d_i their weighted degrees. With A = all nodes this is exactly the
// full-graph loss (the same formula as the partition module's GAP loss); on a uniform random batch of
// anchors numerator and Γ shrink by the same factor, so the ratio estimates the full loss.
// The computation is the core's cost::expected_normalized_cut (shared with graph partitioning); the
// full-graph case is tested against a naive double loop.
#include <torch/torch.h>

namespace tessera::cluster {

/// y [rows, k] soft assignments (rows sum to 1) whose first `anchor_degree.size(0)` rows are the
/// anchors; arcs src → dst (int64 [E], src < #anchors, dst < rows) with weights [E].
torch::Tensor minibatch_expected_ncut(const torch::Tensor& y, const torch::Tensor& src, const torch::Tensor& dst,
                                      const torch::Tensor& weight, const torch::Tensor& anchor_degree);

/// Balance term KL(ȳ ‖ uniform) = Σ_k ȳ_k log(k ȳ_k), ȳ = mean of the rows of y: 0 when the expected
/// cluster sizes are equal, log k when all points sit in one cluster.
torch::Tensor balance_kl(const torch::Tensor& y);

}  // namespace tessera::cluster
