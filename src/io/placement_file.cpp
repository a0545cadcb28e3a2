#include "tessera/io/placement_file.h"

#include "tessera/core/error.h"

namespace tessera::devices {

Json placement_to_json(const DeviceGraph& graph, const Cluster& cluster, const std::vector<int>& placement,
                       const std::string& method) {
  if (static_cast<int>(placement.size()) != graph.num_ops())
    throw UsageError("placement has " + std::to_string(placement.size()) + " entries, expected " +
                     std::to_string(graph.num_ops()));
  Json p = Json::object();
  for (int v = 0; v < graph.num_ops(); ++v) p[graph.op(v).name] = cluster.device(placement[v]).name;
  Json j;
  j["graph"] = graph.name();
  j["cluster"] = cluster.name();
  if (!method.empty()) j["method"] = method;
  j["placement"] = std::move(p);
  return j;
}

void write_placement_file(const std::string& path, const DeviceGraph& graph, const Cluster& cluster,
                          const std::vector<int>& placement, const std::string& method) {
  write_json_file(path, placement_to_json(graph, cluster, placement, method));
}

std::vector<int> placement_from_json(const Json& j, const DeviceGraph& graph, const Cluster& cluster,
                                     const std::string& source) {
  if (!j.is_object() || !j.contains("placement") || !j["placement"].is_object())
    throw InputError(source, 0, "placement: expected an object {\"op name\": \"device name\" | index}");
  std::vector<int> p(graph.num_ops(), -1);
  for (const auto& [name, value] : j["placement"].items()) {
    const int v = graph.find_op(name);
    if (v < 0) throw InputError(source, 0, "placement: unknown op '" + name + "' (not in graph '" + graph.name() + "')");
    int d = -1;
    if (value.is_string()) {
      d = cluster.find_device(value.get<std::string>());
      if (d < 0)
        throw InputError(source, 0, "placement['" + name + "']: unknown device '" + value.get<std::string>() +
                                        "' (cluster '" + cluster.name() + "' has " +
                                        std::to_string(cluster.num_devices()) + " devices gpu0..)");
    } else if (value.is_number_integer()) {
      d = value.get<int>();
      if (d < 0 || d >= cluster.num_devices())
        throw InputError(source, 0, "placement['" + name + "']: device index " + std::to_string(d) +
                                        " out of range 0.." + std::to_string(cluster.num_devices() - 1));
    } else {
      throw InputError(source, 0, "placement['" + name + "']: expected a device name or index");
    }
    p[v] = d;
  }
  for (int v = 0; v < graph.num_ops(); ++v)
    if (p[v] < 0) throw InputError(source, 0, "placement: op '" + graph.op(v).name + "' is not placed");
  return p;
}

std::vector<int> read_placement_file(const std::string& path, const DeviceGraph& graph, const Cluster& cluster) {
  return placement_from_json(read_json_file(path), graph, cluster, path);
}

}  // namespace tessera::devices
