#pragma once
// The learned device placers, registered into the devices module's PlacerRegistry:
//  - "rl2017": the 2017 seq2seq placer, trained with REINFORCE on the graph being placed
//    (from scratch, or warm-started from --model with the same device count).
//  - "gdp": the GDP policy. Default: the shipped pre-trained model (models/gdp_devplace.pt) placed
//    zero-shot (greedy + a few samples, best by the simulator); --finetune-steps N fine-tunes it on
//    the graph with PPO first; extra {"scratch": true} trains a fresh policy on the graph instead.
// PlaceOptions::extra keys, checked per method (a key of the other method is a UsageError):
//  both: "iterations", "samples", "learning_rate", "checkpoint", "resume", "log" (TrainingLog prefix);
//  rl2017: "max_groups"; gdp: "scratch", "zero_shot_samples", "group_actions" (scratch only),
//  "entropy_coef", "reward", "self_imitation", "self_imitation_steps", "exploration",
//  "block_exploration", "ppo_epochs", "adapter_lr", "freeze_network". See docs/devices_rl.md.
#include <string>

#include "tessera/heuristics/device_placer.h"

namespace tessera::devices {

/// Adds "rl2017" and "gdp".
void add_learned_placers(PlacerRegistry& registry);

/// The shipped GDP model: $TESSERA_MODEL_DIR/gdp_devplace.pt, else models/gdp_devplace.pt under the
/// working directory, else under the source tree this binary was built from. UsageError when none.
std::string default_gdp_model_path();

}  // namespace tessera::devices
