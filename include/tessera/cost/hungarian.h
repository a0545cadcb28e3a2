#pragma once
// The assignment problem by the Hungarian method (Kuhn–Munkres with potentials, O(r² c)).
#include <cstdint>
#include <vector>

namespace tessera::cluster {

/// Minimum-cost assignment of every row to a distinct column of cost [r][c] (r <= c).
/// Returns the column of each row. Throws tessera::Error when r > c or rows are ragged.
std::vector<int64_t> hungarian_min_cost(const std::vector<std::vector<double>>& cost);

/// Maximum-weight version (profit instead of cost), same contract.
std::vector<int64_t> hungarian_max_weight(const std::vector<std::vector<double>>& weight);

}  // namespace tessera::cluster
