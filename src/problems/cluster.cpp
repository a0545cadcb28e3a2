#include "tessera/problems/cluster.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <limits>
#include <map>

#include <spdlog/spdlog.h>

#include "tessera/core/error.h"

namespace tessera::devices {

Cluster::Cluster(std::string name, std::vector<Device> devices, std::vector<Link> links,
                 std::vector<std::vector<std::vector<int>>> routes)
    : name_(std::move(name)), devices_(std::move(devices)), links_(std::move(links)), routes_(std::move(routes)) {
  cache_routes();
}

void Cluster::cache_routes() {
  const int n = num_devices();
  route_bw_.assign(static_cast<size_t>(n) * n, std::numeric_limits<double>::infinity());
  route_lat_.assign(static_cast<size_t>(n) * n, 0.0);
  if (static_cast<int>(routes_.size()) != n) return;  // validate() reports it
  for (int a = 0; a < n; ++a) {
    if (static_cast<int>(routes_[a].size()) != n) continue;
    for (int b = 0; b < n; ++b) {
      double bw = std::numeric_limits<double>::infinity(), lat = 0;
      for (int l : routes_[a][b]) {
        if (l < 0 || l >= num_links()) continue;
        bw = std::min(bw, links_[l].bandwidth);
        lat += links_[l].latency;
      }
      route_bw_[a * n + b] = bw;
      route_lat_[a * n + b] = lat;
    }
  }
}

double Cluster::transfer_time(int a, int b, double bytes) const {
  if (a == b) return 0.0;
  return route_latency(a, b) + bytes / route_bandwidth(a, b);
}

int Cluster::find_device(const std::string& name) const {
  for (int d = 0; d < num_devices(); ++d)
    if (devices_[d].name == name) return d;
  return -1;
}

double Cluster::total_memory() const {
  double s = 0;
  for (const Device& d : devices_) s += d.memory;
  return s;
}

namespace {
bool positive(double x) { return std::isfinite(x) && x > 0; }
std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}
}  // namespace

void Cluster::validate(const std::string& source) const {
  if (devices_.empty()) throw InputError(source, 0, "devices: expected at least one device");
  std::map<std::string, int> names;
  for (int d = 0; d < num_devices(); ++d) {
    const Device& dev = devices_[d];
    const std::string f = "devices[" + std::to_string(d) + "]";
    if (dev.name.empty()) throw InputError(source, 0, f + ".name: expected a non-empty name");
    if (!names.emplace(dev.name, d).second) throw InputError(source, 0, f + ".name: duplicate device name '" + dev.name + "'");
    if (!positive(dev.peak_flops)) throw InputError(source, 0, f + ".peak_flops: expected a number > 0, got " + num(dev.peak_flops));
    if (!positive(dev.mem_bandwidth))
      throw InputError(source, 0, f + ".mem_bandwidth: expected a number > 0, got " + num(dev.mem_bandwidth));
    if (!positive(dev.memory)) throw InputError(source, 0, f + ".memory: expected a number > 0, got " + num(dev.memory));
    if (!std::isfinite(dev.launch_overhead) || dev.launch_overhead < 0)
      throw InputError(source, 0, f + ".launch_overhead: expected a number >= 0, got " + num(dev.launch_overhead));
    if (!positive(dev.compute_efficiency) || dev.compute_efficiency > 1)
      throw InputError(source, 0, f + ".compute_efficiency: expected a number in (0, 1]");
    if (!positive(dev.memory_efficiency) || dev.memory_efficiency > 1)
      throw InputError(source, 0, f + ".memory_efficiency: expected a number in (0, 1]");
  }
  for (int l = 0; l < num_links(); ++l) {
    const std::string f = "links[" + std::to_string(l) + "]";
    if (!positive(links_[l].bandwidth))
      throw InputError(source, 0, f + ".bandwidth: expected a number > 0, got " + num(links_[l].bandwidth));
    if (!std::isfinite(links_[l].latency) || links_[l].latency < 0)
      throw InputError(source, 0, f + ".latency: expected a number >= 0, got " + num(links_[l].latency));
  }
  const int n = num_devices();
  if (static_cast<int>(routes_.size()) != n) throw InputError(source, 0, "routes: expected one row per device");
  for (int a = 0; a < n; ++a) {
    if (static_cast<int>(routes_[a].size()) != n) throw InputError(source, 0, "routes: expected one route per device pair");
    for (int b = 0; b < n; ++b) {
      if (a != b && routes_[a][b].empty())
        throw InputError(source, 0, "routes: no route from '" + devices_[a].name + "' to '" + devices_[b].name + "'");
      for (int l : routes_[a][b])
        if (l < 0 || l >= num_links())
          throw InputError(source, 0, "routes: link index " + std::to_string(l) + " out of range");
    }
  }
}

