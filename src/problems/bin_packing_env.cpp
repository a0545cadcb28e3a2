#include "tessera/problems/bin_packing_env.h"

#include <algorithm>

#include "tessera/core/error.h"
#include "tessera/cost/bin_packing_cost.h"
#include "tessera/heuristics/bin_packing_heuristics.h"

namespace tessera::binpack {

BinPackingEnv::BinPackingEnv(const BinPackingInstance& instance, int max_candidates)
    : inst_(instance), max_candidates_(max_candidates), order_(decreasing_order(instance)) {
  suffix_sum_.assign(order_.size() + 1, 0);
  for (size_t t = order_.size(); t-- > 0;) suffix_sum_[t] = suffix_sum_[t + 1] + instance.weights[order_[t]];
  l1_ = std::max<int64_t>(1, lower_bound_l1(instance));
  packing_.bin_of.assign(instance.weights.size(), -1);
  if (!done()) build_candidates();
}

void BinPackingEnv::build_candidates() {
  const int64_t c = inst_.capacity;
  const int32_t j = order_[step_];
  const int64_t w = inst_.weights[j];
  const double cd = static_cast<double>(c);
  const int64_t n = static_cast<int64_t>(order_.size());
  const int64_t left = n - step_ - 1;
  const double mean_rest = left > 0 ? (suffix_sum_[step_ + 1] / static_cast<double>(left)) / cd : 0.0;
  const int64_t next_w = left > 0 ? inst_.weights[order_[step_ + 1]] : 0;
  const int64_t min_w = left > 0 ? inst_.weights[order_.back()] : 0;
  // Feasible bins by slack (ties: lower index), first fit = lowest feasible index.
  std::vector<std::pair<int64_t, int32_t>> fit;
  int32_t first = -1;
  for (int32_t b = 0; b < packing_.bins(); ++b) {
    int64_t slack = c - packing_.loads[b] - w;
    if (slack < 0) continue;
    if (first < 0) first = b;
    fit.push_back({slack, b});
  }
  std::sort(fit.begin(), fit.end());
  candidates_.clear();
  for (size_t k = 0; k < fit.size() && static_cast<int>(k) < max_candidates_; ++k) candidates_.push_back(fit[k].second);
  if (first >= 0 && std::find(candidates_.begin(), candidates_.end(), first) == candidates_.end())
    candidates_.push_back(first);
  candidates_.push_back(-1);
  const int32_t best = fit.empty() ? -1 : fit.front().second;
  features_.assign(candidates_.size() * kCandidateFeatures, 0.0f);
  for (size_t k = 0; k < candidates_.size(); ++k) {
    float* f = features_.data() + k * kCandidateFeatures;
    f[0] = static_cast<float>(w / cd);
    f[1] = static_cast<float>(static_cast<double>(left) / n);
    f[2] = static_cast<float>(mean_rest);
    f[3] = static_cast<float>(next_w / cd);
    f[4] = static_cast<float>(min_w / cd);
    f[5] = static_cast<float>(static_cast<double>(packing_.bins()) / l1_);
    const int32_t b = candidates_[k];
    const int64_t load = b >= 0 ? packing_.loads[b] : 0;
    const int64_t slack = c - load - w;
    float* g = f + kItemFeatures;
    g[0] = static_cast<float>(load / cd);
    g[1] = static_cast<float>((c - load) / cd);
    g[2] = static_cast<float>(slack / cd);
    g[3] = b < 0 ? 1.0f : 0.0f;
    g[4] = b >= 0 ? static_cast<float>(count_[b] / 4.0) : 0.0f;
    g[5] = (left > 0 && slack < min_w) || left == 0 ? static_cast<float>(slack / cd) : 0.0f;
    g[6] = (b == best) || (b < 0 && best < 0) ? 1.0f : 0.0f;
    g[7] = (b == first) || (b < 0 && first < 0) ? 1.0f : 0.0f;
  }
}

bool BinPackingEnv::step(int64_t choice) {
  if (done()) throw Error("BinPackingEnv::step after the last item");
  if (choice < 0 || choice >= static_cast<int64_t>(candidates_.size()))
    throw Error("BinPackingEnv::step: candidate index out of range");
  const int32_t j = order_[step_];
  int32_t b = candidates_[choice];
  const bool opened = b < 0;
  if (opened) {
    b = static_cast<int32_t>(packing_.bins());
    packing_.loads.push_back(0);
    count_.push_back(0);
  }
  packing_.loads[b] += inst_.weights[j];
  ++count_[b];
  packing_.bin_of[j] = b;
  ++step_;
  if (!done()) build_candidates();
  return opened;
}

}  // namespace tessera::binpack
