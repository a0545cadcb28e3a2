// List-scheduling placers: Baechi's m-ETF and m-SCT, and HEFT (see classical_device_placers.h).
// They schedule every op on a model of the cluster (op times from the roofline/profile, transfer
// times without contention) and keep the device each op was scheduled on.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/heuristics/classical_device_placers.h"

namespace tessera::devices {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Shared state of a list schedule: per-op device and finish time, per-device availability and
/// memory, co-location forcing.
class Schedule {
 public:
  Schedule(const DeviceGraph& g, const Cluster& c) : g_(g), c_(c), D_(c.num_devices()) {
    const int n = g.num_ops();
    time_.resize(static_cast<size_t>(n) * D_);
    for (int v = 0; v < n; ++v)
      for (int d = 0; d < D_; ++d) time_[static_cast<size_t>(v) * D_ + d] = estimate_op_time(g.op(v), c.device(d));
    dev_.assign(n, -1);
    finish_.assign(n, 0);
    avail_.assign(D_, 0);
    used_.assign(D_, 0);
    group_dev_.assign(g.num_groups(), -1);
    group_mem_.assign(g.num_groups(), 0);
    for (int v = 0; v < n; ++v) group_mem_[g.group(v)] += placer_memory_need(g.op(v));
  }

  double time(int v, int d) const { return time_[static_cast<size_t>(v) * D_ + d]; }
  int device(int v) const { return dev_[v]; }
  double finish(int v) const { return finish_[v]; }

  /// Devices op v may go to: its group's device, else every device with room for the group (all
  /// devices when none has room: the emptiest then wins on memory below).
  void allowed(int v, std::vector<int>& out) const {
    out.clear();
    const int gd = group_dev_[g_.group(v)];
    if (gd >= 0) {
      out.push_back(gd);
      return;
    }
    const double need = group_mem_[g_.group(v)];
    for (int d = 0; d < D_; ++d)
      if (used_[d] + need <= kPlacerMemorySlack * c_.device(d).memory) out.push_back(d);
    if (out.empty()) out.push_back(static_cast<int>(std::min_element(used_.begin(), used_.end()) - used_.begin()));
  }

  /// Time all of v's inputs are on device d.
  double data_ready(int v, int d) const {
    double t = 0;
    for (const int* e = g_.in_begin(v); e != g_.in_end(v); ++e) {
      const Edge& ed = g_.edges()[*e];
      const int du = dev_[ed.src];
      t = std::max(t, finish_[ed.src] + (du == d ? 0.0 : c_.transfer_time(du, d, ed.bytes)));
    }
    return t;
  }
  double start_on(int v, int d) const { return std::max(avail_[d], data_ready(v, d)); }

  void assign(int v, int d, double start) {
    dev_[v] = d;
    finish_[v] = start + time(v, d);
    avail_[d] = finish_[v];
    const int gi = g_.group(v);
    if (group_dev_[gi] < 0) {
      group_dev_[gi] = d;
      used_[d] += group_mem_[gi];
    }
  }
  double makespan() const { return *std::max_element(finish_.begin(), finish_.end()); }
  const std::vector<int>& devices() const { return dev_; }

 private:
  const DeviceGraph& g_;
  const Cluster& c_;
  int D_;
  std::vector<double> time_;
  std::vector<int> dev_;
  std::vector<double> finish_, avail_, used_;
  std::vector<int> group_dev_;
  std::vector<double> group_mem_;
};

/// m-ETF (fav = false) and m-SCT (fav = true).
class EtfPlacer : public Placer {
 public:
  explicit EtfPlacer(bool sct) : sct_(sct) {}
  std::string name() const override { return sct_ ? "m-sct" : "m-etf"; }

