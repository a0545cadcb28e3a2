#include "tessera/cost/hungarian.h"

#include <fmt/format.h>

#include <limits>

#include "tessera/core/error.h"

namespace tessera::cluster {

std::vector<int64_t> hungarian_min_cost(const std::vector<std::vector<double>>& cost) {
  const int64_t r = static_cast<int64_t>(cost.size());
  if (r == 0) return {};
  const int64_t c = static_cast<int64_t>(cost[0].size());
  for (const auto& row : cost)
    if (static_cast<int64_t>(row.size()) != c) throw Error("hungarian: ragged cost matrix");
  if (r > c) throw Error(fmt::format("hungarian: {} rows cannot be assigned to {} columns", r, c));
  const double inf = std::numeric_limits<double>::infinity();
  // 1-based arrays; u, v are the row / column potentials, p[j] the row matched to column j.
  std::vector<double> u(r + 1, 0.0), v(c + 1, 0.0);
  std::vector<int64_t> p(c + 1, 0), way(c + 1, 0);
  for (int64_t i = 1; i <= r; ++i) {
    p[0] = i;
    int64_t j0 = 0;
    std::vector<double> minv(c + 1, inf);
    std::vector<char> used(c + 1, 0);
    do {
      used[j0] = 1;
      const int64_t i0 = p[j0];
      double delta = inf;
      int64_t j1 = 0;
      for (int64_t j = 1; j <= c; ++j) {
        if (used[j]) continue;
        const double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int64_t j = 0; j <= c; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int64_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int64_t> assignment(r, -1);
  for (int64_t j = 1; j <= c; ++j)
    if (p[j] != 0) assignment[p[j] - 1] = j - 1;
  return assignment;
}

std::vector<int64_t> hungarian_max_weight(const std::vector<std::vector<double>>& weight) {
  auto cost = weight;
  for (auto& row : cost)
    for (auto& x : row) x = -x;
  return hungarian_min_cost(cost);
}

}  // namespace tessera::cluster
