#pragma once
// Unsupervised training of the NcutClusterer on an affinity graph of the training points: Adam on
//   L = E[Ncut](Y) + balance · KL(ȳ ‖ uniform)  (+ distill · CE(Y, confident own assignments))
// Labels are never read. Mini-batches are points with a neighbour each: `batch_size` arcs (i, j) are
// drawn with probability w_ij / Σw, which makes
//   Σ_k Σ_b Y_ik (1 − Y_jk) / Σ_b Y_ik
// a consistent estimate of E[Ncut] (numerator and Γ_k = Σ_i Y_ik d_i are both sampled ∝ weight), at a
// cost of 2·batch_size rows per step whatever the graph's degree.
// Phases: (0, optional) warm start: cross-entropy towards given unsupervised start labels (e.g. the
// spectral clustering of the same graph); (1) E[Ncut] + balance; (2) self-distillation: points whose
// own assignment is confident (max probability >= `confidence`, refreshed every epoch) become
// pseudo-labels for a cross-entropy term.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/graph/graph.h"
#include "tessera/nn/ncut_clusterer.h"
#include "tessera/problems/feature_transform.h"

namespace tessera::cluster {

struct NcutTrainOptions {
  int64_t k = 10;
  std::vector<int64_t> hidden{256, 128};
  bool layer_norm = true;
  std::string input = "features";  ///< network input: features | spectral | spectral+features
  int epochs = 20;              ///< passes over the anchors with the E[Ncut] + balance loss
  int distill_epochs = 10;      ///< further passes with the self-distillation term (0 = off)
  int64_t batch_size = 512;     ///< sampled arcs (point + neighbour) per step
  int warm_epochs = 20;         ///< epochs of the warm start (only with start labels)
  double lr = 1e-3;
  double weight_decay = 0.0;
  double balance = 1.0;         ///< weight of KL(ȳ ‖ uniform)
  double confidence = 0.95;     ///< self-distillation threshold on the max probability
  double distill = 1.0;         ///< weight of the self-distillation cross-entropy
  uint64_t seed = 1;
  bool progress = true;
  void validate(int64_t num_points) const;
};

struct NcutTrainHistory {
  std::vector<double> loss;     ///< mean training loss per epoch
  std::vector<double> ncut;     ///< mean E[Ncut] per epoch
  std::vector<double> confident_fraction;  ///< per distillation epoch
  double full_expected_ncut = 0;  ///< E[Ncut] of the trained model's soft assignments on the whole graph
  double seconds = 0;
};

/// Trains a clusterer on raw points x [n, d] (the feature map `transform` fixed) and their affinity
/// graph g (n nodes); `start_labels` (empty, or n ids in [0, k)) enable the warm start. Spectral
/// inputs need `extension`, fitted on transform.apply(x) and g (its reference points are x's rows).
/// Deterministic for a seed and thread count.
NcutClusterer train_ncut_clusterer(const torch::Tensor& x, const FeatureTransform& transform, const graph::Graph& g,
                                   const NcutTrainOptions& options, NcutTrainHistory* history = nullptr,
                                   const std::vector<int64_t>& start_labels = {},
                                   const NystromExtension* extension = nullptr);

}  // namespace tessera::cluster
