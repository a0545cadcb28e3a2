#include "tessera/cost/proxy_cost.h"

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

struct RC {
  int r, c;
};

/// Routing of one net over distinct cells (source first), TILOS/CT rules (see the spec).
void route_cells(const RC* cells, int k, double w, int cols, double* h, double* v) {
  auto hseg = [&](int row, int c0, int c1) {
    for (int c = c0; c < c1; ++c) h[row * cols + c] += w;
  };
  auto vseg = [&](int col, int r0, int r1) {
    for (int r = r0; r < r1; ++r) v[r * cols + col] += w;
  };
  auto two = [&](RC src, RC snk) {
    hseg(src.r, std::min(src.c, snk.c), std::max(src.c, snk.c));
    vseg(snk.c, std::min(src.r, snk.r), std::max(src.r, snk.r));
  };
  if (k < 2) return;
  if (k == 2) {
    two(cells[0], cells[1]);
    return;
  }
  if (k == 3) {
    RC t[3] = {cells[0], cells[1], cells[2]};
    std::sort(t, t + 3, [](RC a, RC b) { return a.c != b.c ? a.c < b.c : a.r < b.r; });
    const int y1 = t[0].r, x1 = t[0].c, y2 = t[1].r, x2 = t[1].c, y3 = t[2].r, x3 = t[2].c;
    if (x1 < x2 && x2 < x3 && std::min(y1, y3) < y2 && std::max(y1, y3) > y2) {
      hseg(y1, x1, x2);
      hseg(y2, x2, x3);
      vseg(x2, std::min(y1, y2), std::max(y1, y2));
      vseg(x3, std::min(y2, y3), std::max(y2, y3));
    } else if (x2 == x3 && x1 < x2 && y1 < std::min(y2, y3)) {
      hseg(y1, x1, x2);
      vseg(x2, y1, std::max(y2, y3));
    } else if (y2 == y3) {
      hseg(y1, x1, x2);
      hseg(y2, x2, x3);
      vseg(x2, std::min(y2, y1), std::max(y2, y1));
    } else {
      std::sort(t, t + 3, [](RC a, RC b) { return a.r != b.r ? a.r < b.r : a.c < b.c; });
      const int Y1 = t[0].r, X1 = t[0].c, Y2 = t[1].r, Y3 = t[2].r, X3 = t[2].c;
      const int xmin = std::min({t[0].c, t[1].c, t[2].c}), xmax = std::max({t[0].c, t[1].c, t[2].c});
      hseg(Y2, xmin, xmax);
      vseg(X1, std::min(Y1, Y2), std::max(Y1, Y2));
      vseg(X3, std::min(Y2, Y3), std::max(Y2, Y3));
    }
    return;
  }
  for (int i = 1; i < k; ++i) two(cells[0], cells[i]);
}

/// Mean of the top `cnt` values (cnt >= 1), via nth_element on a scratch copy.
double top_mean(std::vector<double>& vals, int64_t cnt) {
  cnt = std::min<int64_t>(cnt, static_cast<int64_t>(vals.size()));
  std::nth_element(vals.begin(), vals.begin() + (cnt - 1), vals.end(), std::greater<double>());
  double s = 0;
  for (int64_t i = 0; i < cnt; ++i) s += vals[i];
  return s / static_cast<double>(cnt);
}

}  // namespace

void route_net_cells(const std::vector<int>& cells_rc, double weight, int cols, std::vector<double>& h,
                     std::vector<double>& v) {
  std::vector<RC> rc(cells_rc.size() / 2);
  for (size_t i = 0; i < rc.size(); ++i) rc[i] = {cells_rc[2 * i], cells_rc[2 * i + 1]};
  route_cells(rc.data(), static_cast<int>(rc.size()), weight, cols, h.data(), v.data());
}

/// Precomputed netlist structure shared by the full and incremental evaluators.
struct CostModel {
  const Netlist* nl;
  CanvasSpec spec;
  int cols, rows, ncell;
  double cw, ch;
  std::vector<int64_t> net_begin, net_pins;
  std::vector<double> net_w;
  double total_w = 0;
  std::vector<int64_t> obj_net_begin, obj_nets;  // CSR by node: nets touching a movable object
  std::vector<int64_t> density_objs, hard;
  std::vector<uint8_t> is_density_obj;

