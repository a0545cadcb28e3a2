// Memory repair of out-of-memory placements (see classical_device_placers.h).
#include <algorithm>
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

// A candidate move of the repair: group to target, gaining key bytes per byte freed; version tells stale
// heap entries apart (the group's connections changed since).
struct Move {
  double key;
  int group, target, version;
};

// Heap order (std::push_heap keeps the greatest first): key desc, then the lowest group, then target.
bool comes_after(const Move& a, const Move& b) {
  if (a.key != b.key) return a.key < b.key;
  if (a.group != b.group) return a.group > b.group;
  return a.target > b.target;
}

void push_move(std::vector<Move>& heap, const Move& m) {
  heap.push_back(m);
  std::push_heap(heap.begin(), heap.end(), comes_after);
}

Move pop_move(std::vector<Move>& heap) {
  std::pop_heap(heap.begin(), heap.end(), comes_after);
  const Move m = heap.back();
  heap.pop_back();
  return m;
}

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

  // Each step moves, off the most overfull device d, the group of d and device with room that gain the
  // most communication per byte of memory freed (FM-style gain: bytes to groups on the target minus bytes
  // to groups staying on d); ties go to the lowest group, then the lowest device. A lazy max-heap per
  // overfull device holds each group's best move (stop 24: the full scan of every group on every step
  // took 60% of transformer-b256 fine-tuning). An entry stays exact while the group's connections do not
  // change and its target keeps room; targets only lose room, except an overfull device that the repair
  // brings under its limit, after which every heap is rebuilt (at most once per overfull device).
  std::vector<int> version(G, 0);
  // The best move of group gi (on its device), or target -1 when no device has room for it.
  const auto best_move = [&](int gi) {
    const int d = device[gi];
    const double* cg = conn.data() + static_cast<size_t>(gi) * D;
    Move m{-std::numeric_limits<double>::infinity(), gi, -1, version[gi]};
    for (int e = 0; e < D; ++e) {
      if (e == d || load[e] + mem[gi] > limit[e]) continue;
      const double key = (cg[e] - cg[d]) / mem[gi];
      if (key > m.key) m.key = key, m.target = e;
    }
    return m;
  };
  std::vector<char> source(D, 0);  // devices over their limit at the start: the only ones groups leave
  for (int d = 0; d < D; ++d) source[d] = load[d] > limit[d] ? 1 : 0;
  std::vector<std::vector<Move>> heaps(D);
  const auto rebuild = [&] {
    for (auto& h : heaps) h.clear();
    for (int gi = 0; gi < G; ++gi) {
      if (!source[device[gi]] || mem[gi] <= 0) continue;
      const Move m = best_move(gi);
      if (m.target >= 0) push_move(heaps[device[gi]], m);
    }
  };
  rebuild();

  std::vector<char> stuck(D, 0);  // overfull devices nothing more can leave
  std::vector<char> moved(G, 0);
  std::vector<int> touched(G, -1);
  bool any = false;
  for (int step = 0;; ++step) {
    int d = -1;
    double worst = 0;
    for (int e = 0; e < D; ++e) {
      const double over = (load[e] - limit[e]) / c.device(e).memory;
      if (!stuck[e] && over > worst) worst = over, d = e;
    }
    if (d < 0) break;
    std::vector<Move>& heap = heaps[d];
    int pick = -1, target = -1;
    while (!heap.empty()) {
      const Move m = pop_move(heap);
      if (m.version != version[m.group] || device[m.group] != d) continue;  // stale
      if (load[m.target] + mem[m.group] > limit[m.target]) {  // its target filled up: the next best
        const Move next = best_move(m.group);
        if (next.target >= 0) push_move(heap, next);
        continue;
      }
      pick = m.group, target = m.target;
      break;
    }
    if (pick < 0) {
      stuck[d] = 1;
      continue;
    }
    device[pick] = target;
    ++version[pick];
    load[d] -= mem[pick];
    load[target] += mem[pick];
    for (auto [b, bytes] : adj[pick]) {
      conn[static_cast<size_t>(b) * D + d] -= bytes;
      conn[static_cast<size_t>(b) * D + target] += bytes;
    }
    for (auto [b, bytes] : adj[pick]) {  // their keys changed: fresh entries, the old ones go stale
      if (touched[b] == step || !source[device[b]] || mem[b] <= 0) continue;
      touched[b] = step;
      ++version[b];
      const Move m = best_move(b);
      if (m.target >= 0) push_move(heaps[device[b]], m);
    }
    moved[pick] = 1;
    any = true;
    if (load[d] <= limit[d]) rebuild();  // d has room now: a target for the other overfull devices
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
