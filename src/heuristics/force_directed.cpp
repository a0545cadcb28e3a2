#include "tessera/heuristics/force_directed.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tessera/core/error.h"

namespace tessera::chip {

void ForceDirectedOptions::validate() const {
  if (iterations.empty() || iterations.size() != move_distance_factors.size())
    throw UsageError("force-directed: iterations and move_distance_factors need the same non-zero length");
  for (int it : iterations)
    if (it < 0) throw UsageError("force-directed: iterations must be >= 0");
  if (attract_factors.empty() || repel_factors.empty())
    throw UsageError("force-directed: attract_factors and repel_factors must not be empty");
  if (attract_factor < 0 || repel_factor < 0) throw UsageError("force-directed: factors must be >= 0");
}

int force_directed_place(const Netlist& netlist, const CanvasSpec& spec, Placement& p,
                         const ForceDirectedOptions& options) {
  options.validate();
  const auto& soft = netlist.soft_macros();
  if (soft.empty()) return 0;
  const int64_t n = netlist.num_nodes();
  std::vector<int64_t> slot(n, -1);
  for (size_t i = 0; i < soft.size(); ++i) slot[soft[i]] = static_cast<int64_t>(i);
  if (!options.use_current_positions)
    for (int64_t s : soft) {
      p.x[s] = spec.width / 2;
      p.y[s] = spec.height / 2;
    }
  // nets touching a soft macro: owners (driver first) and weight
  std::vector<int64_t> net_begin{0}, net_own;
  std::vector<double> net_w;
  for (const Net& net : netlist.nets()) {
    const size_t mark = net_own.size();
    net_own.push_back(netlist.owner(net.driver));
    bool touches = slot[net_own.back()] >= 0;
    for (int64_t s : net.sinks) {
      net_own.push_back(netlist.owner(s));
      touches |= slot[net_own.back()] >= 0;
    }
    if (touches) {
      net_begin.push_back(static_cast<int64_t>(net_own.size()));
      net_w.push_back(net.weight);
    } else {
      net_own.resize(mark);
    }
  }
  // objects for repulsion: soft macros (movable) then hard macros (fixed)
  const auto& hard = netlist.hard_macros();
  const size_t ns = soft.size(), no = ns + hard.size();
  std::vector<int64_t> obj(no);
  std::vector<double> ow(no), oh(no);
  for (size_t i = 0; i < no; ++i) {
    obj[i] = i < ns ? soft[i] : hard[i - ns];
    ow[i] = p.placed_width(netlist, obj[i]);
    oh[i] = p.placed_height(netlist, obj[i]);
  }
  std::vector<double> ax(ns), ay(ns), rx(ns), ry(ns);
  std::vector<size_t> order(no);
  const int cols = spec.cols, rows = spec.rows;
  const double cw = spec.width / cols, ch = spec.height / rows;
  std::vector<double> occ(static_cast<size_t>(cols) * rows);
  const double scale = std::max(spec.width, spec.height) / 100.0;
  int total = 0;
  for (size_t round = 0; round < options.iterations.size(); ++round) {
    const int iters = options.iterations[round];
    const double af = options.attract_factor * options.attract_factors[std::min(round, options.attract_factors.size() - 1)];
    const double rf = options.repel_factor * options.repel_factors[std::min(round, options.repel_factors.size() - 1)];
    for (int it = 0; it < iters; ++it, ++total) {
      std::fill(ax.begin(), ax.end(), 0.0);
      std::fill(ay.begin(), ay.end(), 0.0);
      std::fill(rx.begin(), rx.end(), 0.0);
      std::fill(ry.begin(), ry.end(), 0.0);
      if (af > 0) {
        for (size_t e = 0; e + 1 < net_begin.size(); ++e) {
          const int64_t b = net_begin[e], end = net_begin[e + 1];
          const int64_t drv = net_own[b];
          const double dx0 = p.x[drv], dy0 = p.y[drv], w = net_w[e];
          const int64_t d = slot[drv];
          for (int64_t k = b + 1; k < end; ++k) {
            const int64_t o = net_own[k];
            if (o == drv) continue;
            const double fx = w * (dx0 - p.x[o]), fy = w * (dy0 - p.y[o]);
            const int64_t s = slot[o];
            if (s >= 0) ax[s] += fx, ay[s] += fy;
            if (d >= 0) ax[d] -= fx, ay[d] -= fy;
          }
        }
      }
      if (rf > 0) {
        // density spreading: push each soft macro down the gradient of the cell occupancy
        // (overlap area / cell area of hard and soft macros); cells beyond the border count as full
        std::fill(occ.begin(), occ.end(), 0.0);
        for (size_t i = 0; i < no; ++i) {
          const double x0 = p.x[obj[i]] - ow[i] / 2, x1 = x0 + ow[i], y0 = p.y[obj[i]] - oh[i] / 2, y1 = y0 + oh[i];
          const int c0 = std::max(0, static_cast<int>(std::floor(x0 / cw))), c1 = std::min(cols - 1, static_cast<int>(std::floor(x1 / cw)));
          const int r0 = std::max(0, static_cast<int>(std::floor(y0 / ch))), r1 = std::min(rows - 1, static_cast<int>(std::floor(y1 / ch)));
          for (int r = r0; r <= r1; ++r) {
            const double dy = std::min(y1, (r + 1) * ch) - std::max(y0, r * ch);
            if (dy <= 0) continue;
            for (int c = c0; c <= c1; ++c) {
              const double dx = std::min(x1, (c + 1) * cw) - std::max(x0, c * cw);
              if (dx > 0) occ[r * cols + c] += dx * dy / (cw * ch);
            }
          }
        }
        auto d = [&](int r, int c) { return (r < 0 || r >= rows || c < 0 || c >= cols) ? 2.0 : occ[r * cols + c]; };
        for (size_t i = 0; i < ns; ++i) {
          const int c = std::clamp(static_cast<int>(std::floor(p.x[soft[i]] / cw)), 0, cols - 1);
          const int r = std::clamp(static_cast<int>(std::floor(p.y[soft[i]] / ch)), 0, rows - 1);
          if (occ[r * cols + c] <= options.target_density) continue;
          rx[i] += (d(r, c - 1) - d(r, c + 1)) * cw * options.density_push;
          ry[i] += (d(r - 1, c) - d(r + 1, c)) * ch * options.density_push;
        }
        // sweep over objects sorted by left edge: only pairs overlapping in x are examined
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
          return p.x[obj[a]] - ow[a] / 2 < p.x[obj[b]] - ow[b] / 2;
        });
        for (size_t ii = 0; ii < no; ++ii) {
          const size_t a = order[ii];
          const double ax1 = p.x[obj[a]] + ow[a] / 2;
          for (size_t jj = ii + 1; jj < no; ++jj) {
            const size_t b = order[jj];
            if (p.x[obj[b]] - ow[b] / 2 >= ax1) break;
            if (a >= ns && b >= ns) continue;  // two hard macros
            const double dx = p.x[obj[a]] - p.x[obj[b]], dy = p.y[obj[a]] - p.y[obj[b]];
            const double ox = (ow[a] + ow[b]) / 2 - std::abs(dx), oy = (oh[a] + oh[b]) / 2 - std::abs(dy);
            if (ox <= 0 || oy <= 0) continue;
            const double dist = std::sqrt(dx * dx + dy * dy);
            double ux, uy;
            if (dist < 1e-9) {  // coincident centres: a deterministic direction per pair
              const double ang = static_cast<double>((obj[a] * 7919 + obj[b] * 104729) % 360) * M_PI / 180.0;
              ux = std::cos(ang);
              uy = std::sin(ang);
            } else {
              ux = dx / dist;
              uy = dy / dist;
            }
            const double mag = std::min(ox, oy);
            if (a < ns) rx[a] += mag * ux, ry[a] += mag * uy;
            if (b < ns) rx[b] -= mag * ux, ry[b] -= mag * uy;
          }
        }
      }
      double fmax = 0;
      for (size_t i = 0; i < ns; ++i) {
        const double fx = af * ax[i] + rf * rx[i], fy = af * ay[i] + rf * ry[i];
        ax[i] = fx;
        ay[i] = fy;
        fmax = std::max(fmax, std::hypot(fx, fy));
      }
      if (fmax <= 0) continue;
      const double decay = 1.0 - 0.9 * static_cast<double>(it) / std::max(1, iters);
      const double step = options.move_distance_factors[round] * scale * decay / fmax;
      for (size_t i = 0; i < ns; ++i) {
        const int64_t s = soft[i];
        const double w = ow[i], h = oh[i];
        p.x[s] = std::clamp(p.x[s] + step * ax[i], std::min(w / 2, spec.width / 2), std::max(spec.width - w / 2, spec.width / 2));
        p.y[s] = std::clamp(p.y[s] + step * ay[i], std::min(h / 2, spec.height / 2), std::max(spec.height - h / 2, spec.height / 2));
      }
    }
  }
  return total;
}

}  // namespace tessera::chip