  CostModel(const Netlist& netlist, const CanvasSpec& s) : nl(&netlist), spec(s) {
    spec.validate();
    cols = spec.cols;
    rows = spec.rows;
    ncell = cols * rows;
    cw = spec.width / cols;
    ch = spec.height / rows;
    const auto& nets = netlist.nets();
    net_begin.reserve(nets.size() + 1);
    net_begin.push_back(0);
    for (const Net& net : nets) {
      net_pins.push_back(net.driver);
      for (int64_t s2 : net.sinks) net_pins.push_back(s2);
      net_begin.push_back(static_cast<int64_t>(net_pins.size()));
      net_w.push_back(net.weight);
      total_w += net.weight;
    }
    const int64_t n = netlist.num_nodes();
    std::vector<std::vector<int64_t>> on(n);
    for (int64_t e = 0; e < static_cast<int64_t>(nets.size()); ++e)
      for (int64_t p = net_begin[e]; p < net_begin[e + 1]; ++p) on[netlist.owner(net_pins[p])].push_back(e);
    obj_net_begin.assign(1, 0);
    for (int64_t i = 0; i < n; ++i) {
      auto& l = on[i];
      std::sort(l.begin(), l.end());
      l.erase(std::unique(l.begin(), l.end()), l.end());
      obj_nets.insert(obj_nets.end(), l.begin(), l.end());
      obj_net_begin.push_back(static_cast<int64_t>(obj_nets.size()));
    }
    is_density_obj.assign(n, 0);
    for (int64_t i = 0; i < n; ++i) {
      const Node& nd = netlist.node(i);
      if (nd.is_macro() || (nd.type == NodeType::kStdCell && nd.cluster < 0)) {
        density_objs.push_back(i);
        is_density_obj[i] = 1;
      }
    }
    hard = netlist.hard_macros();
  }

  Point pin(const Placement& p, int64_t node) const {
    const Node& nd = nl->node(node);
    if (nd.type == NodeType::kHardMacroPin) {
      const int64_t m = nd.macro;
      Point off = orient_offset(p.orientation[m], nd.x_offset, nd.y_offset);
      return {p.x[m] + off.x, p.y[m] + off.y};
    }
    if (nd.type == NodeType::kSoftMacroPin) return {p.x[nd.macro], p.y[nd.macro]};
    return {p.x[node], p.y[node]};
  }

  RC cell(Point q) const {
    int r = static_cast<int>(std::floor(q.y / ch));
    int c = static_cast<int>(std::floor(q.x / cw));
    r = std::min(std::max(r, 0), rows - 1);
    c = std::min(std::max(c, 0), cols - 1);
    return {r, c};
  }

  double hpwl(const Placement& p, int64_t e) const {
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    for (int64_t k = net_begin[e]; k < net_begin[e + 1]; ++k) {
      Point q = pin(p, net_pins[k]);
      x0 = std::min(x0, q.x);
      x1 = std::max(x1, q.x);
      y0 = std::min(y0, q.y);
      y1 = std::max(y1, q.y);
    }
    return (x1 - x0) + (y1 - y0);
  }

  /// Distinct cells of net e (source first) into `out`; `stamp` is a scratch array of ncell ints.
  void net_cells(const Placement& p, int64_t e, std::vector<RC>& out, std::vector<int64_t>& stamp,
                 int64_t& gen) const {
    out.clear();
    ++gen;
    for (int64_t k = net_begin[e]; k < net_begin[e + 1]; ++k) {
      RC rc = cell(pin(p, net_pins[k]));
      int64_t id = rc.r * cols + rc.c;
      if (stamp[id] == gen) continue;
      stamp[id] = gen;
      out.push_back(rc);
    }
  }

  void rect_of(const Placement& p, int64_t i, double& x0, double& y0, double& x1, double& y1) const {
    const Node& nd = nl->node(i);
    const bool rot = is_rotated(p.orientation[i]);
    const double w = rot ? nd.height : nd.width, h = rot ? nd.width : nd.height;
    x0 = p.x[i] - w / 2;
    x1 = p.x[i] + w / 2;
    y0 = p.y[i] - h / 2;
    y1 = p.y[i] + h / 2;
  }

  /// TILOS cell range of a rectangle: false when the module is skipped (out of bounds).
  bool cell_range(double x0, double y0, double x1, double y1, int& br, int& bc, int& ur, int& uc) const {
    ur = static_cast<int>(std::floor(y1 / ch));
    uc = static_cast<int>(std::floor(x1 / cw));
    br = static_cast<int>(std::floor(y0 / ch));
    bc = static_cast<int>(std::floor(x0 / cw));
    if (!(ur >= 0 && uc >= 0)) return false;
    br = std::max(br, 0);
    bc = std::max(bc, 0);
    ur = std::min(ur, rows - 1);
    uc = std::min(uc, cols - 1);
    return true;
  }