Json Cluster::to_json() const {
  Json j;
  j["name"] = name_;
  j["devices"] = Json::array();
  for (const Device& d : devices_)
    j["devices"].push_back({{"name", d.name}, {"model", d.model}, {"kind", device_kind_name(d.kind)},
                            {"peak_flops", d.peak_flops}, {"mem_bandwidth", d.mem_bandwidth}, {"memory", d.memory},
                            {"launch_overhead", d.launch_overhead}, {"compute_efficiency", d.compute_efficiency},
                            {"memory_efficiency", d.memory_efficiency}, {"node", d.node}});
  j["links"] = Json::array();
  for (const Link& l : links_) j["links"].push_back({{"name", l.name}, {"bandwidth", l.bandwidth}, {"latency", l.latency}});
  j["routes"] = Json::array();
  for (int a = 0; a < num_devices(); ++a)
    for (int b = 0; b < num_devices(); ++b) {
      if (a == b) continue;
      Json names = Json::array();
      for (int l : routes_[a][b]) names.push_back(links_[l].name);
      j["routes"].push_back({{"src", devices_[a].name}, {"dst", devices_[b].name}, {"links", names}});
    }
  return j;
}

Cluster Cluster::with_memory(double bytes) const {
  Cluster c = *this;
  for (Device& d : c.devices_) d.memory = bytes;
  c.name_ = name_ + "@" + num(bytes / 1e9) + "GB";
  return c;
}

// ---- topologies ----
namespace {

using Routes = std::vector<std::vector<std::vector<int>>>;

Routes empty_routes(int n) { return Routes(n, std::vector<std::vector<int>>(n)); }

/// GPUs in groups of `per_switch` below PCIe switches hanging off one host.
Cluster pcie_tree(const std::string& name, std::vector<Device> devs, int per_switch, double link_bw, double link_lat,
                  double host_bw, double host_lat) {
  const int n = static_cast<int>(devs.size());
  const int switches = (n + per_switch - 1) / per_switch;
  std::vector<Link> links;
  auto add = [&](std::string nm, double bw, double lat) {
    links.push_back(Link{std::move(nm), bw, lat});
    return static_cast<int>(links.size()) - 1;
  };
  std::vector<int> up(n), down(n), hup(switches), hdown(switches);
  for (int i = 0; i < n; ++i) {
    up[i] = add(devs[i].name + "->sw" + std::to_string(i / per_switch), link_bw, link_lat);
    down[i] = add("sw" + std::to_string(i / per_switch) + "->" + devs[i].name, link_bw, link_lat);
  }
  for (int s = 0; s < switches; ++s) {
    hup[s] = add("sw" + std::to_string(s) + "->host", host_bw, host_lat);
    hdown[s] = add("host->sw" + std::to_string(s), host_bw, host_lat);
  }
  Routes r = empty_routes(n);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      if (a == b) continue;
      int sa = a / per_switch, sb = b / per_switch;
      if (sa == sb) r[a][b] = {up[a], down[b]};
      else r[a][b] = {up[a], hup[sa], hdown[sb], down[b]};
    }
  return Cluster(name, std::move(devs), std::move(links), std::move(r));
}

