#include "tessera/cost/expected_ncut.h"

#include <algorithm>

namespace tessera::cost {

torch::Tensor expected_normalized_cut(const torch::Tensor& y, const torch::Tensor& src, const torch::Tensor& dst,
                                      const torch::Tensor& weight, const torch::Tensor& anchor_degree) {
  const int64_t anchors = anchor_degree.size(0);
  TORCH_CHECK(y.dim() == 2 && y.size(0) >= anchors, "expected_normalized_cut: y must be [rows >= anchors, k]");
  TORCH_CHECK(anchor_degree.dim() == 1, "expected_normalized_cut: degree must be 1-D");
  TORCH_CHECK(src.sizes() == dst.sizes() && src.sizes() == weight.sizes(),
              "expected_normalized_cut: arc tensors must have equal sizes");
  auto ys = y.index_select(0, src);
  auto yd = y.index_select(0, dst);
  auto cut = (weight.to(y.scalar_type()).unsqueeze(1) * ys * (1.0 - yd)).sum(0);            // [k]
  auto gamma = torch::matmul(anchor_degree.to(y.scalar_type()), y.slice(0, 0, anchors));  // [k]
  const double floor = 1e-9 * std::max(anchor_degree.sum().item<double>(), 1e-12);
  return (cut / gamma.clamp_min(floor)).sum();
}

}  // namespace tessera::cost
