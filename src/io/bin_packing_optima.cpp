#include "tessera/io/bin_packing_optima.h"

#include <fmt/format.h>

#include <filesystem>

#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"

namespace tessera::binpack {
namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  for (char ch : line) {
    if (ch == ',') out.emplace_back();
    else out.back() += ch;
  }
  return out;
}

}  // namespace

OptimaTable OptimaTable::read(const std::string& path) {
  TextReader reader(path);
  std::string line;
  if (!reader.next_line(line)) reader.fail("empty file: expected a header row");
  auto header = split_csv(line);
  int col_set = -1, col_inst = -1, col_opt = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "set") col_set = static_cast<int>(i);
    if (header[i] == "instance") col_inst = static_cast<int>(i);
    if (header[i] == "optimum") col_opt = static_cast<int>(i);
  }
  if (col_inst < 0 || col_opt < 0) reader.fail("header: expected columns 'instance' and 'optimum'");
  OptimaTable table;
  while (reader.next_line(line)) {
    if (line.empty()) continue;
    auto f = split_csv(line);
    if (f.size() != header.size())
      reader.fail(fmt::format("expected {} comma-separated fields, got {}", header.size(), f.size()));
    int64_t opt;
    if (!parse_int(f[col_opt], opt) || opt <= 0)
      reader.fail(fmt::format("field 'optimum': expected a positive integer, got '{}'", f[col_opt]));
    table.optimum_[f[col_inst]] = opt;
    if (col_set >= 0) table.set_[f[col_inst]] = f[col_set];
  }
  return table;
}

OptimaTable OptimaTable::find_near(const std::string& instance_path) {
  namespace fs = std::filesystem;
  fs::path dir = fs::absolute(fs::path(instance_path)).parent_path();
  for (int up = 0; up <= 3 && !dir.empty(); ++up) {
    fs::path candidate = dir / "bpplib_optima.csv";
    if (fs::exists(candidate)) return read(candidate.string());
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return {};
}

std::optional<int64_t> OptimaTable::optimum(const std::string& instance_name) const {
  auto it = optimum_.find(instance_name);
  if (it == optimum_.end()) return std::nullopt;
  return it->second;
}

std::string OptimaTable::set_of(const std::string& instance_name) const {
  auto it = set_.find(instance_name);
  return it == set_.end() ? std::string() : it->second;
}

}  // namespace tessera::binpack
