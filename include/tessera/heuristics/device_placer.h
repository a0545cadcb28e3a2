#pragma once
// Device placers: the method interface of the device-placement problem and its registry.
//
// A placer maps every op of a DeviceGraph to a device of a Cluster. Classical placers live in
// src/heuristics (registered by add_classical_placers); learned placers (module devices_rl) add
// themselves with add_learned_placers (tessera/learn/device_learned_placers.h). The CLI's --method
// list is the registry's names().
//
// Contract of place(): returns a placement of size graph.num_ops() with devices in
// [0, cluster.num_devices()), respecting co-location groups; memory-aware placers try to keep every
// device within its capacity (the result's feasibility is checked by the simulator, not by place()).
// Equal options (seed, threads) give equal placements.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/cost/device_simulator.h"
#include "tessera/problems/cluster.h"
#include "tessera/problems/device_graph.h"

namespace tessera::devices {

struct PlaceOptions {
  uint64_t seed = 1;           ///< --seed
  int threads = 2;             ///< --threads (0 = all cores)
  double time_budget = 0;      ///< --time-budget seconds for search-based placers (0 = method default)
  std::string model_path;      ///< --model: trained model for learned placers ("" = shipped default)
  int finetune_steps = 0;      ///< --finetune-steps: learned placers fine-tune on this graph first
  bool progress = true;        ///< show a ProgressBar on long searches
  SimOptions sim;              ///< simulator options used to score candidates (policy, oom_penalty)
  Json extra = Json::object(); ///< --extra '{"key": value}': free per-method options
  void validate() const;
};

struct Placement {
  std::vector<int> device;     ///< per op
  std::string method;          ///< placer name
  double place_seconds = 0;    ///< wall time of place() (filled by run_placer)
  Json info = Json::object();  ///< method-specific details (iterations, METIS cut, ...)
  /// Simulator runs the placer made to choose the placement: info["evaluations"], set by the placers that
  /// search with the simulator (metis-sweep, anneal, the learned ones); 0 for the others.
  int64_t simulator_evaluations() const { return info.value("evaluations", int64_t{0}); }
};

class Placer {
 public:
  virtual ~Placer() = default;
  virtual std::string name() const = 0;
  virtual Placement place(const DeviceGraph& graph, const Cluster& cluster,
                          const PlaceOptions& options) = 0;
};

using PlacerFactory = std::function<std::unique_ptr<Placer>()>;

class PlacerRegistry {
 public:
  /// Registers a factory; UsageError when the name is taken.
  void add(const std::string& name, const std::string& description, PlacerFactory factory);
  bool has(const std::string& name) const;
  /// A new placer; UsageError listing the names when unknown.
  std::unique_ptr<Placer> create(const std::string& name) const;
  std::vector<std::string> names() const;  ///< in registration order
  const std::string& description(const std::string& name) const;

 private:
  struct Entry {
    std::string name, description;
    PlacerFactory factory;
  };
  std::vector<Entry> entries_;
};

/// single, expert, rule-expert, metis, m-topo, m-etf, m-sct, heft, anneal (see docs/devices.md).
void add_classical_placers(PlacerRegistry& registry);

/// Calls placer.place, times it, checks the result's size and range (Error naming the placer when
/// wrong) and enforces co-location.
Placement run_placer(Placer& placer, const DeviceGraph& graph, const Cluster& cluster,
                     const PlaceOptions& options);

/// InputError(source, 0, ...) when the graph cannot fit on any placement: its parameters plus its
/// largest tensor exceed the cluster's total memory.
void check_total_memory(const DeviceGraph& graph, const Cluster& cluster, const std::string& source);

}  // namespace tessera::devices
