#include "tessera/learn/training_log.h"

#include <sstream>

#include "tessera/core/atomic_file.h"
#include "tessera/core/svg.h"

namespace tessera::learn {

TrainingLog::TrainingLog(std::string prefix) : prefix_(std::move(prefix)) {}

void TrainingLog::add(int64_t iteration, int64_t samples, double wall_seconds,
                      const std::map<std::string, double>& metrics) {
  rows_.push_back({iteration, samples, wall_seconds, metrics});
  flush();
}

Json TrainingLog::to_json() const {
  Json rows = Json::array();
  for (const auto& r : rows_) {
    Json row = {{"iteration", r.iteration}, {"samples", r.samples}, {"wall_s", r.wall}};
    for (const auto& [k, v] : r.metrics) row[k] = v;
    rows.push_back(row);
  }
  return rows;
}

void TrainingLog::from_json(const Json& rows) {
  rows_.clear();
  for (const auto& row : rows) {
    Row r{row.value("iteration", int64_t{0}), row.value("samples", int64_t{0}), row.value("wall_s", 0.0), {}};
    for (const auto& [k, v] : row.items())
      if (k != "iteration" && k != "samples" && k != "wall_s" && v.is_number()) r.metrics[k] = v.get<double>();
    rows_.push_back(r);
  }
}

void TrainingLog::flush() const {
  if (prefix_.empty() || rows_.empty()) return;
  write_file_atomic(prefix_ + ".csv", [&](std::ostream& out) {
    out << "iteration,samples,wall_s";
    for (const auto& [k, v] : rows_.front().metrics) out << "," << k;
    out << "\n";
    for (const auto& r : rows_) {
      out << r.iteration << "," << r.samples << "," << r.wall;
      for (const auto& [k, v] : rows_.front().metrics) {
        auto it = r.metrics.find(k);
        out << "," << (it == r.metrics.end() ? 0.0 : it->second);
      }
      out << "\n";
    }
  });
  write_json_file(prefix_ + ".json", to_json());
}

void TrainingLog::plot(const std::string& metric, const std::string& title) const {
  if (prefix_.empty()) return;
  svg::Series by_samples{metric, {}}, by_wall{metric, {}};
  for (const auto& r : rows_) {
    auto it = r.metrics.find(metric);
    if (it == r.metrics.end()) continue;
    by_samples.points.emplace_back(static_cast<double>(r.samples), it->second);
    by_wall.points.emplace_back(r.wall, it->second);
  }
  auto a = svg::line_plot(title + " vs samples", "samples", metric, {by_samples});
  auto b = svg::line_plot(title + " vs wall-clock", "seconds", metric, {by_wall});
  // Stack the two plots vertically in one SVG.
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"800\">\n<g>" + a.str() +
                  "</g>\n<g transform=\"translate(0,400)\">" + b.str() + "</g>\n</svg>\n";
  write_file_atomic(prefix_ + "_" + metric + ".svg", [&](std::ostream& out) { out << s; });
}

}  // namespace tessera::learn
