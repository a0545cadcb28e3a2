#pragma once
// The table of proven optima shipped with the benchmark data (bpplib_optima.csv: columns
// set,instance,n,capacity,...,optimum,file). Looked up by instance name = file stem.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace tessera::binpack {

class OptimaTable {
 public:
  /// Reads the CSV; InputError on a missing column or a non-integer optimum.
  static OptimaTable read(const std::string& path);
  /// Looks for bpplib_optima.csv in the instance file's directory and up to three parents; an
  /// empty table when there is none.
  static OptimaTable find_near(const std::string& instance_path);

  std::optional<int64_t> optimum(const std::string& instance_name) const;
  /// Benchmark set of an instance ("Falkenauer_T", "Hard28", ...), "" when unknown.
  std::string set_of(const std::string& instance_name) const;
  size_t size() const { return optimum_.size(); }

 private:
  std::map<std::string, int64_t> optimum_;
  std::map<std::string, std::string> set_;
};

}  // namespace tessera::binpack
