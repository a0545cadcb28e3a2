#pragma once
// CSV data sets for clustering: comma-separated numeric features, one point per line, plain or gzip.
//
// The first line is a header naming the columns unless every one of its fields is a number (then the
// file has no header and the columns are called c0, c1, ...). An optional label column holds the
// ground truth (integers or class names; names are numbered in order of first appearance). Every row
// must have the header's field count; every feature must be a finite number. Errors name file, line and
// column.
#include <string>

#include "tessera/problems/cluster_dataset.h"

namespace tessera::cluster {

struct CsvOptions {
  /// Label column: a header name, a 0-based column index, "last" or "first"; empty = no labels.
  std::string label_column;
  /// Field separator.
  char separator = ',';
};

/// Reads the file into a Dataset named after the file. Throws InputError(path, line, ...) on bad data.
Dataset read_csv_dataset(const std::string& path, const CsvOptions& options = {});

/// Writes one 0-based cluster id per line, atomically.
void write_labels(const std::string& path, const std::vector<int64_t>& labels);

}  // namespace tessera::cluster
