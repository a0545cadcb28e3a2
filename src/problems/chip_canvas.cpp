#include "tessera/problems/chip_canvas.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tessera/core/error.h"

namespace tessera::chip {

namespace {
constexpr double kEps = 1e-9;
}

ChipCanvas::ChipCanvas(const Netlist& netlist, const CanvasSpec& spec) : netlist_(&netlist), spec_(spec) {
  spec_.validate();
  slot_.assign(netlist.num_nodes(), -1);
  for (int64_t m : netlist.hard_macros()) {
    const Node& nd = netlist.node(m);
    const bool fits = nd.width <= spec_.width + kEps && nd.height <= spec_.height + kEps;
    if (!fits)
      throw InputError(netlist.source(), 0,
                       "hard macro '" + nd.name + "' (" + std::to_string(nd.width) + " x " + std::to_string(nd.height) +
                           " um) does not fit the canvas of " + std::to_string(spec_.width) + " x " +
                           std::to_string(spec_.height) + " um");
    slot_[m] = static_cast<int64_t>(hard_.size());
    hard_.push_back(m);
  }
  rects_.assign(hard_.size(), Rect{0, 0, 0, 0});
  placed_.assign(hard_.size(), 0);
  orient_.assign(hard_.size(), Orientation::N);
}

Point ChipCanvas::cell_center(int cell) const {
  const int r = cell / spec_.cols, c = cell % spec_.cols;
  return {(c + 0.5) * cell_width(), (r + 0.5) * cell_height()};
}

int ChipCanvas::cell_of(double x, double y) const {
  int c = static_cast<int>(std::floor(x / cell_width()));
  int r = static_cast<int>(std::floor(y / cell_height()));
  c = std::min(std::max(c, 0), spec_.cols - 1);
  r = std::min(std::max(r, 0), spec_.rows - 1);
  return r * spec_.cols + c;
}

std::vector<Orientation> ChipCanvas::orientations(int64_t macro, bool allow_rotation) const {
  std::vector<Orientation> out = {Orientation::N, Orientation::FN, Orientation::S, Orientation::FS};
  if (allow_rotation) {
    const Node& nd = netlist_->node(macro);
    if (nd.height <= spec_.width + kEps && nd.width <= spec_.height + kEps)
      for (Orientation o : {Orientation::E, Orientation::FE, Orientation::W, Orientation::FW}) out.push_back(o);
  }
  return out;
}

ChipCanvas::Rect ChipCanvas::rect_of(int64_t macro, double x, double y, Orientation o) const {
  const Node& nd = netlist_->node(macro);
  const double w = is_rotated(o) ? nd.height : nd.width, h = is_rotated(o) ? nd.width : nd.height;
  return {x - w / 2, y - h / 2, x + w / 2, y + h / 2};
}

void ChipCanvas::clear() {
  std::fill(placed_.begin(), placed_.end(), 0);
  num_placed_ = 0;
}

void ChipCanvas::place_fixed(const Placement& placement) {
  for (int64_t m : hard_)
    if (!placement.fixed.empty() && placement.fixed[m]) place(m, placement.x[m], placement.y[m], placement.orientation[m]);
}

void ChipCanvas::place(int64_t macro, double x, double y, Orientation o) {
  const int64_t s = slot_.at(macro);
  if (s < 0) throw Error("ChipCanvas::place: node " + std::to_string(macro) + " is not a hard macro");
  if (!placed_[s]) ++num_placed_;
  placed_[s] = 1;
  rects_[s] = rect_of(macro, x, y, o);
  orient_[s] = o;
}

void ChipCanvas::place_at_cell(int64_t macro, int cell, Orientation o) {
  Point c = cell_center(cell);
  place(macro, c.x, c.y, o);
}

void ChipCanvas::unplace(int64_t macro) {
  const int64_t s = slot_.at(macro);
  if (s >= 0 && placed_[s]) {
    placed_[s] = 0;
    --num_placed_;
  }
}

bool ChipCanvas::is_placed(int64_t macro) const {
  const int64_t s = slot_.at(macro);
  return s >= 0 && placed_[s];
}

bool ChipCanvas::is_legal(int64_t macro, double x, double y, Orientation o) const {
  const Rect r = rect_of(macro, x, y, o);
  if (r.x0 < -kEps || r.y0 < -kEps || r.x1 > spec_.width + kEps || r.y1 > spec_.height + kEps) return false;
  const int64_t self = slot_[macro];
  for (size_t s = 0; s < hard_.size(); ++s) {
    if (!placed_[s] || static_cast<int64_t>(s) == self) continue;
    const Rect& q = rects_[s];
    if (std::min(r.x1, q.x1) - std::max(r.x0, q.x0) > kEps && std::min(r.y1, q.y1) - std::max(r.y0, q.y0) > kEps)
      return false;
  }
  return true;
}

bool ChipCanvas::is_legal_cell(int64_t macro, int cell, Orientation o) const {
  Point c = cell_center(cell);
  return is_legal(macro, c.x, c.y, o);
}

std::vector<uint8_t> ChipCanvas::legal_mask(int64_t macro, Orientation o) const {
  const int cols = spec_.cols, rows = spec_.rows;
  const double cw = cell_width(), ch = cell_height();
  std::vector<uint8_t> mask(num_cells(), 0);
  const Node& nd = netlist_->node(macro);
  const double w = is_rotated(o) ? nd.height : nd.width, h = is_rotated(o) ? nd.width : nd.height;
  // inside the canvas
  for (int r = 0; r < rows; ++r) {
    const double y = (r + 0.5) * ch;
    if (y - h / 2 < -kEps || y + h / 2 > spec_.height + kEps) continue;
    for (int c = 0; c < cols; ++c) {
      const double x = (c + 0.5) * cw;
      if (x - w / 2 < -kEps || x + w / 2 > spec_.width + kEps) continue;
      mask[r * cols + c] = 1;
    }
  }
  // centres whose rectangle would overlap a placed macro: |x - qx| < (w + qw)/2 in both axes
  const int64_t self = slot_[macro];
  for (size_t s = 0; s < hard_.size(); ++s) {
    if (!placed_[s] || static_cast<int64_t>(s) == self) continue;
    const Rect& q = rects_[s];
    const double xlo = q.x0 - w / 2 + kEps, xhi = q.x1 + w / 2 - kEps;
    const double ylo = q.y0 - h / 2 + kEps, yhi = q.y1 + h / 2 - kEps;
    // cell centre (c + 0.5)·cw strictly inside (xlo, xhi)
    const int c0 = std::max(0, static_cast<int>(std::floor(xlo / cw - 0.5)));
    const int c1 = std::min(cols - 1, static_cast<int>(std::ceil(xhi / cw - 0.5)));
    const int r0 = std::max(0, static_cast<int>(std::floor(ylo / ch - 0.5)));
    const int r1 = std::min(rows - 1, static_cast<int>(std::ceil(yhi / ch - 0.5)));
    for (int r = r0; r <= r1; ++r) {
      const double y = (r + 0.5) * ch;
      if (!(y > ylo && y < yhi)) continue;
      for (int c = c0; c <= c1; ++c) {
        const double x = (c + 0.5) * cw;
        if (x > xlo && x < xhi) mask[r * cols + c] = 0;
      }
    }
  }
  return mask;
}

std::vector<uint8_t> ChipCanvas::require_legal_mask(int64_t macro, Orientation o) const {
  auto mask = legal_mask(macro, o);
  if (std::find(mask.begin(), mask.end(), 1) == mask.end())
    throw InputError(netlist_->source(), 0,
                     "no legal cell left for hard macro '" + netlist_->node(macro).name + "' (" +
                         std::to_string(num_placed_) + " macros placed on a " + std::to_string(spec_.cols) + "x" +
                         std::to_string(spec_.rows) + " grid)");
  return mask;
}

void ChipCanvas::write_to(Placement& placement) const {
  for (size_t s = 0; s < hard_.size(); ++s) {
    if (!placed_[s]) continue;
    const int64_t m = hard_[s];
    placement.x[m] = (rects_[s].x0 + rects_[s].x1) / 2;
    placement.y[m] = (rects_[s].y0 + rects_[s].y1) / 2;
    placement.orientation[m] = orient_[s];
  }
}

std::vector<int64_t> ChipCanvas::macros_by_area() const {
  std::vector<int64_t> order = hard_;
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const Node& na = netlist_->node(a);
    const Node& nb = netlist_->node(b);
    return na.width * na.height > nb.width * nb.height;
  });
  return order;
}

