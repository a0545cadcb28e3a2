#include "tessera/heuristics/device_placer.h"

#include <cstdio>

#include "tessera/core/error.h"
#include "tessera/core/stopwatch.h"
#include "tessera/heuristics/classical_device_placers.h"

namespace tessera::devices {

void PlaceOptions::validate() const {
  if (threads < 0) throw UsageError("--threads must be >= 0");
  if (!(time_budget >= 0)) throw UsageError("--time-budget must be >= 0 seconds");
  if (finetune_steps < 0) throw UsageError("--finetune must be >= 0");
  if (!extra.is_object()) throw UsageError("--extra must be a JSON object");
}

void PlacerRegistry::add(const std::string& name, const std::string& description, PlacerFactory factory) {
  if (has(name)) throw UsageError("placer '" + name + "' is registered twice");
  entries_.push_back(Entry{name, description, std::move(factory)});
}

bool PlacerRegistry::has(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return true;
  return false;
}

std::unique_ptr<Placer> PlacerRegistry::create(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e.factory();
  std::string all;
  for (const auto& e : entries_) all += (all.empty() ? "" : ", ") + e.name;
  throw UsageError("unknown placement method '" + name + "' (expected one of: " + all + ")");
}

std::vector<std::string> PlacerRegistry::names() const {
  std::vector<std::string> v;
  for (const auto& e : entries_) v.push_back(e.name);
  return v;
}

const std::string& PlacerRegistry::description(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e.description;
  throw UsageError("unknown placement method '" + name + "'");
}

void add_classical_placers(PlacerRegistry& r) {
  r.add("single", "all ops on one device (the one with the most memory)", make_single_placer);
  r.add("expert", "human-expert split shipped with the input (msr_dnn_partitioning)", make_expert_placer);
  r.add("rule-expert", "layer-wise split (RNN/Transformer) or pipeline split by cumulative compute (CNN)",
        make_rule_expert_placer);
  r.add("metis", "METIS k-way partition of the op graph (compute-balanced, communication cut)", make_metis_placer);
  r.add("metis-sweep", "the best metis partition over balance tolerances 3-50% and two seeds (by simulation)",
        make_metis_sweep_placer);
  r.add("m-topo", "Baechi m-TOPO: topological order, balanced compute, memory-aware", make_mtopo_placer);
  r.add("m-etf", "Baechi m-ETF: earliest-task-first list scheduling, memory-aware", make_metf_placer);
  r.add("m-sct", "Baechi m-SCT: ETF with favourite children (small communication times)", make_msct_placer);
  r.add("heft", "HEFT: upward rank, earliest finish time", make_heft_placer);
  r.add("anneal", "simulated annealing on the simulator, from the best classical placement", make_anneal_placer);
}

Placement run_placer(Placer& placer, const DeviceGraph& graph, const Cluster& cluster, const PlaceOptions& options) {
  options.validate();
  Stopwatch sw;
  Placement p = placer.place(graph, cluster, options);
  p.place_seconds = sw.seconds();
  if (p.method.empty()) p.method = placer.name();
  if (static_cast<int>(p.device.size()) != graph.num_ops())
    throw Error("placer '" + placer.name() + "' returned " + std::to_string(p.device.size()) + " devices for " +
                std::to_string(graph.num_ops()) + " ops");
  for (int d : p.device)
    if (d < 0 || d >= cluster.num_devices())
      throw Error("placer '" + placer.name() + "' returned device " + std::to_string(d) + " outside 0.." +
                  std::to_string(cluster.num_devices() - 1));
  graph.enforce_colocation(p.device);
  return p;
}

void check_total_memory(const DeviceGraph& g, const Cluster& c, const std::string& source) {
  if (g.min_total_memory() <= c.total_memory()) return;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "graph '%s' needs at least %.3f GB (parameters + largest tensor) but cluster '%s' has %.3f GB in "
                "total: it cannot fit on any placement",
                g.name().c_str(), g.min_total_memory() / 1e9, c.name().c_str(), c.total_memory() / 1e9);
  throw InputError(source, 0, buf);
}

}  // namespace tessera::devices
