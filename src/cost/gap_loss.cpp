#include "tessera/cost/gap_loss.h"

#include "tessera/cost/expected_ncut.h"

namespace tessera::partition {

torch::Tensor expected_normalized_cut(const torch::Tensor& y, const graph::EdgeIndex& edges,
                                      const torch::Tensor& degree) {
  TORCH_CHECK(y.dim() == 2 && y.size(0) == edges.num_nodes, "expected_normalized_cut: y must be [n, k]");
  TORCH_CHECK(degree.dim() == 1 && degree.size(0) == y.size(0), "expected_normalized_cut: degree must be [n]");
  return cost::expected_normalized_cut(y, edges.src, edges.dst, edges.weight, degree);
}

torch::Tensor balance_penalty(const torch::Tensor& y, const torch::Tensor& node_weight) {
  TORCH_CHECK(node_weight.dim() == 1 && node_weight.size(0) == y.size(0), "balance_penalty: node_weight must be [n]");
  const int64_t k = y.size(1);
  auto nw = node_weight.to(y.scalar_type());
  auto total = nw.sum();
  auto bw = torch::matmul(nw, y);  // [k]
  auto ideal = total / static_cast<double>(k);
  return ((bw - ideal).pow(2)).sum() / (total * total / static_cast<double>(k)).clamp_min(1e-12);
}

torch::Tensor gap_loss(const torch::Tensor& y, const graph::EdgeIndex& edges, const torch::Tensor& degree,
                       const torch::Tensor& node_weight, double balance_weight) {
  return expected_normalized_cut(y, edges, degree) + balance_weight * balance_penalty(y, node_weight);
}

}  // namespace tessera::partition
