#include "tessera/nn/sage_conv.h"

namespace tessera::nn {

SageConvImpl::SageConvImpl(SageConvOptions options) : options_(options) {
  self_ = register_module("self", torch::nn::Linear(options_.in(), options_.out()));
  neigh_ = register_module("neigh", torch::nn::Linear(torch::nn::LinearOptions(options_.in(), options_.out()).bias(false)));
}

torch::Tensor SageConvImpl::forward(const torch::Tensor& x, const graph::EdgeIndex& edges) {
  auto h = self_->forward(x) + neigh_->forward(graph::mean_aggregate(x, edges));
  if (options_.activation()) h = torch::relu(h);
  if (options_.normalize()) h = torch::nn::functional::normalize(h, torch::nn::functional::NormalizeFuncOptions().dim(1));
  return h;
}

}  // namespace tessera::nn
