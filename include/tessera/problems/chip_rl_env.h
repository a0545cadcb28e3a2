#pragma once
// The macro-placement environment of the RL placer (Circuit Training's formulation): hard macros are
// placed one per step, largest first, each onto a grid cell (its centre on the cell centre); the
// action mask holds the cells where the macro lies inside the canvas without overlapping a placed hard
// macro. After the last macro the soft macros are placed by the force-directed placer and the episode
// reward is −proxy(WL + λ·density + γ·congestion).
//
// ChipRlEnv holds what every episode of one netlist shares (the encoder's graph tensors, neighbour
// lists, placement order, cost evaluator); ChipRlEpisode is the per-episode state (cheap to create,
// one per rollout thread).
//
// Observation channels (rows × cols each), the placement state the policy sees:
//   0 legal mask of the current macro      1 occupancy of placed hard macros (covered fraction)
//   2 pull of the current macro's placed neighbours (hard macros, ports): Σ net weight per cell
//   3 pull of its soft-macro neighbours at their current positions   4, 5 column / row coordinate
//   6 wire field: weighted Manhattan distance from the cell to the placed neighbours, scaled to [0, 1]
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tessera/cost/proxy_cost.h"
#include "tessera/heuristics/force_directed.h"
#include "tessera/nn/chip_policy.h"
#include "tessera/problems/chip_canvas.h"
#include "tessera/problems/chip_placement.h"
#include "tessera/problems/netlist.h"

namespace tessera::chip {

inline constexpr int64_t kChipRlNodeFeatures = 8;
inline constexpr int64_t kChipRlSpatialChannels = 7;

/// One netlist to train on or to place: the netlist, its canvas/grid and the starting placement
/// (ports, fixed macros, initial soft-macro positions).
struct ChipRlTask {
  std::string name;
  std::shared_ptr<const Netlist> netlist;
  CanvasSpec spec;
  Placement start;
};

struct ChipRlEnvOptions {
  CostWeights weights;      ///< reward = −proxy with these weights (default 1, 0.5, 0.5)
  ForceDirectedOptions fd;  ///< soft-macro placement at the end of each episode
  bool run_fd = true;
};

class ChipRlEnv {
 public:
  ChipRlEnv(ChipRlTask task, ChipRlEnvOptions options);

  const ChipRlTask& task() const { return task_; }
  const Netlist& netlist() const { return *task_.netlist; }
  const ChipRlEnvOptions& options() const { return options_; }
  int rows() const { return task_.spec.rows; }
  int cols() const { return task_.spec.cols; }
  /// Hard macros to place (not fixed), largest first.
  const std::vector<int64_t>& order() const { return order_; }
  /// Encoder input: hard macros, soft macros and ports with features
  /// [is_hard, is_soft, is_port, w/W, h/H, x/W, y/H (ports and soft macros only), log(1+degree)/4].
  const ChipGraphInput& graph() const { return graph_; }
  /// Graph node of a netlist node (pins map to their macro), -1 when none.
  int64_t graph_node(int64_t netlist_node) const { return object_of_[netlist_node]; }
  int64_t netlist_node(int64_t graph_node) const { return node_of_[graph_node]; }
  struct Neighbor {
    int64_t node;  ///< netlist node
    double weight;
  };
  const std::vector<Neighbor>& neighbors(int64_t graph_node) const { return neighbors_[graph_node]; }
  const ProxyCost& cost() const { return cost_; }

 private:
  ChipRlTask task_;
  ChipRlEnvOptions options_;
  ProxyCost cost_;
  std::vector<int64_t> order_;
  std::vector<int64_t> object_of_, node_of_;
  std::vector<std::vector<Neighbor>> neighbors_;
  ChipGraphInput graph_;
};

/// The decision state handed to the policy.
struct ChipRlObservation {
  int64_t macro_node = -1;  ///< graph node of the macro to place
  torch::Tensor spatial;    ///< float32 [S, rows, cols]
  torch::Tensor mask;       ///< bool [rows*cols]
  bool fallback = false;    ///< no legal cell was left: the mask holds the in-canvas cells instead
};

class ChipRlEpisode {
 public:
  explicit ChipRlEpisode(const ChipRlEnv& env);

  bool done() const { return step_ >= static_cast<int64_t>(env_->order().size()); }
  int64_t step_index() const { return step_; }
  /// Netlist node of the macro placed next.
  int64_t current_macro() const { return env_->order()[step_]; }
  ChipRlObservation observe() const;
  /// Places the current macro with its centre on `cell`.
  void step(int cell);
  /// Places the soft macros (FD) and evaluates the proxy cost; call once, after done().
  ProxyCostResult finish();
  const Placement& placement() const { return placement_; }
  /// Steps that had no legal cell (overlapping placements were allowed for them).
  int64_t fallback_steps() const { return fallback_steps_; }

 private:
  void add_occupancy(int64_t macro, double sign);

  const ChipRlEnv* env_;
  ChipCanvas canvas_;
  Placement placement_;
  std::vector<float> occupancy_;
  int64_t step_ = 0;
  int64_t fallback_steps_ = 0;
};

}  // namespace tessera::chip
