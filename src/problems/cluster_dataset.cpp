#include "tessera/problems/cluster_dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/core/random.h"

namespace tessera::cluster {

Dataset::Dataset(std::string name, torch::Tensor features, std::vector<int64_t> labels,
                 std::vector<std::string> feature_names)
    : name_(std::move(name)), labels_(std::move(labels)), feature_names_(std::move(feature_names)) {
  if (!features.defined() || features.dim() != 2)
    throw Error(fmt::format("{}: features must be a 2-D [points, features] tensor", name_));
  features_ = features.to(torch::kFloat32).contiguous();
  if (!labels_.empty() && static_cast<int64_t>(labels_.size()) != features_.size(0))
    throw Error(fmt::format("{}: {} labels for {} points", name_, labels_.size(), features_.size(0)));
  for (int64_t l : labels_)
    if (l < 0) throw Error(fmt::format("{}: negative class label {}", name_, l));
  if (!feature_names_.empty() && static_cast<int64_t>(feature_names_.size()) != features_.size(1))
    throw Error(fmt::format("{}: {} feature names for {} features", name_, feature_names_.size(),
                            features_.size(1)));
}

int64_t Dataset::num_classes() const {
  if (labels_.empty()) return 0;
  return *std::max_element(labels_.begin(), labels_.end()) + 1;
}

Dataset Dataset::subset(const std::vector<int64_t>& rows) const {
  auto index = torch::tensor(rows, torch::kInt64);
  std::vector<int64_t> labels;
  if (!labels_.empty()) {
    labels.reserve(rows.size());
    for (int64_t r : rows) labels.push_back(labels_.at(r));
  }
  return Dataset(name_, features_.index_select(0, index), std::move(labels), feature_names_);
}

std::pair<std::vector<int64_t>, std::vector<int64_t>> Dataset::split_rows(int64_t n, double train_fraction,
                                                                          uint64_t seed) {
  if (!(train_fraction > 0.0 && train_fraction < 1.0))
    throw UsageError(fmt::format("train fraction must be in (0, 1), got {}", train_fraction));
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  Rng rng(derive_seed(seed, 0x5e11));
  std::shuffle(perm.begin(), perm.end(), rng);
  const auto n_train = static_cast<int64_t>(std::llround(train_fraction * n));
  if (n_train < 1 || n_train >= n)
    throw UsageError(fmt::format("a train fraction of {} of {} points leaves an empty part", train_fraction, n));
  std::vector<int64_t> train(perm.begin(), perm.begin() + n_train), rest(perm.begin() + n_train, perm.end());
  std::sort(train.begin(), train.end());
  std::sort(rest.begin(), rest.end());
  return {train, rest};
}

void validate_cluster_count(int64_t k, int64_t num_points, const std::string& source) {
  if (k <= 0) throw UsageError(fmt::format("-k must be a positive number of clusters, got {}", k));
  if (k > num_points)
    throw UsageError(fmt::format("-k {} is more clusters than the {} points of {}", k, num_points, source));
}

}  // namespace tessera::cluster
