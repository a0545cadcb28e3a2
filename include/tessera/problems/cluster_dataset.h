#pragma once
// A clustering instance: n points with d numeric features, optional ground-truth labels (used only to
// score a clustering, never to find one), and the feature names from the file.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::cluster {

class Dataset {
 public:
  Dataset() = default;
  /// features: [n, d] (converted to float32, contiguous); labels: n class ids >= 0 or empty.
  Dataset(std::string name, torch::Tensor features, std::vector<int64_t> labels = {},
          std::vector<std::string> feature_names = {});

  const std::string& name() const { return name_; }
  int64_t size() const { return features_.defined() ? features_.size(0) : 0; }
  int64_t dim() const { return features_.defined() ? features_.size(1) : 0; }
  const torch::Tensor& features() const { return features_; }
  bool has_labels() const { return !labels_.empty(); }
  const std::vector<int64_t>& labels() const { return labels_; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  /// Number of distinct classes (max label + 1); 0 without labels.
  int64_t num_classes() const;

  /// The points at `rows` (in that order), with their labels.
  Dataset subset(const std::vector<int64_t>& rows) const;

  /// A seeded random split into a training part (fraction `train_fraction`) and the disjoint rest.
  /// Returns the row indices of both parts, each sorted.
  static std::pair<std::vector<int64_t>, std::vector<int64_t>> split_rows(int64_t n, double train_fraction,
                                                                          uint64_t seed);

 private:
  std::string name_;
  torch::Tensor features_;
  std::vector<int64_t> labels_;
  std::vector<std::string> feature_names_;
};

/// Checks the number of clusters against the data: throws UsageError unless 1 <= k <= n.
void validate_cluster_count(int64_t k, int64_t num_points, const std::string& source);

}  // namespace tessera::cluster
