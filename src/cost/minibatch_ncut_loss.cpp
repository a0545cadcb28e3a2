#include "tessera/cost/minibatch_ncut_loss.h"

#include <cmath>

namespace tessera::cluster {

torch::Tensor minibatch_expected_ncut(const torch::Tensor& y, const torch::Tensor& src, const torch::Tensor& dst,
                                      const torch::Tensor& weight, const torch::Tensor& anchor_degree) {
  const int64_t anchors = anchor_degree.size(0);
  TORCH_CHECK(y.dim() == 2 && y.size(0) >= anchors, "minibatch_expected_ncut: y must be [rows >= anchors, k]");
  TORCH_CHECK(src.sizes() == dst.sizes() && src.sizes() == weight.sizes(), "arc tensors must have equal sizes");
  auto ys = y.index_select(0, src);
  auto yd = y.index_select(0, dst);
  auto cut = (weight.to(y.dtype()).unsqueeze(1) * ys * (1.0 - yd)).sum(0);                  // [k]
  auto gamma = (y.slice(0, 0, anchors) * anchor_degree.to(y.dtype()).unsqueeze(1)).sum(0);  // [k]
  const double floor = 1e-9 * std::max(anchor_degree.sum().item<double>(), 1e-12);
  return (cut / gamma.clamp_min(floor)).sum();
}

torch::Tensor balance_kl(const torch::Tensor& y) {
  const auto k = static_cast<double>(y.size(1));
  auto mean = y.mean(0).clamp_min(1e-12);
  return (mean * (mean * k).log()).sum();
}

}  // namespace tessera::cluster