/// Every device has one egress and one ingress port on a non-blocking switch (NVSwitch).
/// With per_node > 0, devices of different nodes also cross their node's shared NIC up/down links.
Cluster switched(const std::string& name, std::vector<Device> devs, double link_bw, double link_lat, int per_node,
                 double nic_bw, double nic_lat) {
  const int n = static_cast<int>(devs.size());
  std::vector<Link> links;
  auto add = [&](std::string nm, double bw, double lat) {
    links.push_back(Link{std::move(nm), bw, lat});
    return static_cast<int>(links.size()) - 1;
  };
  std::vector<int> out(n), in(n);
  for (int i = 0; i < n; ++i) {
    out[i] = add(devs[i].name + "->switch", link_bw, link_lat);
    in[i] = add("switch->" + devs[i].name, link_bw, link_lat);
  }
  const int nodes = per_node > 0 ? (n + per_node - 1) / per_node : 1;
  std::vector<int> nic_up(nodes), nic_down(nodes);
  if (per_node > 0)
    for (int s = 0; s < nodes; ++s) {
      nic_up[s] = add("node" + std::to_string(s) + "->net", nic_bw, nic_lat);
      nic_down[s] = add("net->node" + std::to_string(s), nic_bw, nic_lat);
    }
  Routes r = empty_routes(n);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      if (a == b) continue;
      int na = per_node > 0 ? a / per_node : 0, nb = per_node > 0 ? b / per_node : 0;
      if (na == nb) r[a][b] = {out[a], in[b]};
      else r[a][b] = {out[a], nic_up[na], nic_down[nb], in[b]};
    }
  for (int i = 0; i < n; ++i) devs[i].node = per_node > 0 ? i / per_node : 0;
  return Cluster(name, std::move(devs), std::move(links), std::move(r));
}

Device gpu(const std::string& model, int index, double flops, double bw, double mem, double launch, double ce,
           double me) {
  Device d;
  d.name = "gpu" + std::to_string(index);
  d.model = model;
  d.kind = DeviceKind::kGpu;
  d.peak_flops = flops;
  d.mem_bandwidth = bw;
  d.memory = mem;
  d.launch_overhead = launch;
  d.compute_efficiency = ce;
  d.memory_efficiency = me;
  return d;
}

// Sustained fractions of peak: dense kernels reach ~70% of FP32 peak and ~80% of HBM bandwidth.
constexpr double kComputeEff = 0.7, kMemoryEff = 0.8;

std::vector<Device> p100s(int n) {
  std::vector<Device> v;
  for (int i = 0; i < n; ++i)
    v.push_back(gpu("Tesla P100-PCIE-16GB", i, 9.3e12, 732e9, 16.0 * (1ull << 30), 8e-6, kComputeEff, kMemoryEff));
  return v;
}
std::vector<Device> a100s(int n) {
  std::vector<Device> v;
  for (int i = 0; i < n; ++i)
    v.push_back(gpu("A100-SXM4-80GB", i, 19.5e12, 2039e9, 80e9, 5e-6, kComputeEff, kMemoryEff));
  return v;
}
std::vector<Device> h100s(int n) {
  std::vector<Device> v;
  for (int i = 0; i < n; ++i) v.push_back(gpu("H100-SXM5-80GB", i, 67e12, 3350e9, 80e9, 4e-6, kComputeEff, kMemoryEff));
  return v;
}

// PCIe 3.0 x16: 15.75 GB/s raw, ~12 GB/s achieved by cudaMemcpy peer copies; ~10 µs per copy.
constexpr double kPcieBw = 12e9, kPcieLat = 10e-6;

}  // namespace

std::vector<std::string> cluster_preset_names() {
  return {"p100x1", "p100x2", "p100x4", "p100x8", "a100x8", "h100x8", "a100x16-2node", "h100x16-2node"};
}