  Placement place(const DeviceGraph& g, const Cluster& c, const PlaceOptions& o) override {
    const int n = g.num_ops();
    const int window = o.extra.value("window", 64);
    if (window < 1) throw UsageError(name() + ": extra.window must be >= 1");
    Schedule s(g, c);
    // Favourite child of each op: the child with the largest average transfer time; fav_parent[c].
    std::vector<int> fav_parent(n, -1);
    if (sct_) {
      std::vector<double> best_bytes(n, -1);
      for (int u = 0; u < n; ++u) {
        int fav = -1;
        double fb = -1;
        for (const int* e = g.out_begin(u); e != g.out_end(u); ++e)
          if (g.edges()[*e].bytes > fb) {
            fb = g.edges()[*e].bytes;
            fav = g.edges()[*e].dst;
          }
        if (fav >= 0 && fb > best_bytes[fav]) {
          best_bytes[fav] = fb;
          fav_parent[fav] = u;
        }
      }
    }
    std::vector<int> left(n);
    std::vector<int> ready;
    for (int v = 0; v < n; ++v) {
      left[v] = g.in_degree(v);
      if (left[v] == 0) ready.push_back(v);
    }
    std::vector<int> devs;
    std::vector<std::pair<double, int>> keyed;
    const auto& rank = g.topological_rank();
    int kept_with_parent = 0;
    for (int step = 0; step < n; ++step) {
      if (ready.empty()) throw Error(name() + ": no ready op (graph not acyclic?)");
      // Candidate window: the ready ops whose inputs are done earliest.
      std::vector<int>* cand = &ready;
      std::vector<int> window_ops;
      if (static_cast<int>(ready.size()) > window) {
        keyed.clear();
        for (int v : ready) {
          double t = 0;
          for (const int* e = g.in_begin(v); e != g.in_end(v); ++e) t = std::max(t, s.finish(g.edges()[*e].src));
          keyed.emplace_back(t, v);
        }
        std::nth_element(keyed.begin(), keyed.begin() + window, keyed.end(), [&](const auto& a, const auto& b) {
          return a.first != b.first ? a.first < b.first : rank[a.second] < rank[b.second];
        });
        for (int i = 0; i < window; ++i) window_ops.push_back(keyed[i].second);
        cand = &window_ops;
      }
      int best_v = -1, best_d = -1;
      double best_start = kInf, best_finish = kInf;
      bool best_fav = false;
      for (int v : *cand) {
        s.allowed(v, devs);
        int vd = -1;
        double vs = kInf, vf = kInf;
        for (int d : devs) {
          const double st = s.start_on(v, d);
          const double fi = st + s.time(v, d);
          if (st < vs || (st == vs && fi < vf)) {
            vs = st;
            vf = fi;
            vd = d;
          }
        }
        bool fav = false;
        if (sct_ && fav_parent[v] >= 0) {
          // Keep a favourite child with its parent when waiting there costs less than the transfer.
          const int pd = s.device(fav_parent[v]);
          if (pd != vd && std::find(devs.begin(), devs.end(), pd) != devs.end()) {
            double bytes = 0;
            for (const int* e = g.in_begin(v); e != g.in_end(v); ++e)
              if (g.edges()[*e].src == fav_parent[v]) bytes = std::max(bytes, g.edges()[*e].bytes);
            const double ps = s.start_on(v, pd);
            if (ps <= vs + c.transfer_time(pd, vd, bytes)) {
              vs = ps;
              vf = ps + s.time(v, pd);
              vd = pd;
              fav = true;
            }
          } else if (pd == vd) {
            fav = true;
          }
        }
        if (vs < best_start || (vs == best_start && (vf < best_finish || (vf == best_finish && rank[v] < rank[best_v])))) {
          best_v = v;
          best_d = vd;
          best_start = vs;
          best_finish = vf;
          best_fav = fav;
        }
      }
      kept_with_parent += best_fav;
      s.assign(best_v, best_d, best_start);
      ready.erase(std::find(ready.begin(), ready.end(), best_v));
      for (const int* e = g.out_begin(best_v); e != g.out_end(best_v); ++e) {
        const int w = g.edges()[*e].dst;
        if (--left[w] == 0) ready.push_back(w);
      }
    }
    Placement p;
    p.device = s.devices();
    p.info["model_makespan"] = s.makespan();
    if (sct_) p.info["favourite_children_kept"] = kept_with_parent;
    return p;
  }

 private:
  bool sct_;
};

class HeftPlacer : public Placer {
 public:
  std::string name() const override { return "heft"; }
  Placement place(const DeviceGraph& g, const Cluster& c, const PlaceOptions&) override {
    const int n = g.num_ops(), D = c.num_devices();
    Schedule s(g, c);
    // Average transfer time per byte and latency over ordered device pairs.
    double inv_bw = 0, lat = 0;
    int pairs = 0;
    for (int a = 0; a < D; ++a)
      for (int b = 0; b < D; ++b)
        if (a != b) {
          inv_bw += 1.0 / c.route_bandwidth(a, b);
          lat += c.route_latency(a, b);
          ++pairs;
        }
    if (pairs > 0) {
      inv_bw /= pairs;
      lat /= pairs;
    }
    std::vector<double> up(n, 0);
    const auto& topo = g.topological_order();
    for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
      const int v = *it;
      double avg = 0;
      for (int d = 0; d < D; ++d) avg += s.time(v, d);
      avg /= D;
      double succ = 0;
      for (const int* e = g.out_begin(v); e != g.out_end(v); ++e) {
        const Edge& ed = g.edges()[*e];
        succ = std::max(succ, (pairs > 0 ? lat + ed.bytes * inv_bw : 0.0) + up[ed.dst]);
      }
      up[v] = avg + succ;
    }
    std::vector<int> order(topo.begin(), topo.end());
    const auto& rank = g.topological_rank();
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return up[a] != up[b] ? up[a] > up[b] : rank[a] < rank[b]; });
    // Decreasing upward rank is a topological order when every op time is > 0; guard against ties
    // of zero-time ops by scheduling an op only after its predecessors (deferring it otherwise).
    std::vector<char> done(n, 0);
    std::vector<int> devs;
    std::vector<int> pending;
    auto preds_done = [&](int v) {
      for (const int* e = g.in_begin(v); e != g.in_end(v); ++e)
        if (!done[g.edges()[*e].src]) return false;
      return true;
    };
    auto schedule = [&](int v) {
      s.allowed(v, devs);
      int bd = devs[0];
      double bf = kInf, bs = 0;
      for (int d : devs) {
        const double st = s.start_on(v, d);
        const double fi = st + s.time(v, d);
        if (fi < bf) {
          bf = fi;
          bd = d;
          bs = st;
        }
      }
      s.assign(v, bd, bs);
      done[v] = 1;
    };
    for (int v : order) {
      if (!preds_done(v)) {
        pending.push_back(v);
        continue;
      }
      schedule(v);
      for (size_t i = 0; i < pending.size();) {
        if (preds_done(pending[i])) {
          schedule(pending[i]);
          pending.erase(pending.begin() + i);
          i = 0;
        } else {
          ++i;
        }
      }
    }
    if (!pending.empty()) throw Error("heft: could not schedule every op");
    Placement p;
    p.device = s.devices();
    p.info["model_makespan"] = s.makespan();
    return p;
  }
};

}  // namespace

std::unique_ptr<Placer> make_metf_placer() { return std::make_unique<EtfPlacer>(false); }
std::unique_ptr<Placer> make_msct_placer() { return std::make_unique<EtfPlacer>(true); }
std::unique_ptr<Placer> make_heft_placer() { return std::make_unique<HeftPlacer>(); }

}  // namespace tessera::devices
