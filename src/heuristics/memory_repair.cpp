// Memory repair of out-of-memory placements (see classical_device_placers.h).
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "tessera/core/error.h"
#include "tessera/heuristics/classical_device_placers.h"

namespace tessera::devices {

namespace {

// Devices are filled to at most this share of their capacity by the repair (the static estimate and the
// simulated peak differ a little; a full device would bounce back out of memory).
constexpr double kRepairFill = 0.97;

}  // namespace

bool spill_overfull_devices(const DeviceGraph& g, const Cluster& c, const std::vector<double>& peak,
                            std::vector<int>& placement) {
  const int D = c.num_devices();
  const int G = g.num_groups();
  if (static_cast<int>(peak.size()) != D)
    throw Error("memory repair: " + std::to_string(peak.size()) + " peaks for " + std::to_string(D) + " devices");
  if (static_cast<int64_t>(placement.size()) != g.num_ops())
    throw Error("memory repair: placement has " + std::to_string(placement.size()) + " entries for " +
                std::to_string(g.num_ops()) + " ops");
  std::vector<int> device(G);
  std::vector<double> mem(G, 0.0);
  for (int gi = 0; gi < G; ++gi) {
    device[gi] = placement[g.groups()[gi].front()];
    for (int v : g.groups()[gi]) mem[gi] += placer_memory_need(g.op(v));
  }
  // Bytes exchanged between groups, and conn[gi * D + e] = bytes between group gi and the groups on e.
  std::vector<std::vector<std::pair<int, double>>> adj(G);
  for (const Edge& e : g.edges()) {
    const int a = g.group(e.src), b = g.group(e.dst);
    if (a == b || e.bytes <= 0) continue;
    adj[a].emplace_back(b, e.bytes);
    adj[b].emplace_back(a, e.bytes);
  }
  std::vector<double> conn(static_cast<size_t>(G) * D, 0.0);
  for (int a = 0; a < G; ++a)
    for (auto [b, bytes] : adj[a]) conn[static_cast<size_t>(a) * D + device[b]] += bytes;

  std::vector<double> load(peak), limit(D);
  for (int d = 0; d < D; ++d) limit[d] = kRepairFill * c.device(d).memory;
  std::vector<char> stuck(D, 0);  // overfull devices nothing more can leave
  std::vector<char> moved(G, 0);
  bool any = false;
  while (true) {
    int d = -1;
    double worst = 0;
    for (int e = 0; e < D; ++e) {
      const double over = (load[e] - limit[e]) / c.device(e).memory;
      if (!stuck[e] && over > worst) worst = over, d = e;
    }
    if (d < 0) break;
    // The move of a group of d to a device with room that gains the most communication per byte of
    // memory freed (FM-style gain: bytes to groups on the target minus bytes to groups staying on d).
    int pick = -1, target = -1;
    double best_key = -std::numeric_limits<double>::infinity();
    for (int gi = 0; gi < G; ++gi) {
      if (device[gi] != d || mem[gi] <= 0) continue;
      const double* cg = conn.data() + static_cast<size_t>(gi) * D;
      for (int e = 0; e < D; ++e) {
        if (e == d || load[e] + mem[gi] > limit[e]) continue;
        const double key = (cg[e] - cg[d]) / mem[gi];
        if (key > best_key) best_key = key, pick = gi, target = e;
      }
    }
    if (pick < 0) {
      stuck[d] = 1;
      continue;
    }
    device[pick] = target;
    load[d] -= mem[pick];
    load[target] += mem[pick];
    for (auto [b, bytes] : adj[pick]) {
      conn[static_cast<size_t>(b) * D + d] -= bytes;
      conn[static_cast<size_t>(b) * D + target] += bytes;
    }
    moved[pick] = 1;
    any = true;
  }
  for (int gi = 0; gi < G; ++gi)
    if (moved[gi])
      for (int v : g.groups()[gi]) placement[v] = device[gi];
  return any;
}

int repair_out_of_memory(DeviceSimulator& sim, const DeviceGraph& g, const Cluster& c, std::vector<int>& placement,
                         SimResult& result, int rounds) {
  if (result.feasible || rounds <= 0) return 0;
  int evaluations = 0;
  std::vector<int> trial = placement;
  std::vector<double> peak = result.peak_memory;
  bool feasible = false;
  for (int r = 0; r < rounds && !feasible; ++r) {
    if (!spill_overfull_devices(g, c, peak, trial)) break;
    const SimResult& s = sim.run(trial);
    ++evaluations;
    if (s.score < result.score) {
      result = s;
      placement = trial;
    }
    peak = s.peak_memory;
    feasible = s.feasible;
  }
  return evaluations;
}

}  // namespace tessera::devices
