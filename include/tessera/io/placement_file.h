#pragma once
// Placement files: JSON {"graph": name, "cluster": name, "method": ..., "placement": {op: device}}
// where device is a device name (or its index). Reading checks that every op of the graph is placed
// and that every op and device named exists (InputError naming the file and the entry).
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/problems/cluster.h"
#include "tessera/problems/device_graph.h"

namespace tessera::devices {

Json placement_to_json(const DeviceGraph& graph, const Cluster& cluster, const std::vector<int>& placement,
                       const std::string& method = "");
void write_placement_file(const std::string& path, const DeviceGraph& graph, const Cluster& cluster,
                          const std::vector<int>& placement, const std::string& method = "");
std::vector<int> placement_from_json(const Json& json, const DeviceGraph& graph, const Cluster& cluster,
                                     const std::string& source);
std::vector<int> read_placement_file(const std::string& path, const DeviceGraph& graph, const Cluster& cluster);

}  // namespace tessera::devices
