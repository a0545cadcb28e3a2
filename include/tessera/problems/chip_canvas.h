#pragma once
// The placement canvas of chip macro placement: a cols × rows grid over a W × H canvas. Hard macros
// are placed with their centre on a cell centre; a cell is legal for a macro when the macro (in the
// given orientation) lies inside the canvas and overlaps no hard macro already placed. Fixed macros
// (from the .plc) are placed from the start. This is the action space of the RL placer and the move
// space of the annealer.
#include <cstdint>
#include <vector>

#include "tessera/problems/chip_placement.h"
#include "tessera/problems/netlist.h"

namespace tessera::chip {

class ChipCanvas {
 public:
  /// Throws InputError when a hard macro does not fit the canvas in any allowed orientation.
  ChipCanvas(const Netlist& netlist, const CanvasSpec& spec);

  const CanvasSpec& spec() const { return spec_; }
  const Netlist& netlist() const { return *netlist_; }
  int cols() const { return spec_.cols; }
  int rows() const { return spec_.rows; }
  int num_cells() const { return spec_.cols * spec_.rows; }
  double cell_width() const { return spec_.cell_width(); }
  double cell_height() const { return spec_.cell_height(); }

  /// Cell index = row · cols + col.
  Point cell_center(int cell) const;
  /// Cell of a point: column ⌊x / cell_w⌋, row ⌊y / cell_h⌋, clamped into the grid.
  int cell_of(double x, double y) const;

  /// Orientations considered for a hard macro: N, FN, S, FS, plus E, FE, W, FW when `allow_rotation`
  /// (E-family only where the rotated macro fits the canvas).
  std::vector<Orientation> orientations(int64_t macro, bool allow_rotation = false) const;

  // ----- occupancy of placed hard macros (the legality state)
  /// Removes every placed macro except fixed ones (re-placed from `fixed_placement` if given).
  void clear();
  /// Marks the macros with placement.fixed set as placed at their positions.
  void place_fixed(const Placement& placement);
  /// Places a hard macro with centre (x, y) (no legality check; see is_legal).
  void place(int64_t macro, double x, double y, Orientation o = Orientation::N);
  void place_at_cell(int64_t macro, int cell, Orientation o = Orientation::N);
  void unplace(int64_t macro);
  bool is_placed(int64_t macro) const;
  int64_t num_placed() const { return num_placed_; }

  /// Inside the canvas and no overlap (> 1e-9 µm in both axes) with another placed hard macro.
  bool is_legal(int64_t macro, double x, double y, Orientation o = Orientation::N) const;
  bool is_legal_cell(int64_t macro, int cell, Orientation o = Orientation::N) const;
  /// Mask over cells (1 = legal) for the macro's centre; O(cells + placed macros × covered cells).
  std::vector<uint8_t> legal_mask(int64_t macro, Orientation o = Orientation::N) const;
  /// Throws InputError naming the macro when no cell is legal.
  std::vector<uint8_t> require_legal_mask(int64_t macro, Orientation o = Orientation::N) const;

  /// Placement of the macros currently placed, written into `placement` (others untouched).
  void write_to(Placement& placement) const;

  /// Hard macros sorted by decreasing area (ties: file order): CT's placement order.
  std::vector<int64_t> macros_by_area() const;

  /// Grid selection without a .plc: canvas from the netlist's bounding box of fixed objects (ports)
  /// or a square of side sqrt(total area / 0.6); grid 10×10 when `paper_default`, otherwise the CT
  /// gridding rule (cells close to square, about `target_cells_per_macro` cells per hard macro, each
  /// cell at least as large as the smallest dimension rule allows), between 10 and 128 per side.
  static CanvasSpec choose_grid(const Netlist& netlist, bool paper_default = true,
                                double target_cells_per_macro = 4.0);

 private:
  struct Rect {
    double x0, y0, x1, y1;
  };
  Rect rect_of(int64_t macro, double x, double y, Orientation o) const;

  const Netlist* netlist_;
  CanvasSpec spec_;
  std::vector<int64_t> slot_;       ///< netlist node -> index in rects_ (-1 = not placed)
  std::vector<Rect> rects_;         ///< by hard-macro slot
  std::vector<uint8_t> placed_;     ///< by hard-macro slot
  std::vector<int64_t> hard_;       ///< slot -> netlist node
  std::vector<Orientation> orient_;
  int64_t num_placed_ = 0;
};

}  // namespace tessera::chip
