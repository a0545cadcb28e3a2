#include "tessera/io/csv_reader.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <string_view>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"

namespace tessera::cluster {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

void split_fields(std::string_view line, char sep, std::vector<std::string_view>& out) {
  out.clear();
  size_t start = 0;
  while (true) {
    size_t pos = line.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(trim(line.substr(start)));
      return;
    }
    out.push_back(trim(line.substr(start, pos - start)));
    start = pos + 1;
  }
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

}  // namespace

Dataset read_csv_dataset(const std::string& path, const CsvOptions& options) {
  TextReader reader(path);
  std::string line;
  std::vector<std::string_view> fields;
  // First non-blank line: header or data.
  bool have_first = false;
  while (reader.next_line(line)) {
    if (!is_blank(line)) {
      have_first = true;
      break;
    }
  }
  if (!have_first) throw InputError(path, 0, "empty file: expected a header row and at least one data row");
  split_fields(line, options.separator, fields);
  const int64_t columns = static_cast<int64_t>(fields.size());
  bool header = false;
  for (auto f : fields) {
    double v;
    if (!parse_double(f, v)) header = true;
  }
  std::vector<std::string> names;
  for (int64_t c = 0; c < columns; ++c) {
    if (header) {
      if (fields[c].empty()) reader.fail(fmt::format("header column {} has an empty name", c + 1));
      names.emplace_back(fields[c]);
    } else {
      names.push_back(fmt::format("c{}", c));
    }
  }

  int64_t label_col = -1;
  if (!options.label_column.empty()) {
    const auto& spec = options.label_column;
    for (int64_t c = 0; c < columns; ++c)
      if (header && names[c] == spec) label_col = c;
    int64_t index;
    if (label_col < 0 && spec == "last") label_col = columns - 1;
    if (label_col < 0 && spec == "first") label_col = 0;
    if (label_col < 0 && parse_int(spec, index)) {
      if (index < 0 || index >= columns)
        throw InputError(path, reader.line_number(),
                         fmt::format("label column index {} is outside the {} columns", index, columns));
      label_col = index;
    }
    if (label_col < 0)
      throw InputError(path, reader.line_number(),
                       fmt::format("no column named '{}' in the header (expected a column name, a 0-based "
                                   "index, 'first' or 'last')",
                                   spec));
  }
  const int64_t dims = columns - (label_col >= 0 ? 1 : 0);
  if (dims < 1) throw InputError(path, reader.line_number(), "no feature columns");

  std::vector<float> values;
  std::vector<int64_t> labels;
  std::map<std::string, int64_t> label_ids;
  bool numeric_labels = true;
  std::vector<std::string> raw_labels;
  auto parse_row = [&](int64_t line_no) {
    if (static_cast<int64_t>(fields.size()) != columns)
      throw InputError(path, line_no,
                       fmt::format("ragged row: expected {} comma-separated fields (as in the {}), found {}",
                                   columns, header ? "header" : "first row", fields.size()));
    for (int64_t c = 0; c < columns; ++c) {
      if (c == label_col) {
        if (fields[c].empty()) throw InputError(path, line_no, fmt::format("empty label in column '{}'", names[c]));
        raw_labels.emplace_back(fields[c]);
        int64_t id;
        if (!parse_int(fields[c], id) || id < 0) numeric_labels = false;
        continue;
      }
      double v;
      if (!parse_double(fields[c], v))
        throw InputError(path, line_no,
                         fmt::format("column {} ('{}'): '{}' is not a number", c + 1, names[c], fields[c]));
      if (!std::isfinite(v))
        throw InputError(path, line_no,
                         fmt::format("column {} ('{}'): {} — features must be finite numbers", c + 1, names[c],
                                     fields[c]));
      values.push_back(static_cast<float>(v));
    }
  };
  if (!header) parse_row(reader.line_number());
  while (reader.next_line(line)) {
    if (is_blank(line)) continue;
    split_fields(line, options.separator, fields);
    parse_row(reader.line_number());
  }
  const int64_t n = static_cast<int64_t>(values.size()) / dims;
  if (n == 0) throw InputError(path, reader.line_number(), "no data rows after the header");
  if (label_col >= 0) {
    labels.reserve(raw_labels.size());
    for (const auto& s : raw_labels) {
      int64_t id;
      if (numeric_labels && parse_int(s, id)) {
        labels.push_back(id);
      } else {
        auto it = label_ids.emplace(s, static_cast<int64_t>(label_ids.size())).first;
        labels.push_back(it->second);
      }
    }
  }
  std::vector<std::string> feature_names;
  for (int64_t c = 0; c < columns; ++c)
    if (c != label_col) feature_names.push_back(names[c]);
  auto x = torch::from_blob(values.data(), {n, dims}, torch::kFloat32).clone();
  return Dataset(path, x, std::move(labels), std::move(feature_names));
}

void write_labels(const std::string& path, const std::vector<int64_t>& labels) {
  write_file_atomic(path, [&](std::ostream& out) {
    for (int64_t l : labels) out << l << '\n';
  });
}

}  // namespace tessera::cluster
