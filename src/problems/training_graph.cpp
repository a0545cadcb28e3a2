#include "tessera/problems/training_graph.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "tessera/core/error.h"

namespace tessera::devices {

void TrainingOptions::validate() const {
  if (!(grad_flops_factor > 0) || !std::isfinite(grad_flops_factor))
    throw UsageError("training: grad_flops_factor must be > 0");
  if (!(update_flops_per_param >= 0) || !std::isfinite(update_flops_per_param))
    throw UsageError("training: update_flops_per_param must be >= 0");
}

Optimizer parse_optimizer(const std::string& name) {
  if (name == "sgd") return Optimizer::kSgd;
  if (name == "momentum") return Optimizer::kMomentum;
  if (name == "adam") return Optimizer::kAdam;
  throw UsageError("unknown optimizer '" + name + "' (expected sgd, momentum or adam)");
}

namespace {

/// Op types whose gradient does not read the op's own output (linear in the inputs or pure data
/// movement): no f -> f/grad edge, so their outputs are not kept alive for the backward pass.
bool grad_needs_output(const std::string& type) {
  static const std::set<std::string> kNo = {"Add",     "Sub",     "Concat",  "Split", "Reshape", "Flatten",
                                            "Squeeze", "Unsqueeze", "Transpose", "Identity", "Slice", "Gather",
                                            "Conv",    "Gemm",    "MatMul",  "Pad",   "Expand",  "Dropout",
                                            "Mul",     "Cast"};
  return !kNo.count(type);
}

}  // namespace

DeviceGraph expand_training(const DeviceGraph& fwd, const TrainingOptions& options,
                            const std::vector<std::array<double, kNumDeviceKinds>>& backward_time) {
  options.validate();
  if (!fwd.finalized()) throw UsageError("expand_training: graph not finalized");
  if (fwd.training()) throw UsageError("expand_training: '" + fwd.name() + "' is already a training graph");
  if (!backward_time.empty() && static_cast<int>(backward_time.size()) != fwd.num_ops())
    throw UsageError("expand_training: backward_time must have one entry per op");
  const int n = fwd.num_ops();
  const double state_mult =
      options.optimizer == Optimizer::kSgd ? 0.0 : options.optimizer == Optimizer::kMomentum ? 1.0 : 2.0;

  // An op needs a gradient when it has weights or consumes a tensor that depends on weights.
  std::vector<char> needs(n, 0);
  for (int v : fwd.topological_order()) {
    needs[v] = fwd.op(v).param_bytes > 0;
    for (const int* e = fwd.in_begin(v); e != fwd.in_end(v); ++e) needs[v] |= needs[fwd.edges()[*e].src];
    // Ops that produce nothing (shape queries, constants) carry no gradient.
    if (fwd.op(v).output_bytes == 0 && fwd.op(v).param_bytes == 0) needs[v] = 0;
  }
  int max_label = -1;
  for (const Op& o : fwd.ops()) max_label = std::max(max_label, o.colocation);

  DeviceGraph g(fwd.name() + "/train");
  g.set_batch_size(fwd.batch_size());
  g.set_training(true);
  for (int v = 0; v < n; ++v) {
    Op o = fwd.op(v);
    o.role = OpRole::kForward;
    if (needs[v] && o.colocation < 0) o.colocation = max_label + 1 + v;
    g.add_op(std::move(o));
  }
  for (const Edge& e : fwd.edges()) g.add_edge(e.src, e.dst, e.bytes, e.tensor);

  std::vector<int> grad(n, -1), update(n, -1);
  // Gradient ops in reverse topological order (their natural execution order).
  const auto& topo = fwd.topological_order();
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    const int v = *it;
    if (!needs[v]) continue;
    const Op& f = fwd.op(v);
    double in_bytes = 0, in_grad_bytes = 0;
    for (const int* e = fwd.in_begin(v); e != fwd.in_end(v); ++e) {
      const Edge& ed = fwd.edges()[*e];
      in_bytes += ed.bytes;
      if (needs[ed.src]) in_grad_bytes += ed.bytes;
    }
    Op b;
    b.name = f.name + "/grad";
    b.type = "Grad:" + f.type;
    b.role = OpRole::kBackward;
    b.forward_op = v;
    b.layer = f.layer;
    b.colocation = g.op(v).colocation;
    const double factor = f.param_bytes > 0 ? options.grad_flops_factor : 1.0;
    b.flops = f.flops > 0 ? factor * f.flops : (f.output_bytes + f.param_bytes) / 4.0;
    b.output_bytes = in_grad_bytes + f.param_bytes;  // input gradients + weight gradient
    b.bytes_read = f.output_bytes + in_bytes + f.param_bytes;
    b.bytes_written = b.output_bytes;
    if (!backward_time.empty()) b.profiled_time = backward_time[v];
    grad[v] = g.add_op(std::move(b));
  }
  for (int v = 0; v < n; ++v) {
    if (!needs[v]) continue;
    const Op& f = fwd.op(v);
    // Gradient flowing back from each consumer that needs one: c/grad -> v/grad.
    // (Added from the consumer's side below.) Activations: each input u -> v/grad, output v -> v/grad.
    int k = 0;
    for (const int* e = fwd.in_begin(v); e != fwd.in_end(v); ++e, ++k) {
      const Edge& ed = fwd.edges()[*e];
      g.add_edge(ed.src, grad[v], ed.bytes, ed.tensor);
      if (needs[ed.src]) g.add_edge(grad[v], grad[ed.src], ed.bytes, k);
    }
    if (grad_needs_output(f.type) && f.output_bytes > 0) g.add_edge(v, grad[v], f.output_bytes, 0);
    if (f.param_bytes > 0) {
      Op u;
      u.name = f.name + "/update";
      u.type = "Update";
      u.role = OpRole::kUpdate;
      u.forward_op = v;
      u.layer = f.layer;
      u.colocation = g.op(v).colocation;
      u.flops = options.update_flops_per_param * f.param_bytes / 4.0;
      u.param_bytes = state_mult * f.param_bytes;  // optimizer state, resident
      u.bytes_read = f.param_bytes * (2.0 + state_mult);
      u.bytes_written = f.param_bytes * (1.0 + state_mult);
      u.output_bytes = 0;
      update[v] = g.add_op(std::move(u));
      g.add_edge(grad[v], update[v], f.param_bytes, -1);  // the weight gradient
    }
  }
  for (const auto& ex : fwd.expert_placements()) {
    DeviceGraph::ExpertPlacement p = ex;
    p.device.resize(g.num_ops());
    for (int v = 0; v < n; ++v) {
      if (grad[v] >= 0) p.device[grad[v]] = ex.device[v];
      if (update[v] >= 0) p.device[update[v]] = ex.device[v];
    }
    g.add_expert_placement(std::move(p));
  }
  g.finalize(fwd.name());
  return g;
}

}  // namespace tessera::devices
