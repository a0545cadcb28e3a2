#pragma once
// The learned chip macro placer ("rl") for the chip placer registry.
//
// RlChipPlacer loads a chip_rl model (options.params["model"], default: the shipped
// models/chip_rl.pt), optionally fine-tunes it on the target with PPO for
// options.params["finetune_seconds"] (0 = zero-shot), then rolls the policy out: one greedy episode
// and sampled episodes on all threads while options.time_budget lasts (counted after fine-tuning), keeping the placement with the
// lowest proxy cost (episodes with an overlap fallback are only kept when nothing legal was found).
// With "refine_candidates" K > 0 the end of the budget is kept for refining the K best legal samples
// (coordinate descent as in refine_placement, then FD): the best refined placement wins. How much a
// sample gains from refinement varies a lot, so the best sample is often not the best refined one.
// Params: "model" (path), "finetune_seconds" (s), "episodes_per_iteration" (fine-tuning, default 8),
// "max_samples" (cap on sampled episodes, default unlimited), "temperature" (default 1),
// "refine_candidates" (default kDefaultRefineCandidates).
#include <string>

#include "tessera/core/json.h"
#include "tessera/heuristics/chip_placer.h"

namespace tessera::chip {

inline constexpr int kDefaultRefineCandidates = 64;

/// Path of the model shipped with the project (models/chip_rl.pt in the source tree, or
/// $TESSERA_CHIP_RL_MODEL when set).
std::string default_chip_rl_model_path();

class RlChipPlacer : public ChipPlacer {
 public:
  std::string name() const override { return "rl"; }
  Json stats() const override { return stats_; }

 private:
  Placement place_impl(const Netlist& netlist, const ChipCanvas& canvas, const Placement& start,
                       const ChipPlacerOptions& options) override;
  Json stats_ = Json::object();
};

/// Adds "rl" to the chip placer registry (called by `tessera chip` when chip_rl is built).
void add_learned_placers(ChipPlacerRegistry& registry);

}  // namespace tessera::chip
