#pragma once
// A cluster of devices and the links between them.
//
// Devices have a roofline cost model (peak FLOP/s, memory bandwidth, per-op launch overhead) and a
// memory capacity. Links are shared, directed resources with a bandwidth and a latency; a route from
// device a to device b is the list of links a transfer occupies, all at once, for its whole duration
// (time = sum of latencies + bytes / min bandwidth on the route). Two transfers whose routes share a
// link therefore queue (contention), e.g. the host links of a PCIe tree.
//
// Topologies built by the presets:
//  - PCIe tree ("p100x2", "p100x4", the 2017 RL placement paper's machines): every GPU has an up and a
//    down link to its PCIe switch; switches hang off the host (CPU root complex) by one shared up and
//    one shared down link. Same switch: up(a), down(b); other switch: up(a), host_up(sw a),
//    host_down(sw b), down(b).
//  - NVLink/NVSwitch all-to-all ("a100x8", "h100x8"): per GPU one egress and one ingress link.
//  - Multi-node ("a100x16-2node", "h100x16-2node"): NVSwitch inside a node, one NIC up/down link
//    per node (InfiniBand) shared by the node's GPUs.
//
// Units: FLOP/s, bytes/s, bytes, seconds.
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/problems/device_graph.h"

namespace tessera::devices {

struct Device {
  std::string name;            ///< unique, e.g. "gpu0"
  std::string model;           ///< e.g. "Tesla P100-PCIE-16GB"
  DeviceKind kind = DeviceKind::kGpu;
  double peak_flops = 0;       ///< FLOP/s (> 0)
  double mem_bandwidth = 0;    ///< bytes/s (> 0)
  double memory = 0;           ///< capacity in bytes (> 0)
  double launch_overhead = 0;  ///< seconds added to every op (kernel launch / framework dispatch)
  double compute_efficiency = 1.0;  ///< sustained fraction of peak_flops, in (0, 1]
  double memory_efficiency = 1.0;   ///< sustained fraction of mem_bandwidth, in (0, 1]
  int node = 0;                ///< machine index (multi-node clusters)
};

struct Link {
  std::string name;      ///< e.g. "gpu0->sw0"
  double bandwidth = 0;  ///< bytes/s (> 0)
  double latency = 0;    ///< seconds (>= 0)
};

class Cluster {
 public:
  Cluster() = default;
  Cluster(std::string name, std::vector<Device> devices, std::vector<Link> links,
          std::vector<std::vector<std::vector<int>>> routes);

  const std::string& name() const { return name_; }
  int num_devices() const { return static_cast<int>(devices_.size()); }
  int num_links() const { return static_cast<int>(links_.size()); }
  const Device& device(int d) const { return devices_[d]; }
  const std::vector<Device>& devices() const { return devices_; }
  const Link& link(int l) const { return links_[l]; }
  const std::vector<Link>& links() const { return links_; }
  /// Links a transfer from a to b occupies (empty when a == b).
  const std::vector<int>& route(int a, int b) const { return routes_[a][b]; }
  /// Uncontended transfer time of `bytes` from a to b: Σ latency + bytes / min bandwidth (0 if a == b).
  double transfer_time(int a, int b, double bytes) const;
  /// min bandwidth / Σ latency of the route (cached).
  double route_bandwidth(int a, int b) const { return route_bw_[a * num_devices() + b]; }
  double route_latency(int a, int b) const { return route_lat_[a * num_devices() + b]; }
  /// Device index by name, -1 when absent.
  int find_device(const std::string& name) const;
  double total_memory() const;

  /// Checks every field (positive capacities, bandwidths, FLOP/s; routes reference valid links; every
  /// pair of distinct devices has a route); throws InputError(source, 0, "<field>: expected ...").
  void validate(const std::string& source = "cluster") const;

  /// JSON form (the format read_cluster_json accepts).
  Json to_json() const;

  /// A copy with every device's memory scaled (benchmarks: "what if the GPUs had less memory").
  Cluster with_memory(double bytes_per_device) const;

 private:
  void cache_routes();

  std::string name_;
  std::vector<Device> devices_;
  std::vector<Link> links_;
  std::vector<std::vector<std::vector<int>>> routes_;
  std::vector<double> route_bw_, route_lat_;
};

/// Names of the presets: p100x1, p100x2, p100x4, p100x8, v100x4, a100x8, h100x8, a100x16-2node,
/// h100x16-2node.
std::vector<std::string> cluster_preset_names();
/// A preset by name; UsageError listing the names when unknown.
Cluster cluster_preset(const std::string& name);

/// Cluster JSON:
/// { "name": "...",
///   "devices": [ {"name": "gpu0", "model": "...", "kind": "gpu"|"cpu", "peak_flops": 9.3e12,
///                 "mem_bandwidth": 7.32e11, "memory": 1.7e10, "launch_overhead": 5e-6,
///                 "compute_efficiency": 1, "memory_efficiency": 1, "node": 0}, ... ],
///   either "topology": {"type": "pcie_tree"|"all_to_all"|"multi_node", ...parameters...}
///     pcie_tree:  "gpus_per_switch", "link_bandwidth", "link_latency", "host_bandwidth", "host_latency"
///     all_to_all: "link_bandwidth", "link_latency"
///     multi_node: "gpus_per_node", "link_bandwidth", "link_latency", "nic_bandwidth", "nic_latency"
///   or "links": [ {"name": "...", "bandwidth": 1.2e10, "latency": 1e-5}, ... ] with
///      "routes": [ {"src": "gpu0", "dst": "gpu1", "links": ["...", ...]}, ... ] (every ordered pair) }
/// Errors name the file and the field path (e.g. "devices[2].memory: expected a number > 0").
Cluster read_cluster_json(const Json& json, const std::string& source);
Cluster read_cluster_file(const std::string& path);
/// Exprimo device-graph JSON (../shared/data/devplace/exprimo/device_graphs/*.json): devices with
/// peak_gflops / memory GB / mem_bandwidth GB/s, comm channels in Gbit/s; every neighbour pair
/// becomes a direct link pair.
Cluster read_exprimo_cluster(const std::string& path);
/// `spec` is a preset name, an Exprimo device graph or a cluster JSON file (detected by content).
Cluster load_cluster(const std::string& spec);

}  // namespace tessera::devices
