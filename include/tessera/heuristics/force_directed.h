#pragma once
// Force-directed placement of soft macros (std-cell clusters) with hard macros and ports fixed, as
// Circuit Training does after macro placement (plc.optimize_stdcells): every soft macro starts at the
// canvas centre (so the result depends only on hard macros and ports), then rounds of iterations with
// their own attraction/repulsion factors: first pure net contraction, then spreading (CT's schedule is
// 3 × 100 iterations with attract 100 / 1e-3 / 1e-5 and repel 0 / 1e6 / 1e7 for its own force scales;
// ours, tuned on Ariane133 for our force scales: attract 1 / 1 / 1, repel 0 / 100 / 300). Forces:
// springs along nets (star on the driver, weight × distance), repulsion between overlapping macros
// (overlap length) plus a push down the gradient of the grid-cell occupancy for soft macros in cells
// fuller than target_density; hard macros and ports fixed. Each iteration moves every soft macro by its force divided by the
// largest force, times the round's step (move_distance_factor × max(W, H) / 100, decaying linearly to
// 10% over the round). Soft macros stay inside the canvas.
#include <cstdint>
#include <vector>

#include "tessera/problems/chip_placement.h"
#include "tessera/problems/netlist.h"

namespace tessera::chip {

struct ForceDirectedOptions {
  std::vector<int> iterations = {100, 100, 100};        ///< iterations per round
  std::vector<double> move_distance_factors = {1.0, 1.0, 1.0};  ///< max step per round, × canvas/100
  std::vector<double> attract_factors = {1.0, 1.0, 1.0};    ///< per round (last one repeats)
  std::vector<double> repel_factors = {0.0, 100.0, 300.0};  ///< per round (last one repeats)
  double attract_factor = 1.0;   ///< multiplies every round's attraction
  double repel_factor = 1.0;     ///< multiplies every round's repulsion
  double target_density = 0.5;   ///< soft macros in grid cells fuller than this are pushed out
  double density_push = 1.0;     ///< weight of the density-gradient push relative to overlap repulsion
  bool use_current_positions = false;  ///< true: start from the current soft-macro positions
  int threads = 1;
  void validate() const;
};

/// Moves the soft macros of `placement` (hard macros, ports, cells untouched). Returns the number of
/// iterations run.
int force_directed_place(const Netlist& netlist, const CanvasSpec& spec, Placement& placement,
                         const ForceDirectedOptions& options = {});

}  // namespace tessera::chip
