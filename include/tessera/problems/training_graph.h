#pragma once
// Expansion of a forward (inference) graph into one training step: forward + backward + update.
//
// For every forward op f (in reverse topological order) with any input that needs a gradient:
//  - a gradient op "f/grad" (role kBackward, type "Grad:<type>"): FLOPs = grad_flops_factor · FLOPs(f)
//    (2× by default: input gradient + weight gradient for ops with parameters, 1× for ops without),
//    bytes read = output gradient + f's inputs (activations kept alive until f/grad) + weights,
//    output = input gradients + weight gradients;
//  - edges: for each data edge u -> f, a reversed edge f/grad -> u/grad (the input gradient) and an
//    edge u -> f/grad (the activation u produced, kept alive until the gradient op ran); f -> f/grad
//    carries f's output when the gradient needs it (all ops but Add/Concat/Split/Reshape-like ones);
//  - for ops with parameters an update op "f/update" (role kUpdate): reads weights, gradients and
//    optimizer state, FLOPs = update_flops_per_param · params, param_bytes = optimizer state bytes
//    (SGD 0, momentum 1×, Adam 2× the weights), edge f/grad -> f/update (the weight gradient).
// Co-location: f, f/grad and f/update form one group (the 2017 RL paper's and HDP's rule), keeping
// the weights, their gradients and the optimizer state on one device.
// The loss gradient seeds the graph's sink ops: every sink's gradient op has no incoming gradient edge.
#include <string>

#include "tessera/problems/device_graph.h"

namespace tessera::devices {

enum class Optimizer { kSgd, kMomentum, kAdam };

struct TrainingOptions {
  Optimizer optimizer = Optimizer::kMomentum;
  double grad_flops_factor = 2.0;       ///< backward FLOPs / forward FLOPs for ops with weights
  double update_flops_per_param = 4.0;  ///< FLOPs per weight element of the update op
  void validate() const;
};

Optimizer parse_optimizer(const std::string& name);  ///< "sgd" | "momentum" | "adam"

/// The training graph of a forward graph (which must be finalized and not already a training graph).
/// Ops keep their names; gradient and update ops get "/grad" and "/update" suffixes. Profiled
/// backward times given in `backward_time` (per forward op, seconds per device kind, < 0 = derive)
/// replace the derived cost.
DeviceGraph expand_training(const DeviceGraph& forward, const TrainingOptions& options = {},
                            const std::vector<std::array<double, kNumDeviceKinds>>& backward_time = {});

}  // namespace tessera::devices