Cluster cluster_preset(const std::string& name) {
  Cluster c;
  if (name == "p100x1") c = pcie_tree(name, p100s(1), 1, kPcieBw, kPcieLat, kPcieBw, kPcieLat);
  // Two GPUs on different root ports: every copy crosses the host.
  else if (name == "p100x2") c = pcie_tree(name, p100s(2), 1, kPcieBw, kPcieLat, kPcieBw, kPcieLat);
  // Two PLX switches with two GPUs each: pairs on a switch talk peer-to-peer, the rest through the host.
  else if (name == "p100x4") c = pcie_tree(name, p100s(4), 2, kPcieBw, kPcieLat, kPcieBw, kPcieLat);
  else if (name == "p100x8") c = pcie_tree(name, p100s(8), 4, kPcieBw, kPcieLat, kPcieBw, kPcieLat);
  // NVSwitch: 12 NVLink3 links x 25 GB/s = 300 GB/s per direction per GPU.
  else if (name == "a100x8") c = switched(name, a100s(8), 300e9, 3e-6, 0, 0, 0);
  // NVLink4: 450 GB/s per direction per GPU.
  else if (name == "h100x8") c = switched(name, h100s(8), 450e9, 2e-6, 0, 0, 0);
  // DGX A100 pair: 8 x HDR 200 Gb/s = 200 GB/s per node; DGX H100: 8 x NDR 400 Gb/s = 400 GB/s.
  else if (name == "a100x16-2node") c = switched(name, a100s(16), 300e9, 3e-6, 8, 200e9, 5e-6);
  else if (name == "h100x16-2node") c = switched(name, h100s(16), 450e9, 2e-6, 8, 400e9, 5e-6);
  else {
    std::string all;
    for (const auto& n : cluster_preset_names()) all += (all.empty() ? "" : ", ") + n;
    throw UsageError("unknown cluster preset '" + name + "' (expected one of: " + all +
                     ", or a cluster JSON file)");
  }
  c.validate(name);
  return c;
}

// ---- JSON ----
namespace {

double get_number(const Json& obj, const std::string& key, const std::string& field, const std::string& source,
                  bool required, double fallback) {
  if (!obj.contains(key)) {
    if (required) throw InputError(source, 0, field + "." + key + ": missing (expected a number)");
    return fallback;
  }
  const Json& v = obj.at(key);
  if (!v.is_number()) throw InputError(source, 0, field + "." + key + ": expected a number");
  return v.get<double>();
}

std::string get_string(const Json& obj, const std::string& key, const std::string& field, const std::string& source,
                       const std::string& fallback) {
  if (!obj.contains(key)) return fallback;
  if (!obj.at(key).is_string()) throw InputError(source, 0, field + "." + key + ": expected a string");
  return obj.at(key).get<std::string>();
}

}  // namespace