CanvasSpec ChipCanvas::choose_grid(const Netlist& netlist, bool paper_default, double target_cells_per_macro) {
  CanvasSpec spec;
  double side = std::sqrt(netlist.total_area() / 0.6);
  // ports and fixed objects may lie beyond the square: grow the canvas to contain them
  double maxx = side, maxy = side;
  for (int64_t p : netlist.ports()) {
    maxx = std::max(maxx, netlist.node(p).x);
    maxy = std::max(maxy, netlist.node(p).y);
  }
  spec.width = maxx;
  spec.height = maxy;
  if (spec.width <= 0 || spec.height <= 0) throw InputError(netlist.source(), 0, "netlist has zero total area");
  if (paper_default) {
    spec.cols = spec.rows = 10;
    return spec;
  }
  // CT gridding: roughly square cells, target number of cells per hard macro, cells at least as large
  // as the median hard-macro side / 2 so that macros cover few cells.
  const int64_t nm = std::max<int64_t>(1, static_cast<int64_t>(netlist.hard_macros().size()));
  const double cells = std::max(100.0, target_cells_per_macro * nm);
  const double cell_side = std::sqrt(spec.width * spec.height / cells);
  spec.cols = std::clamp(static_cast<int>(std::round(spec.width / cell_side)), 10, 128);
  spec.rows = std::clamp(static_cast<int>(std::round(spec.height / cell_side)), 10, 128);
  return spec;
}

}  // namespace tessera::chip
