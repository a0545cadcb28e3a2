#pragma once
// Minimal SVG writer shared by every picture Tessera draws (training curves, Gantt charts, chip
// canvases, partitions): shapes in user coordinates, a colour map, and a line-plot helper.
#include <string>
#include <utility>
#include <vector>

namespace tessera::svg {

class Document {
 public:
  Document(double width, double height);
  void rect(double x, double y, double w, double h, const std::string& fill,
            const std::string& stroke = "none", double stroke_width = 0, double opacity = 1.0,
            const std::string& title = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1);
  void circle(double cx, double cy, double r, const std::string& fill);
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                double width = 1.5);
  void text(double x, double y, const std::string& text, double size = 12,
            const std::string& anchor = "start", const std::string& fill = "#222");
  std::string str() const;
  /// Writes atomically.
  void save(const std::string& path) const;

 private:
  double width_, height_;
  std::string body_;
};

/// Colour for a value in [0, 1] on a perceptual blue-to-yellow ramp (viridis-like).
std::string heat_color(double t);
/// Distinct categorical colour number i.
std::string category_color(int i);
/// Escapes &, <, > and quotes for text content.
std::string escape(const std::string& s);

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;
};

/// A line plot with axes, ticks, labels and a legend.
Document line_plot(const std::string& title, const std::string& x_label, const std::string& y_label,
                   const std::vector<Series>& series, double width = 640, double height = 400);

}  // namespace tessera::svg