  void add_density(const Placement& p, int64_t i, double sign, double* occ) const {
    double x0, y0, x1, y1;
    rect_of(p, i, x0, y0, x1, y1);
    int br, bc, ur, uc;
    if (!cell_range(x0, y0, x1, y1, br, bc, ur, uc)) return;
    for (int r = br; r <= ur; ++r) {
      const double dy = std::min(y1, (r + 1) * ch) - std::max(y0, r * ch);
      for (int c = bc; c <= uc; ++c) {
        const double dx = std::min(x1, (c + 1) * cw) - std::max(x0, c * cw);
        if (dx >= 0 && dy >= 0) occ[r * cols + c] += sign * dx * dy;
      }
    }
  }

  void add_blockage(const Placement& p, int64_t i, double sign, double* hm, double* vm) const {
    double x0, y0, x1, y1;
    rect_of(p, i, x0, y0, x1, y1);
    int br, bc, ur, uc;
    if (!cell_range(x0, y0, x1, y1, br, bc, ur, uc)) return;
    bool partial_v = false, partial_h = false;
    auto dist = [&](int r, int c, double& dx, double& dy) {
      dx = std::min(x1, (c + 1) * cw) - std::max(x0, c * cw);
      dy = std::min(y1, (r + 1) * ch) - std::max(y0, r * ch);
      if (!(dx > 0 && dy > 0)) dx = dy = 0;
    };
    for (int r = br; r <= ur; ++r)
      for (int c = bc; c <= uc; ++c) {
        double dx, dy;
        dist(r, c, dx, dy);
        if (ur != br && (r == br || r == ur) && std::abs(dy - ch) > 1e-5) partial_v = true;
        if (uc != bc && (c == bc || c == uc) && std::abs(dx - cw) > 1e-5) partial_h = true;
        vm[r * cols + c] += sign * dx * spec.vrouting_alloc;
        hm[r * cols + c] += sign * dy * spec.hrouting_alloc;
      }
    if (partial_v)
      for (int c = bc; c <= uc; ++c) {
        double dx, dy;
        dist(ur, c, dx, dy);
        vm[ur * cols + c] -= sign * dx * spec.vrouting_alloc;
      }
    if (partial_h)
      for (int r = br; r <= ur; ++r) {
        double dx, dy;
        dist(r, uc, dx, dy);
        hm[r * cols + uc] -= sign * dy * spec.hrouting_alloc;
      }
  }

  /// Final congestion maps from raw routing demand and raw macro blockage.
  void congestion_maps(const std::vector<double>& h, const std::vector<double>& v, const std::vector<double>& hm,
                       const std::vector<double>& vm, std::vector<double>& hout, std::vector<double>& vout) const {
    const double vnorm = cw * spec.vroutes_per_micron, hnorm = ch * spec.hroutes_per_micron;
    const int s = spec.smoothing_range;
    hout.assign(ncell, 0.0);
    vout.assign(ncell, 0.0);
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const double val = v[r * cols + c] / vnorm;
        if (val == 0) continue;
        const int lp = std::max(c - s, 0), rp = std::min(c + s, cols - 1);
        const double share = val / (rp - lp + 1);
        for (int q = lp; q <= rp; ++q) vout[r * cols + q] += share;
      }
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const double val = h[r * cols + c] / hnorm;
        if (val == 0) continue;
        const int lp = std::max(r - s, 0), up = std::min(r + s, rows - 1);
        const double share = val / (up - lp + 1);
        for (int q = lp; q <= up; ++q) hout[q * cols + c] += share;
      }
    for (int i = 0; i < ncell; ++i) {
      vout[i] += vm[i] / vnorm;
      hout[i] += hm[i] / hnorm;
    }
  }

  double density_cost(const std::vector<double>& occ) const {
    const double area = cw * ch;
    std::vector<double> vals(ncell);
    for (int i = 0; i < ncell; ++i) vals[i] = occ[i] / area;
    if (ncell < 10) {
      double s = 0;
      int k = 0;
      for (double d : vals)
        if (d != 0) s += d, ++k;
      return k ? 0.5 * s / k : 0.0;
    }
    return 0.5 * top_mean(vals, ncell / 10);
  }

  double congestion_cost(const std::vector<double>& h, const std::vector<double>& v, const std::vector<double>& hm,
                         const std::vector<double>& vm) const {
    std::vector<double> hout, vout;
    congestion_maps(h, v, hm, vm, hout, vout);
    std::vector<double> all(vout);
    all.insert(all.end(), hout.begin(), hout.end());
    const int64_t cnt = static_cast<int64_t>(std::floor(all.size() * 0.05));
    if (cnt == 0) return *std::max_element(all.begin(), all.end());
    return top_mean(all, cnt);
  }

  double wl_cost(double wl) const {
    const double denom = (spec.width + spec.height) * (total_w > 0 ? total_w : 1.0);
    return wl / denom;
  }
};

