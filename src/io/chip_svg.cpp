#include "tessera/io/chip_svg.h"

#include <algorithm>
#include <fmt/format.h>

#include "tessera/core/svg.h"
#include "tessera/cost/proxy_cost.h"

namespace tessera::chip {

void write_chip_svg(const std::string& path, const Netlist& nl, const CanvasSpec& spec, const Placement& p,
                    HeatMap heat, const std::string& title) {
  const double size = 720, margin = 30, top = title.empty() ? margin : margin + 20;
  const double scale = size / std::max(spec.width, spec.height);
  svg::Document doc(size + 2 * margin, size + top + margin + 20);
  auto X = [&](double x) { return margin + x * scale; };
  auto Y = [&](double y) { return top + (spec.height - y) * scale; };  // y up
  if (!title.empty()) doc.text(margin, margin + 4, title, 13);
  doc.rect(X(0), Y(spec.height), spec.width * scale, spec.height * scale, "#ffffff", "#333", 1);
  const double cw = spec.width / spec.cols, ch = spec.height / spec.rows;
  if (heat != HeatMap::kNone) {
    ProxyCost cost(nl, spec);
    CostMaps maps = cost.maps(p);
    std::vector<double> vals(maps.density.size());
    for (size_t i = 0; i < vals.size(); ++i)
      vals[i] = heat == HeatMap::kDensity ? maps.density[i] : maps.h_congestion[i] + maps.v_congestion[i];
    const double vmax = std::max(1e-12, *std::max_element(vals.begin(), vals.end()));
    for (int r = 0; r < spec.rows; ++r)
      for (int c = 0; c < spec.cols; ++c) {
        const double v = vals[r * spec.cols + c];
        doc.rect(X(c * cw), Y((r + 1) * ch), cw * scale, ch * scale, svg::heat_color(v / vmax), "none", 0, 0.55,
                 fmt::format("cell ({}, {}): {:.3f}", r, c, v));
      }
    doc.text(margin, top + size + 16,
             fmt::format("heat map: {} (max {:.3f}); grid {}x{}", heat == HeatMap::kDensity ? "density" : "H+V congestion",
                         vmax, spec.cols, spec.rows),
             11);
  }
  for (int c = 1; c < spec.cols; ++c) doc.line(X(c * cw), Y(0), X(c * cw), Y(spec.height), "#dddddd", 0.5);
  for (int r = 1; r < spec.rows; ++r) doc.line(X(0), Y(r * ch), X(spec.width), Y(r * ch), "#dddddd", 0.5);
  for (int64_t s : nl.soft_macros()) {
    const double w = p.placed_width(nl, s), h = p.placed_height(nl, s);
    doc.rect(X(p.x[s] - w / 2), Y(p.y[s] + h / 2), w * scale, h * scale, "#4daf4a", "none", 0, 0.35, nl.node(s).name);
  }
  for (int64_t m : nl.hard_macros()) {
    const double w = p.placed_width(nl, m), h = p.placed_height(nl, m);
    doc.rect(X(p.x[m] - w / 2), Y(p.y[m] + h / 2), w * scale, h * scale, "#377eb8", "#08306b", 0.8, 0.85,
             nl.node(m).name + " " + orientation_name(p.orientation[m]));
    // orientation tick: the corner where the N-orientation pin origin (lower-left) ends up
    Point corner = orient_offset(p.orientation[m], -nl.node(m).width / 2, -nl.node(m).height / 2);
    doc.circle(X(p.x[m] + corner.x * 0.9), Y(p.y[m] + corner.y * 0.9), 1.5, "#ffffff");
  }
  for (int64_t q : nl.ports()) doc.circle(X(p.x[q]), Y(p.y[q]), 1.8, "#e41a1c");
  doc.save(path);
}

}  // namespace tessera::chip
