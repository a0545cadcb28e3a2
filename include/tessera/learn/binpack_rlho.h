#pragma once
// The learned methods of bin packing at inference time:
//   rl    the policy packs the items (greedy), optionally the best of a few sampled packings;
//   rlho  RL-driven heuristic optimisation (Cai et al. 2019): the RL packing seeds simulated
//         annealing, which runs for the rest of the time budget.
// The shipped model is models/binpack_policy.pt (tools/train_binpack_model.sh).
#include <cstdint>
#include <memory>
#include <string>

#include "tessera/core/json.h"
#include "tessera/heuristics/bin_packing_annealer.h"
#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

class BinpackModel {
 public:
  /// Loads a model written by train_binpack_policy; InputError when missing or of another kind.
  static BinpackModel load(const std::string& path);
  BinpackModel(BinpackModel&&) noexcept;
  BinpackModel& operator=(BinpackModel&&) noexcept;
  ~BinpackModel();

  /// Greedy packing.
  Packing pack(const BinPackingInstance& instance) const;
  /// Best (fewest bins, then highest Falkenauer fitness) of the greedy packing and `samples`
  /// sampled ones; sample s uses derive_seed(seed, s). Stops sampling after `time_limit` seconds.
  Packing best_of(const BinPackingInstance& instance, int samples, uint64_t seed, double time_limit) const;
  const std::string& path() const { return path_; }
  const Json& meta() const { return meta_; }

 private:
  BinpackModel();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  Json meta_;
};

/// models/binpack_policy.pt, looked up in the working directory and then in the source tree.
std::string default_binpack_model_path();

struct RlhoOptions {
  double time_limit = 10.0;      ///< total seconds (RL starts + SA)
  double rl_time_share = 0.1;    ///< at most this share of the time goes to sampled RL starts
  int samples = 8;               ///< sampled RL packings besides the greedy one
  AnnealerOptions annealer;      ///< time_limit is set from the rest of the budget
  uint64_t seed = 1;
  void validate() const;
};

struct RlhoResult {
  Packing packing;
  int64_t rl_bins = 0;   ///< bins of the RL start
  double rl_seconds = 0;
  AnnealerResult annealing;
};

RlhoResult solve_rlho(const BinpackModel& model, const BinPackingInstance& instance, const RlhoOptions& options);

}  // namespace tessera::binpack