Cluster read_cluster_json(const Json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(source, 0, "expected a JSON object with \"devices\"");
  if (!j.contains("devices") || !j["devices"].is_array())
    throw InputError(source, 0, "devices: missing (expected an array of device objects)");
  std::vector<Device> devs;
  for (size_t i = 0; i < j["devices"].size(); ++i) {
    const Json& dj = j["devices"][i];
    const std::string f = "devices[" + std::to_string(i) + "]";
    if (!dj.is_object()) throw InputError(source, 0, f + ": expected an object");
    Device d;
    d.name = get_string(dj, "name", f, source, "gpu" + std::to_string(i));
    d.model = get_string(dj, "model", f, source, "");
    std::string kind = get_string(dj, "kind", f, source, "gpu");
    if (kind == "gpu") d.kind = DeviceKind::kGpu;
    else if (kind == "cpu") d.kind = DeviceKind::kCpu;
    else throw InputError(source, 0, f + ".kind: expected \"gpu\" or \"cpu\", got \"" + kind + "\"");
    d.peak_flops = get_number(dj, "peak_flops", f, source, true, 0);
    d.mem_bandwidth = get_number(dj, "mem_bandwidth", f, source, true, 0);
    d.memory = get_number(dj, "memory", f, source, true, 0);
    d.launch_overhead = get_number(dj, "launch_overhead", f, source, false, 0);
    d.compute_efficiency = get_number(dj, "compute_efficiency", f, source, false, 1);
    d.memory_efficiency = get_number(dj, "memory_efficiency", f, source, false, 1);
    d.node = static_cast<int>(get_number(dj, "node", f, source, false, 0));
    devs.push_back(d);
  }
  const std::string name = get_string(j, "name", "cluster", source, source);
  Cluster c;
  if (j.contains("topology")) {
    const Json& t = j["topology"];
    if (!t.is_object()) throw InputError(source, 0, "topology: expected an object");
    std::string type = get_string(t, "type", "topology", source, "");
    auto pos = [&](const std::string& key, bool required, double fallback) {
      double x = get_number(t, key, "topology", source, required, fallback);
      if (!positive(x)) throw InputError(source, 0, "topology." + key + ": expected a number > 0, got " + num(x));
      return x;
    };
    auto nonneg = [&](const std::string& key) {
      double x = get_number(t, key, "topology", source, false, 0);
      if (!std::isfinite(x) || x < 0) throw InputError(source, 0, "topology." + key + ": expected a number >= 0");
      return x;
    };
    if (type == "pcie_tree") {
      int per = static_cast<int>(pos("gpus_per_switch", false, 2));
      c = pcie_tree(name, devs, per, pos("link_bandwidth", true, 0), nonneg("link_latency"), pos("host_bandwidth", true, 0),
                    nonneg("host_latency"));
    } else if (type == "all_to_all") {
      c = switched(name, devs, pos("link_bandwidth", true, 0), nonneg("link_latency"), 0, 0, 0);
    } else if (type == "multi_node") {
      int per = static_cast<int>(pos("gpus_per_node", true, 0));
      c = switched(name, devs, pos("link_bandwidth", true, 0), nonneg("link_latency"), per, pos("nic_bandwidth", true, 0),
                   nonneg("nic_latency"));
    } else {
      throw InputError(source, 0, "topology.type: expected \"pcie_tree\", \"all_to_all\" or \"multi_node\", got \"" + type + "\"");
    }
  } else {
    if (!j.contains("links") || !j["links"].is_array())
      throw InputError(source, 0, "links: missing (expected \"topology\" or \"links\" + \"routes\")");
    std::vector<Link> links;
    std::map<std::string, int> link_index;
    for (size_t i = 0; i < j["links"].size(); ++i) {
      const Json& lj = j["links"][i];
      const std::string f = "links[" + std::to_string(i) + "]";
      if (!lj.is_object()) throw InputError(source, 0, f + ": expected an object");
      Link l;
      l.name = get_string(lj, "name", f, source, "link" + std::to_string(i));
      l.bandwidth = get_number(lj, "bandwidth", f, source, true, 0);
      l.latency = get_number(lj, "latency", f, source, false, 0);
      if (!link_index.emplace(l.name, static_cast<int>(i)).second)
        throw InputError(source, 0, f + ".name: duplicate link name '" + l.name + "'");
      links.push_back(l);
    }
    const int n = static_cast<int>(devs.size());
    std::map<std::string, int> dev_index;
    for (int d = 0; d < n; ++d) dev_index[devs[d].name] = d;
    Routes r = empty_routes(n);
    if (!j.contains("routes") || !j["routes"].is_array()) throw InputError(source, 0, "routes: missing (expected an array)");
    for (size_t i = 0; i < j["routes"].size(); ++i) {
      const Json& rj = j["routes"][i];
      const std::string f = "routes[" + std::to_string(i) + "]";
      std::string s = get_string(rj, "src", f, source, ""), t = get_string(rj, "dst", f, source, "");
      if (!dev_index.count(s)) throw InputError(source, 0, f + ".src: unknown device '" + s + "'");
      if (!dev_index.count(t)) throw InputError(source, 0, f + ".dst: unknown device '" + t + "'");
      if (!rj.contains("links") || !rj["links"].is_array()) throw InputError(source, 0, f + ".links: expected an array of link names");
      std::vector<int> path;
      for (const Json& ln : rj["links"]) {
        if (!ln.is_string() || !link_index.count(ln.get<std::string>()))
          throw InputError(source, 0, f + ".links: unknown link " + ln.dump());
        path.push_back(link_index[ln.get<std::string>()]);
      }
      r[dev_index[s]][dev_index[t]] = path;
    }
    c = Cluster(name, devs, links, r);
  }
  c.validate(source);
  return c;
}

Cluster read_cluster_file(const std::string& path) { return read_cluster_json(read_json_file(path), path); }

