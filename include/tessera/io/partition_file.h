#pragma once
// Partition files in METIS' output format: line i holds the 0-based block id of node i (1-based
// line order). On reading, lines starting with '%' (Walshaw archive comments) are skipped.
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::partition {

/// Writes one block id per line, atomically.
void write_partition(const std::string& path, const std::vector<int>& part);

/// Reads a partition of `num_nodes` nodes; when k > 0 every id must lie in [0, k). Throws InputError
/// naming file and line for a non-integer or out-of-range id and for too few or too many lines.
std::vector<int> read_partition(const std::string& path, int64_t num_nodes, int k = 0);

}  // namespace tessera::partition
