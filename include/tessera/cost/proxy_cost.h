#pragma once
// The proxy cost of Circuit Training, as re-implemented by TILOS MacroPlacement (see
// ../shared/specs/chip_placement.md): proxy = wirelength_cost + λ·density_cost + γ·congestion_cost.
//   wirelength_cost = Σ_nets w·HPWL / ((W + H) · Σ_nets w)
//   density_cost    = 0.5 · mean of the top max(1, ⌊0.1·cells⌋) cell occupancies (overlap area / cell area)
//   congestion_cost = mean of the top max(1, ⌊0.05·2·cells⌋) values of [V; H] routing demand
//                     (net routing smoothed over ±s cells, plus hard-macro blockage), normalised by
//                     cell size × routes per µm.
// ProxyCost evaluates a whole placement; IncrementalProxyCost keeps per-net and per-cell state and
// updates it when one node moves or flips (cost of the nets on that node plus the macro's cells).
#include <cstdint>
#include <memory>
#include <vector>

#include "tessera/problems/chip_placement.h"
#include "tessera/problems/netlist.h"

namespace tessera::chip {

struct CostWeights {
  double wirelength = 1.0;
  double density = 0.5;     ///< λ (published comparisons: 0.5; CT's RL environment: 1.0)
  double congestion = 0.5;  ///< γ
};

struct ProxyCostResult {
  double wirelength = 0;  ///< Σ w·HPWL (µm), the .plc header's "Wirelength"
  double wirelength_cost = 0, density_cost = 0, congestion_cost = 0;
  double proxy(const CostWeights& w = {}) const {
    return w.wirelength * wirelength_cost + w.density * density_cost + w.congestion * congestion_cost;
  }
};

/// Per-cell maps (row-major, rows × cols) for pictures and observations.
struct CostMaps {
  std::vector<double> density;         ///< occupancy per cell
  std::vector<double> h_congestion;    ///< horizontal demand per cell (smoothed + macros)
  std::vector<double> v_congestion;    ///< vertical demand per cell
};

/// Pin cells of a net, routing of 2/3-cell nets and the star split: exposed for tests and reuse.
/// Adds `weight` to H (row-major rows×cols, step (i,j)->(i,j+1) charges H[i][j]) and V.
void route_net_cells(const std::vector<int>& cells_rc /* pairs (row, col), source first */, double weight,
                     int cols, std::vector<double>& h, std::vector<double>& v);

struct CostModel;

class ProxyCost {
 public:
  ProxyCost(const Netlist& netlist, const CanvasSpec& spec);

  ProxyCostResult evaluate(const Placement& placement) const;
  CostMaps maps(const Placement& placement) const;
  const CanvasSpec& spec() const { return spec_; }
  const Netlist& netlist() const { return *netlist_; }

 private:
  const Netlist* netlist_;
  CanvasSpec spec_;
  std::shared_ptr<const CostModel> model_;  ///< precomputed net/pin arrays
};

/// Incremental evaluator. move() updates wirelength exactly per touched net, the density grid over the
/// old and new footprints, and the (pre-smoothing) routing demand of the touched nets plus the macro
/// blockage; cost() takes the top-k means (O(cells)). Agrees with ProxyCost::evaluate to rounding
/// (tests: thousands of random moves); resync() recomputes everything from scratch.
class IncrementalProxyCost {
 public:
  IncrementalProxyCost(const Netlist& netlist, const CanvasSpec& spec, const Placement& placement);
  ~IncrementalProxyCost();
  IncrementalProxyCost(IncrementalProxyCost&&) noexcept;
  IncrementalProxyCost& operator=(IncrementalProxyCost&&) noexcept;

  /// Replaces the whole placement (full recomputation).
  void reset(const Placement& placement);
  /// Recomputes the state of the current placement from scratch (removes rounding drift).
  void resync();
  const Placement& placement() const;

  /// Moves a macro, port or std cell (centre) and sets its orientation.
  void move(int64_t node, double x, double y, Orientation orientation);
  void move(int64_t node, double x, double y);
  /// Swaps the positions of two nodes (orientations kept).
  void swap(int64_t a, int64_t b);

  /// Transactions for annealing: checkpoint() starts recording, rollback() undoes every move since,
  /// commit() forgets them.
  void checkpoint();
  void rollback();
  void commit();

  ProxyCostResult cost() const;
  double proxy(const CostWeights& weights = {}) const;
  double wirelength_cost() const;
  CostMaps maps() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tessera::chip
