#include "tessera/learn/ppo.h"

#include <algorithm>
#include <numeric>

#include "tessera/core/error.h"

namespace tessera::learn {

void PpoOptions::validate() const {
  if (!(clip > 0)) throw UsageError("ppo: clip must be > 0");
  if (!(learning_rate > 0)) throw UsageError("ppo: learning_rate must be > 0");
  if (epochs < 1) throw UsageError("ppo: epochs must be >= 1");
  if (entropy_coef < 0 || value_coef < 0) throw UsageError("ppo: coefficients must be >= 0");
}

PpoTrainer::PpoTrainer(std::vector<torch::Tensor> parameters, PpoOptions options)
    : parameters_(std::move(parameters)),
      options_(options),
      optimizer_(parameters_, torch::optim::AdamOptions(options.learning_rate)) {
  options_.validate();
}

PpoStats PpoTrainer::update(const PpoBatch& batch, const std::function<PolicyEval(const torch::Tensor&)>& evaluate,
                            Rng& rng) {
  const int64_t n = batch.size();
  PpoStats stats;
  if (n == 0) return stats;
  torch::Tensor adv = batch.advantage.detach().to(torch::kFloat32);
  if (options_.normalize_advantages && n > 1) adv = (adv - adv.mean()) / (adv.std() + 1e-8);
  const int64_t mb = options_.minibatch_size <= 0 ? n : std::min(options_.minibatch_size, n);
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  double sum_pl = 0, sum_vl = 0, sum_ent = 0, sum_kl = 0, sum_clip = 0;
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double epoch_kl = 0;
    int epoch_steps = 0;
    for (int64_t start = 0; start < n; start += mb) {
      int64_t len = std::min(mb, n - start);
      auto idx = torch::from_blob(order.data() + start, {len}, torch::kInt64).clone();
      PolicyEval ev = evaluate(idx);
      auto old_lp = batch.old_log_prob.index_select(0, idx).detach();
      auto a = adv.index_select(0, idx);
      auto log_ratio = ev.log_prob - old_lp;
      auto ratio = log_ratio.exp();
      auto surr1 = ratio * a;
      auto surr2 = ratio.clamp(1 - options_.clip, 1 + options_.clip) * a;
      auto policy_loss = -torch::min(surr1, surr2).mean();
      auto loss = policy_loss;
      torch::Tensor value_loss;
      if (ev.value.defined() && batch.ret.defined()) {
        value_loss = (ev.value - batch.ret.index_select(0, idx).detach()).pow(2).mean();
        loss = loss + options_.value_coef * value_loss;
      }
      torch::Tensor entropy = ev.entropy.defined() ? ev.entropy.mean() : torch::zeros({});
      loss = loss - options_.entropy_coef * entropy;
      optimizer_.zero_grad();
      loss.backward();
      if (options_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(parameters_, options_.max_grad_norm);
      optimizer_.step();
      {
        torch::NoGradGuard guard;
        double kl = ((ratio - 1) - log_ratio).mean().item<double>();
        sum_kl += kl;
        epoch_kl += kl;
        sum_clip += ((ratio - 1).abs() > options_.clip).to(torch::kFloat32).mean().item<double>();
        sum_pl += policy_loss.item<double>();
        sum_vl += value_loss.defined() ? value_loss.item<double>() : 0.0;
        sum_ent += entropy.item<double>();
      }
      ++stats.gradient_steps;
      ++epoch_steps;
    }
    if (options_.target_kl > 0 && epoch_steps > 0 && epoch_kl / epoch_steps > options_.target_kl) break;
  }
  const double s = std::max(1, stats.gradient_steps);
  stats.policy_loss = sum_pl / s;
  stats.value_loss = sum_vl / s;
  stats.entropy = sum_ent / s;
  stats.approx_kl = sum_kl / s;
  stats.clip_fraction = sum_clip / s;
  return stats;
}

std::pair<std::vector<double>, std::vector<double>> compute_gae(const std::vector<double>& rewards,
                                                                const std::vector<double>& values,
                                                                double last_value, double gamma,
                                                                double lambda) {
  const size_t T = rewards.size();
  if (values.size() != T) throw Error("compute_gae: rewards and values differ in length");
  std::vector<double> adv(T), ret(T);
  double gae = 0;
  for (size_t k = T; k-- > 0;) {
    double next_value = k + 1 < T ? values[k + 1] : last_value;
    double delta = rewards[k] + gamma * next_value - values[k];
    gae = delta + gamma * lambda * gae;
    adv[k] = gae;
    ret[k] = gae + values[k];
  }
  return {adv, ret};
}

double MovingAverageBaseline::advantage_and_update(double r) {
  if (!initialized_) {
    value_ = r;
    initialized_ = true;
    return 0.0;
  }
  double a = r - value_;
  value_ = decay_ * value_ + (1 - decay_) * r;
  return a;
}

}  // namespace tessera::learn
