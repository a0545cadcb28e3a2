#pragma once
// One-dimensional bin packing: n items with integer weights w_j > 0 go into bins of capacity c so
// that no bin's load exceeds c; the number of bins used is minimised. A Packing stores the bin of
// every item; bins are numbered 0..bins-1 without gaps.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessera::binpack {

struct BinPackingInstance {
  std::string name;                   ///< instance name (file stem or the OR-Library identifier)
  std::string source;                 ///< file it came from ("" for generated instances)
  int64_t capacity = 0;               ///< bin capacity c
  std::vector<int64_t> weights;       ///< item weights, 0 < w_j <= c
  std::optional<int64_t> best_known;  ///< best-known bin count given by the file (OR-Library)
  std::optional<int64_t> optimum;     ///< proven optimum (bpplib_optima.csv or --optimum)
  double scale = 1.0;                 ///< weights were multiplied by this to make them integers

  int64_t size() const { return static_cast<int64_t>(weights.size()); }
  int64_t total_weight() const;
  /// Throws InputError(source, 0, ...) when empty, a weight is <= 0 or exceeds the capacity.
  void validate() const;
};

/// An assignment of items to bins, with the bin loads kept in step.
struct Packing {
  std::vector<int32_t> bin_of;  ///< bin of item j
  std::vector<int64_t> loads;   ///< load of bin b
  int64_t bins() const { return static_cast<int64_t>(loads.size()); }
};

/// Builds a packing from item -> bin labels (any non-negative labels; renumbered densely in order of
/// first use). Throws tessera::Error when a label is negative or the size does not match.
Packing packing_from_assignment(const BinPackingInstance& instance, const std::vector<int32_t>& bin_of);

/// Renumbers bins densely (drops empty bins), keeping the relative order of the non-empty ones.
void compact_packing(Packing& packing);

/// Empty string when `packing` is a feasible packing of `instance` (every item in one bin, loads
/// consistent, no load above capacity); otherwise a description of the first violation.
std::string check_packing(const BinPackingInstance& instance, const Packing& packing);

}  // namespace tessera::binpack