// ------------------------------------------------------------------------------------------------
ProxyCost::ProxyCost(const Netlist& netlist, const CanvasSpec& spec)
    : netlist_(&netlist), spec_(spec), model_(std::make_shared<const CostModel>(netlist, spec)) {}

namespace {
struct FullState {
  double wl = 0;
  std::vector<double> occ, h, v, hm, vm;
};

FullState compute_full(const CostModel& m, const Placement& p) {
  if (p.size() != m.nl->num_nodes())
    throw Error("placement has " + std::to_string(p.size()) + " nodes, netlist " + std::to_string(m.nl->num_nodes()));
  FullState s;
  s.occ.assign(m.ncell, 0);
  s.h.assign(m.ncell, 0);
  s.v.assign(m.ncell, 0);
  s.hm.assign(m.ncell, 0);
  s.vm.assign(m.ncell, 0);
  std::vector<int64_t> stamp(m.ncell, 0);
  int64_t gen = 0;
  std::vector<RC> cells;
  const int64_t ne = static_cast<int64_t>(m.net_w.size());
  for (int64_t e = 0; e < ne; ++e) {
    s.wl += m.net_w[e] * m.hpwl(p, e);
    m.net_cells(p, e, cells, stamp, gen);
    route_cells(cells.data(), static_cast<int>(cells.size()), m.net_w[e], m.cols, s.h.data(), s.v.data());
  }
  for (int64_t i : m.density_objs) m.add_density(p, i, 1.0, s.occ.data());
  for (int64_t i : m.hard) m.add_blockage(p, i, 1.0, s.hm.data(), s.vm.data());
  return s;
}
}  // namespace

ProxyCostResult ProxyCost::evaluate(const Placement& placement) const {
  const CostModel& m = *model_;
  FullState s = compute_full(m, placement);
  ProxyCostResult r;
  r.wirelength = s.wl;
  r.wirelength_cost = m.wl_cost(s.wl);
  r.density_cost = m.density_cost(s.occ);
  r.congestion_cost = m.congestion_cost(s.h, s.v, s.hm, s.vm);
  return r;
}

CostMaps ProxyCost::maps(const Placement& placement) const {
  const CostModel& m = *model_;
  FullState s = compute_full(m, placement);
  CostMaps out;
  out.density.resize(m.ncell);
  for (int i = 0; i < m.ncell; ++i) out.density[i] = s.occ[i] / (m.cw * m.ch);
  m.congestion_maps(s.h, s.v, s.hm, s.vm, out.h_congestion, out.v_congestion);
  return out;
}

// ------------------------------------------------------------------------------------------------
struct IncrementalProxyCost::State {
  CostModel model;
  Placement p;
  FullState s;
  std::vector<double> net_hpwl;
  std::vector<std::vector<RC>> net_cells;
  std::vector<int64_t> stamp;
  int64_t gen = 0;
  std::vector<RC> scratch;
  struct Undo {
    int64_t node;
    double x, y;
    Orientation o;
  };
  std::vector<Undo> journal;
  bool recording = false;

  State(const Netlist& nl, const CanvasSpec& spec, const Placement& pl) : model(nl, spec), p(pl) { full(); }

  void full() {
    s = compute_full(model, p);
    const int64_t ne = static_cast<int64_t>(model.net_w.size());
    net_hpwl.resize(ne);
    net_cells.resize(ne);
    stamp.assign(model.ncell, 0);
    gen = 0;
    for (int64_t e = 0; e < ne; ++e) {
      net_hpwl[e] = model.hpwl(p, e);
      model.net_cells(p, e, net_cells[e], stamp, gen);
    }
  }

