#pragma once
// Model files and training checkpoints. One file holds the module's parameters and buffers, an
// optional optimizer state and a JSON metadata block: {"format": "tessera-model", "version": 1,
// "kind": <model kind, e.g. "gap">, "features": <feature-set id>, "config": {...}, "state": {...}}.
// Files are written atomically (a kill mid-save leaves the previous checkpoint intact). Loading
// checks format, kind and feature set and throws InputError naming the file and the mismatch.
#include <torch/torch.h>

#include <string>

#include "tessera/core/json.h"

namespace tessera::learn {

inline constexpr int kCheckpointVersion = 1;

/// Saves module (+ optimizer when given). `meta` must contain "kind"; format/version are added.
void save_checkpoint(const std::string& path, torch::nn::Module& module, Json meta,
                     torch::optim::Optimizer* optimizer = nullptr);

/// Reads only the metadata (to construct the module with the right configuration before loading).
/// Throws InputError if the file is missing, not a Tessera model, or of another kind.
Json read_checkpoint_meta(const std::string& path, const std::string& expected_kind);

/// Loads parameters (and optimizer state when given and present) into an already constructed module.
/// Throws InputError on a parameter name/shape mismatch.
void load_checkpoint(const std::string& path, torch::nn::Module& module,
                     torch::optim::Optimizer* optimizer = nullptr);

}  // namespace tessera::learn