Cluster read_exprimo_cluster(const std::string& path) {
  Json j = read_json_file(path);
  if (!j.is_object() || !j.contains("devices") || !j.contains("comm_channels"))
    throw InputError(path, 0, "expected an Exprimo device graph with \"devices\" and \"comm_channels\"");
  const Json& ch = j["comm_channels"];
  std::vector<Device> devs;
  int gpus = 0, cpus = 0;
  for (size_t i = 0; i < j["devices"].size(); ++i) {
    const Json& dj = j["devices"][i];
    const std::string f = "devices[" + std::to_string(i) + "]";
    Device d;
    std::string type = get_string(dj, "type", f, path, "gpu");
    d.kind = type == "cpu" ? DeviceKind::kCpu : DeviceKind::kGpu;
    d.name = d.kind == DeviceKind::kCpu ? "cpu" + std::to_string(cpus++) : "gpu" + std::to_string(gpus++);
    d.model = get_string(dj, "model", f, path, "");
    d.peak_flops = get_number(dj, "peak_gflops", f, path, true, 0) * 1e9;
    d.memory = get_number(dj, "memory", f, path, true, 0) * 1e9;
    d.mem_bandwidth = get_number(dj, "mem_bandwidth", f, path, true, 0) * 1e9;
    d.launch_overhead = d.kind == DeviceKind::kGpu ? 8e-6 : 2e-6;
    devs.push_back(d);
  }
  const int n = static_cast<int>(devs.size());
  std::vector<Link> links;
  std::vector<std::vector<int>> direct(n, std::vector<int>(n, -1));
  for (int a = 0; a < n; ++a) {
    const Json& dj = j["devices"][a];
    if (!dj.contains("neighbours")) continue;
    for (const Json& nb : dj["neighbours"]) {
      int b = nb.value("device", -1), c = nb.value("comm_channel", -1);
      const std::string f = "devices[" + std::to_string(a) + "].neighbours";
      if (b < 0 || b >= n)
        throw InputError(path, 0, f + ": device " + std::to_string(b) + " is not one of the file's devices 0.." +
                                      std::to_string(n - 1));
      if (c < 0 || c >= static_cast<int>(ch.size()))
        throw InputError(path, 0, f + ": comm_channel " + std::to_string(c) + " is not one of comm_channels 0.." +
                                      std::to_string(static_cast<int>(ch.size()) - 1));
      if (b == a) {  // Exprimo's own colocrl-2.json lists a device as its own neighbour; a self-link moves nothing
        spdlog::warn("{}: {} names device {} itself; ignored", path, f, a);
        continue;
      }
      // Exprimo bandwidths are Gbit/s.
      double bw = ch[c].value("bandwidth", 0.0) * 1e9 / 8;
      if (direct[a][b] < 0) {
        links.push_back(Link{devs[a].name + "->" + devs[b].name, bw, 10e-6});
        direct[a][b] = static_cast<int>(links.size()) - 1;
      }
    }
  }
  Routes r = empty_routes(n);
  for (int a = 0; a < n; ++a) {  // BFS shortest hop routes
    std::vector<int> prev(n, -2);
    std::deque<int> q{a};
    prev[a] = -1;
    while (!q.empty()) {
      int u = q.front();
      q.pop_front();
      for (int v = 0; v < n; ++v)
        if (direct[u][v] >= 0 && prev[v] == -2) {
          prev[v] = u;
          q.push_back(v);
        }
    }
    for (int b = 0; b < n; ++b) {
      if (b == a || prev[b] == -2) continue;
      std::vector<int> path;
      for (int v = b; prev[v] != -1; v = prev[v]) path.push_back(direct[prev[v]][v]);
      std::reverse(path.begin(), path.end());
      r[a][b] = path;
    }
  }
  std::string base = path.substr(path.find_last_of('/') + 1);
  Cluster c(base.substr(0, base.rfind('.')), devs, links, r);
  c.validate(path);
  return c;
}

Cluster load_cluster(const std::string& spec) {
  for (const auto& n : cluster_preset_names())
    if (n == spec) return cluster_preset(spec);
  std::ifstream probe(spec);
  if (!probe) return cluster_preset(spec);  // UsageError listing presets
  Json j = read_json_file(spec);
  if (j.is_object() && j.contains("comm_channels")) return read_exprimo_cluster(spec);
  return read_cluster_json(j, spec);
}

}  // namespace tessera::devices
