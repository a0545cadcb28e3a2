#pragma once
// Out-of-sample (Nyström) extension of the normalized spectral embedding of a k-NN affinity graph.
//
// The graph's top eigenvectors satisfy u_i = (1/λ) Σ_j W_ij u_j / √(d_i d_j). A point x, seen in
// training or not, gets the same formula over its k nearest *reference* (training) points j with the
// graph's directed kernel weights w(x, j) (same kernel, local scales and k as the graph):
//   e(x) ∝ Σ_j w(x, j) · C_j,    C_j = u_j · diag(1/λ) / √d_j,
// and the row is scaled to norm √m (the NJW row normalisation, times √m so that coordinates are O(1)).
// For the reference points themselves the neighbours are the other reference points (leave-one-out),
// which is exactly the Nyström formula on the graph's rows, so that training and unseen points get
// their inputs the same way. The extension stores the reference points (after the feature map), their
// local scales and C: a trained model file carries what it needs to embed unseen points.
#include <torch/torch.h>

#include <cstdint>

#include "tessera/graph/graph.h"
#include "tessera/heuristics/spectral_clustering.h"
#include "tessera/problems/affinity_graph.h"

namespace tessera::cluster {

class NystromExtension {
 public:
  NystromExtension() = default;
  /// From the reference points z [n, p] (the rows the graph was built on), the graph (n nodes, for
  /// the degrees) and its spectral embedding (m eigenpairs). `options` must be the graph's options.
  static NystromExtension fit(const torch::Tensor& z, const graph::Graph& g, const SpectralEmbedding& embedding,
                              const AffinityOptions& options);
  /// From stored tensors: reference [n, p], reference_scale [n], coefficients [n, m].
  NystromExtension(torch::Tensor reference, torch::Tensor reference_scale, torch::Tensor coefficients,
                   AffinityOptions options);

  /// Embedding [q, m] (float32) of query points z [q, p] from their k nearest reference points.
  torch::Tensor apply(const torch::Tensor& z) const;
  /// Embedding [n, m] of the reference points, each from its k nearest *other* reference points.
  torch::Tensor apply_reference() const;

  bool defined() const { return reference_.defined(); }
  int64_t reference_points() const { return reference_.size(0); }
  int64_t dim() const { return coefficients_.size(1); }
  const torch::Tensor& reference() const { return reference_; }
  const torch::Tensor& reference_scale() const { return reference_scale_; }
  const torch::Tensor& coefficients() const { return coefficients_; }
  const AffinityOptions& options() const { return options_; }

 private:
  torch::Tensor combine(const KnnResult& nn, int64_t neighbors) const;

  torch::Tensor reference_;        ///< float32 [n, p]
  torch::Tensor reference_scale_;  ///< float64 [n]: local scale of each reference point in the graph
  torch::Tensor coefficients_;     ///< float64 [n, m]
  AffinityOptions options_;
};

}  // namespace tessera::cluster