  void move(int64_t node, double x, double y, Orientation o) {
    if (recording) journal.push_back({node, p.x[node], p.y[node], p.orientation[node]});
    const Node& nd = model.nl->node(node);
    const bool hard = nd.type == NodeType::kHardMacro;
    const bool dens = model.is_density_obj[node] != 0;
    const int64_t b = model.obj_net_begin[node], e_end = model.obj_net_begin[node + 1];
    for (int64_t k = b; k < e_end; ++k) {
      const int64_t e = model.obj_nets[k];
      const double w = model.net_w[e];
      s.wl -= w * net_hpwl[e];
      const auto& c = net_cells[e];
      route_cells(c.data(), static_cast<int>(c.size()), -w, model.cols, s.h.data(), s.v.data());
    }
    if (dens) model.add_density(p, node, -1.0, s.occ.data());
    if (hard) model.add_blockage(p, node, -1.0, s.hm.data(), s.vm.data());
    p.x[node] = x;
    p.y[node] = y;
    p.orientation[node] = o;
    if (dens) model.add_density(p, node, 1.0, s.occ.data());
    if (hard) model.add_blockage(p, node, 1.0, s.hm.data(), s.vm.data());
    for (int64_t k = b; k < e_end; ++k) {
      const int64_t e = model.obj_nets[k];
      const double w = model.net_w[e];
      net_hpwl[e] = model.hpwl(p, e);
      s.wl += w * net_hpwl[e];
      model.net_cells(p, e, net_cells[e], stamp, gen);
      const auto& c = net_cells[e];
      route_cells(c.data(), static_cast<int>(c.size()), w, model.cols, s.h.data(), s.v.data());
    }
  }
};

IncrementalProxyCost::IncrementalProxyCost(const Netlist& netlist, const CanvasSpec& spec, const Placement& placement)
    : state_(std::make_unique<State>(netlist, spec, placement)) {}
IncrementalProxyCost::~IncrementalProxyCost() = default;
IncrementalProxyCost::IncrementalProxyCost(IncrementalProxyCost&&) noexcept = default;
IncrementalProxyCost& IncrementalProxyCost::operator=(IncrementalProxyCost&&) noexcept = default;

void IncrementalProxyCost::reset(const Placement& placement) {
  state_->p = placement;
  state_->journal.clear();
  state_->full();
}
void IncrementalProxyCost::resync() { state_->full(); }
const Placement& IncrementalProxyCost::placement() const { return state_->p; }

void IncrementalProxyCost::move(int64_t node, double x, double y, Orientation orientation) {
  state_->move(node, x, y, orientation);
}
void IncrementalProxyCost::move(int64_t node, double x, double y) {
  state_->move(node, x, y, state_->p.orientation[node]);
}
void IncrementalProxyCost::swap(int64_t a, int64_t b) {
  const double ax = state_->p.x[a], ay = state_->p.y[a];
  state_->move(a, state_->p.x[b], state_->p.y[b], state_->p.orientation[a]);
  state_->move(b, ax, ay, state_->p.orientation[b]);
}
void IncrementalProxyCost::checkpoint() {
  state_->journal.clear();
  state_->recording = true;
}
void IncrementalProxyCost::rollback() {
  state_->recording = false;
  auto& j = state_->journal;
  for (auto it = j.rbegin(); it != j.rend(); ++it) state_->move(it->node, it->x, it->y, it->o);
  j.clear();
}
void IncrementalProxyCost::commit() {
  state_->recording = false;
  state_->journal.clear();
}

ProxyCostResult IncrementalProxyCost::cost() const {
  const CostModel& m = state_->model;
  const FullState& s = state_->s;
  ProxyCostResult r;
  r.wirelength = s.wl;
  r.wirelength_cost = m.wl_cost(s.wl);
  r.density_cost = m.density_cost(s.occ);
  r.congestion_cost = m.congestion_cost(s.h, s.v, s.hm, s.vm);
  return r;
}
double IncrementalProxyCost::proxy(const CostWeights& weights) const { return cost().proxy(weights); }
double IncrementalProxyCost::wirelength_cost() const { return state_->model.wl_cost(state_->s.wl); }

CostMaps IncrementalProxyCost::maps() const {
  const CostModel& m = state_->model;
  const FullState& s = state_->s;
  CostMaps out;
  out.density.resize(m.ncell);
  for (int i = 0; i < m.ncell; ++i) out.density[i] = s.occ[i] / (m.cw * m.ch);
  m.congestion_maps(s.h, s.v, s.hm, s.vm, out.h_congestion, out.v_congestion);
  return out;
}

}  // namespace tessera::chip
