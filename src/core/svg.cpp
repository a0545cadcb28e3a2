#include "tessera/core/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tessera/core/atomic_file.h"

namespace tessera::svg {

namespace {
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string tick_label(double v) {
  char buf[32];
  double a = std::fabs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-2))
    std::snprintf(buf, sizeof buf, "%.2g", v);
  else
    std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}
}  // namespace

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

Document::Document(double width, double height) : width_(width), height_(height) {}

void Document::rect(double x, double y, double w, double h, const std::string& fill, const std::string& stroke,
                    double stroke_width, double opacity, const std::string& title) {
  body_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
           "\" fill=\"" + fill + "\"";
  if (stroke != "none") body_ += " stroke=\"" + stroke + "\" stroke-width=\"" + num(stroke_width) + "\"";
  if (opacity < 1.0) body_ += " fill-opacity=\"" + num(opacity) + "\"";
  if (title.empty()) {
    body_ += "/>\n";
  } else {
    body_ += "><title>" + escape(title) + "</title></rect>\n";
  }
}

void Document::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width) {
  body_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
           "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\"/>\n";
}

void Document::circle(double cx, double cy, double r, const std::string& fill) {
  body_ += "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(r) + "\" fill=\"" + fill + "\"/>\n";
}

void Document::polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                        double width) {
  body_ += "<polyline fill=\"none\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\" points=\"";
  for (const auto& [x, y] : points) body_ += num(x) + "," + num(y) + " ";
  body_ += "\"/>\n";
}

void Document::text(double x, double y, const std::string& t, double size, const std::string& anchor,
                    const std::string& fill) {
  body_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(size) +
           "\" font-family=\"sans-serif\" text-anchor=\"" + anchor + "\" fill=\"" + fill + "\">" + escape(t) +
           "</text>\n";
}

std::string Document::str() const {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width_) + "\" height=\"" + num(height_) +
         "\" viewBox=\"0 0 " + num(width_) + " " + num(height_) + "\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" +
         body_ + "</svg>\n";
}

void Document::save(const std::string& path) const {
  std::string s = str();
  write_file_atomic(path, [&](std::ostream& out) { out << s; });
}

std::string heat_color(double t) {
  // Piecewise-linear approximation of viridis through five anchor colours.
  static const double anchors[5][3] = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4.0;
  int i = std::min(3, static_cast<int>(t));
  double f = t - i;
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x",
                static_cast<int>(anchors[i][0] + f * (anchors[i + 1][0] - anchors[i][0])),
                static_cast<int>(anchors[i][1] + f * (anchors[i + 1][1] - anchors[i][1])),
                static_cast<int>(anchors[i][2] + f * (anchors[i + 1][2] - anchors[i][2])));
  return buf;
}

std::string category_color(int i) {
  static const char* palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                                  "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b"};
  return palette[((i % 12) + 12) % 12];
}

Document line_plot(const std::string& title, const std::string& x_label, const std::string& y_label,
                   const std::vector<Series>& series, double width, double height) {
  Document doc(width, height);
  const double left = 70, right = 150, top = 30, bottom = 50;
  double pw = width - left - right, ph = height - top - bottom;
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      xmin = std::min(xmin, x), xmax = std::max(xmax, x);
      ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
  if (!std::isfinite(xmin)) xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  if (xmax == xmin) xmax = xmin + 1;
  if (ymax == ymin) ymax = ymin + 1;
  double ypad = 0.05 * (ymax - ymin);
  ymin -= ypad, ymax += ypad;
  auto sx = [&](double x) { return left + (x - xmin) / (xmax - xmin) * pw; };
  auto sy = [&](double y) { return top + ph - (y - ymin) / (ymax - ymin) * ph; };
  doc.text(width / 2, 18, title, 14, "middle");
  doc.rect(left, top, pw, ph, "none", "#444", 1);
  for (int i = 0; i <= 5; ++i) {
    double xv = xmin + i * (xmax - xmin) / 5, yv = ymin + i * (ymax - ymin) / 5;
    doc.line(sx(xv), top + ph, sx(xv), top + ph + 4, "#444");
    doc.text(sx(xv), top + ph + 16, tick_label(xv), 10, "middle");
    doc.line(left - 4, sy(yv), left, sy(yv), "#444");
    doc.line(left, sy(yv), left + pw, sy(yv), "#eee");
    doc.text(left - 6, sy(yv) + 3, tick_label(yv), 10, "end");
  }
  doc.text(left + pw / 2, height - 10, x_label, 12, "middle");
  doc.text(14, top + ph / 2, y_label, 12, "start");
  for (size_t k = 0; k < series.size(); ++k) {
    std::vector<std::pair<double, double>> pts;
    for (const auto& [x, y] : series[k].points)
      if (std::isfinite(x) && std::isfinite(y)) pts.emplace_back(sx(x), sy(y));
    doc.polyline(pts, category_color(static_cast<int>(k)));
    doc.rect(left + pw + 10, top + 10 + 18 * k, 12, 12, category_color(static_cast<int>(k)));
    doc.text(left + pw + 26, top + 20 + 18 * k, series[k].name, 11);
  }
  return doc;
}

}  // namespace tessera::svg
