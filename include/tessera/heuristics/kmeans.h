#pragma once
// k-means (Lloyd) with k-means++ seeding (greedy variant: 2 + ⌊ln k⌋ candidates per centre, as
// scikit-learn) and restarts, on LibTorch tensors. Keeps the run of lowest inertia
// Σ_i ‖x_i − c_{l(i)}‖².
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace tessera::cluster {

struct KMeansOptions {
  int64_t k = 8;
  int restarts = 10;      ///< independent seedings; the best inertia wins
  int max_iter = 300;
  double tol = 1e-4;      ///< stop when centres move less than tol × mean feature variance (squared)
  uint64_t seed = 1;
  void validate(int64_t num_points) const;
};

struct KMeansResult {
  std::vector<int64_t> labels;
  torch::Tensor centers;  ///< float32 [k, d]
  double inertia = 0;
  int iterations = 0;     ///< of the best run
};

KMeansResult kmeans(const torch::Tensor& x, const KMeansOptions& options);

/// Index of the nearest centre for each row of x.
std::vector<int64_t> nearest_center(const torch::Tensor& x, const torch::Tensor& centers);

}  // namespace tessera::cluster
