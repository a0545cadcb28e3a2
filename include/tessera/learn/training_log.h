#pragma once
// Training log shared by every learner: one row per iteration with the sample count, wall-clock and
// named metrics; written as CSV and JSON (atomically, after every row, so a killed run keeps its log)
// and drawn as SVG curves of a chosen metric against samples and against wall-clock.
#include <map>
#include <string>
#include <vector>

#include "tessera/core/json.h"

namespace tessera::learn {

class TrainingLog {
 public:
  /// prefix: output path without extension ("" = keep in memory only). Writes prefix.csv,
  /// prefix.json and, on plot(), prefix_<metric>.svg.
  explicit TrainingLog(std::string prefix = "");

  /// Appends one row. Metric names must be the same for every row.
  void add(int64_t iteration, int64_t samples, double wall_seconds, const std::map<std::string, double>& metrics);
  /// Rows restored from a checkpoint (resume) are passed back in with from_json.
  Json to_json() const;
  void from_json(const Json& rows);

  /// Two SVG plots (metric vs samples, metric vs wall-clock) in one file prefix_<metric>.svg.
  void plot(const std::string& metric, const std::string& title) const;
  size_t size() const { return rows_.size(); }

 private:
  struct Row {
    int64_t iteration, samples;
    double wall;
    std::map<std::string, double> metrics;
  };
  void flush() const;

  std::string prefix_;
  std::vector<Row> rows_;
};

}  // namespace tessera::learn
