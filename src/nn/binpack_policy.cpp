#include "tessera/nn/binpack_policy.h"

#include <cmath>

#include "tessera/problems/bin_packing_env.h"

namespace tessera::binpack {

BinpackPolicyImpl::BinpackPolicyImpl(int64_t hidden) : hidden_(hidden) {
  encoder_ = register_module("encoder", nn::Mlp(nn::MlpOptions({kCandidateFeatures, hidden, hidden})));
  key_ = register_module("key", torch::nn::Linear(hidden, hidden));
  query_ = register_module("query", torch::nn::Linear(torch::nn::LinearOptions(hidden, hidden).bias(false)));
  score_ = register_module("score", torch::nn::Linear(torch::nn::LinearOptions(hidden, 1).bias(false)));
  value_ = register_module("value", nn::Mlp(nn::MlpOptions({2 * hidden, hidden, 1})));
}

std::pair<torch::Tensor, torch::Tensor> BinpackPolicyImpl::forward(torch::Tensor x, torch::Tensor mask) {
  auto e = torch::relu(encoder_->forward(x));  // [M, K, H]
  auto m = mask.to(e.dtype()).unsqueeze(-1);   // [M, K, 1]
  auto ctx = (e * m).sum(1) / m.sum(1).clamp_min(1.0);                          // [M, H]
  auto pooled = (e * m - (1 - m) * 1e4).amax(1);                                // [M, H]
  auto u = score_->forward(torch::tanh(key_->forward(e) + query_->forward(ctx).unsqueeze(1))).squeeze(-1);
  auto logits = u.masked_fill(mask.logical_not(), -1e9);
  auto value = value_->forward(torch::cat({ctx, pooled}, -1)).squeeze(-1);
  return {logits, value};
}

BinpackRollout binpack_rollout(BinpackPolicy& policy, const BinPackingInstance& instance, bool greedy, Rng& rng,
                               bool record) {
  torch::NoGradGuard no_grad;
  BinPackingEnv env(instance);
  BinpackRollout out;
  auto& tr = out.trajectory;
  const double penalty = 1.0 / static_cast<double>(env.l1());
  while (!env.done()) {
    const auto& f = env.features();
    const int64_t k = static_cast<int64_t>(env.candidates().size());
    int64_t choice = 0;
    float log_prob = 0, value = 0;
    if (k == 1 && !record) {
      choice = 0;  // only "new bin": no decision to make
    } else {
      auto x = torch::from_blob(const_cast<float*>(f.data()), {1, k, kCandidateFeatures}, torch::kFloat32);
      auto mask = torch::ones({1, k}, torch::kBool);
      auto [logits, v] = policy->forward(x, mask);
      auto lp = torch::log_softmax(logits[0], 0);
      auto acc = lp.accessor<float, 1>();
      if (greedy) {
        for (int64_t a = 1; a < k; ++a)
          if (acc[a] > acc[choice]) choice = a;
      } else {
        choice = sample_categorical(k, uniform01(rng),
                                    [&](int64_t a) { return std::exp(static_cast<double>(acc[a])); });
      }
      log_prob = acc[choice];
      value = v[0].item<float>();
    }
    if (record) {
      tr.features.insert(tr.features.end(), f.begin(), f.end());
      tr.offsets.push_back(tr.offsets.back() + k);
      tr.actions.push_back(choice);
      tr.log_probs.push_back(log_prob);
      tr.values.push_back(value);
    }
    const bool opened = env.step(choice);
    if (record) tr.rewards.push_back(opened ? -penalty : 0.0);
  }
  out.packing = env.packing();
  return out;
}

}  // namespace tessera::binpack
