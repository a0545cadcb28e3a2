#pragma once
// Sequential bin packing as a decision process for a learned policy. Items arrive in
// non-increasing weight order; at each step the policy picks one candidate: an open bin the item
// fits in or "open a new bin". Bins the item does not fit in are never candidates (masked).
//
// Candidate features (kCandidateFeatures floats, the item features first, then the bin's):
//  item:  w/c, items left after this one / n, mean remaining weight / c, next weight / c,
//         smallest remaining weight / c, open bins / L1
//  bin:   load/c, residual/c, slack after placing (residual - w)/c, is the new bin,
//         items in the bin / 4, slack below the smallest remaining item (space lost for good),
//         is the best-fit bin, is the first-fit bin
// To keep a step's cost bounded the candidates are the max_candidates feasible bins of least
// slack (the first-fit bin always included) plus the new bin.
#include <cstdint>
#include <vector>

#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

inline constexpr int64_t kItemFeatures = 6;
inline constexpr int64_t kBinFeatures = 8;
inline constexpr int64_t kCandidateFeatures = kItemFeatures + kBinFeatures;

class BinPackingEnv {
 public:
  explicit BinPackingEnv(const BinPackingInstance& instance, int max_candidates = 32);

  bool done() const { return step_ >= static_cast<int64_t>(order_.size()); }
  int64_t step_index() const { return step_; }
  /// The current item (index into the instance).
  int32_t item() const { return order_[step_]; }
  /// Candidate bins of the current step (-1 = a new bin) and their features, row-major
  /// [candidates.size(), kCandidateFeatures].
  const std::vector<int32_t>& candidates() const { return candidates_; }
  const std::vector<float>& features() const { return features_; }
  /// Places the current item in candidate `choice`; returns true when a new bin was opened.
  bool step(int64_t choice);

  const Packing& packing() const { return packing_; }
  int64_t l1() const { return l1_; }

 private:
  void build_candidates();

  const BinPackingInstance& inst_;
  int max_candidates_;
  std::vector<int32_t> order_;
  std::vector<int64_t> suffix_sum_;  ///< total weight of order_[t..]
  int64_t step_ = 0;
  int64_t l1_ = 1;
  Packing packing_;
  std::vector<int32_t> count_;  ///< items per bin
  std::vector<int32_t> candidates_;
  std::vector<float> features_;
};

}  // namespace tessera::binpack
