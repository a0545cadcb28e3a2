#pragma once
// Chip macro placers behind one interface, chosen by name through a registry (the CLI's --method list
// comes from it). A placer puts the hard macros on the canvas (legal, non-overlapping, fixed macros
// kept); place_chip() then places the soft macros with the force-directed placer, optionally refines
// with coordinate descent, and evaluates the proxy cost: the same protocol for every method.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/cost/proxy_cost.h"
#include "tessera/heuristics/force_directed.h"
#include "tessera/problems/chip_canvas.h"
#include "tessera/problems/chip_placement.h"
#include "tessera/problems/netlist.h"

namespace tessera::chip {

struct ChipPlacerOptions {
  uint64_t seed = 1;
  int threads = 2;
  double time_budget = 60.0;     ///< wall-clock seconds for the placer's own search
  CostWeights weights;           ///< objective the placer optimises (default 1, 0.5, 0.5)
  bool allow_rotation = false;   ///< consider E-family orientations
  bool progress = true;          ///< progress bar on stderr
  Json params = Json::object();  ///< method-specific parameters (e.g. "model" for rl)
  void validate() const;
};

/// Interface of a macro placer. place() returns a placement whose hard macros are legal (inside the
/// canvas, no overlaps) with fixed macros unchanged; soft macros may be anywhere (FD follows).
class ChipPlacer {
 public:
  virtual ~ChipPlacer() = default;
  virtual std::string name() const = 0;
  /// `start` carries ports, fixed macros and the soft macros' initial positions.
  Placement place(const Netlist& netlist, const ChipCanvas& canvas, const Placement& start,
                  const ChipPlacerOptions& options) {
    return place_impl(netlist, canvas, start, options);
  }
  /// Extra statistics of the last run (iterations, acceptance, ...), reported in JSON.
  virtual Json stats() const { return Json::object(); }

 private:
  virtual Placement place_impl(const Netlist& netlist, const ChipCanvas& canvas, const Placement& start,
                               const ChipPlacerOptions& options) = 0;
};

using ChipPlacerFactory = std::function<std::unique_ptr<ChipPlacer>()>;

class ChipPlacerRegistry {
 public:
  /// Throws UsageError when the name is taken.
  void add(const std::string& name, const std::string& description, ChipPlacerFactory factory);
  bool has(const std::string& name) const { return entries_.count(name) > 0; }
  /// Throws UsageError listing the known names when absent.
  std::unique_ptr<ChipPlacer> create(const std::string& name) const;
  std::vector<std::string> names() const;
  std::string description(const std::string& name) const;

 private:
  struct Entry {
    std::string description;
    ChipPlacerFactory factory;
  };
  std::map<std::string, Entry> entries_;
};

/// Registry with the classical placers: "given" (keep the input hard macros), "random", "greedy", "sa".
ChipPlacerRegistry make_chip_placer_registry();

/// Coordinate-descent refinement (usable after any placer): each hard macro in turn tries the legal
/// cells in a window around it (and orientation flips), keeps the best proxy; repeated while it
/// improves or the budget lasts. Soft macros are re-placed by FD at the end when `fd` is set.
struct RefineOptions {
  int passes = 2;
  int window = 3;           ///< cells each way; 0 = every legal cell
  bool flips = true;
  bool swaps = true;        ///< also try swapping each macro with every other movable hard macro
  double time_budget = 30;  ///< seconds
  CostWeights weights;
  bool progress = true;
};
Json refine_placement(const Netlist& netlist, const ChipCanvas& canvas, Placement& placement,
                      const RefineOptions& options);

/// Full protocol for one method: place hard macros, FD for soft macros, optional refinement, cost.
struct ChipPlaceReport {
  Placement placement;
  ProxyCostResult cost;           ///< final
  ProxyCostResult cost_unrefined; ///< after FD, before refinement
  double place_seconds = 0, fd_seconds = 0, refine_seconds = 0;
  Json placer_stats;
  Json refine_stats;
};
struct PlaceChipOptions {
  ChipPlacerOptions placer;
  bool run_fd = true;
  ForceDirectedOptions fd;
  bool refine = false;
  RefineOptions refinement;
};
ChipPlaceReport place_chip(ChipPlacer& placer, const Netlist& netlist, const CanvasSpec& spec,
                           const Placement& start, const PlaceChipOptions& options);

}  // namespace tessera::chip
