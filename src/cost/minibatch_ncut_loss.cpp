#include "tessera/cost/minibatch_ncut_loss.h"

#include "tessera/cost/expected_ncut.h"

#include <cmath>

namespace tessera::cluster {

torch::Tensor minibatch_expected_ncut(const torch::Tensor& y, const torch::Tensor& src, const torch::Tensor& dst,
                                      const torch::Tensor& weight, const torch::Tensor& anchor_degree) {
  return cost::expected_normalized_cut(y, src, dst, weight, anchor_degree);
}

torch::Tensor balance_kl(const torch::Tensor& y) {
  const auto k = static_cast<double>(y.size(1));
  auto mean = y.mean(0).clamp_min(1e-12);
  return (mean * (mean * k).log()).sum();
}

}  // namespace tessera::cluster
