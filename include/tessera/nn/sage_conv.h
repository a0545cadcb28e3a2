#pragma once
// GraphSAGE convolution with edge-weighted mean aggregation (Hamilton et al. 2017):
//   h'_v = act( W_self h_v + W_neigh · (Σ_{u→v} w_uv h_u / Σ_{u→v} w_uv) ), optionally L2-normalised.
// Shared by GAP (partitioning), GDP (device placement) and any other graph encoder.
#include <torch/torch.h>

#include "tessera/graph/graph_tensors.h"

namespace tessera::nn {

struct SageConvOptions {
  SageConvOptions(int64_t in, int64_t out) : in_(in), out_(out) {}
  TORCH_ARG(int64_t, in);
  TORCH_ARG(int64_t, out);
  TORCH_ARG(bool, activation) = true;  ///< ReLU after the sum
  TORCH_ARG(bool, normalize) = false;  ///< L2-normalise output rows
};

class SageConvImpl : public torch::nn::Module {
 public:
  explicit SageConvImpl(SageConvOptions options);
  torch::Tensor forward(const torch::Tensor& x, const graph::EdgeIndex& edges);

 private:
  SageConvOptions options_;
  torch::nn::Linear self_{nullptr}, neigh_{nullptr};
};
TORCH_MODULE(SageConv);

}  // namespace tessera::nn
