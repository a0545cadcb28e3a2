#include "tessera/graph/graph_generators.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/graph/graph_coarsener.h"

namespace tessera::partition {
namespace {

/// Keeps the largest connected component (ids renumbered in order).
graph::Graph largest_component(const graph::Graph& g) {
  const int64_t n = g.num_nodes();
  std::vector<int64_t> comp(n, -1), stack;
  int64_t best = -1, best_size = 0, c = 0;
  for (int64_t s = 0; s < n; ++s) {
    if (comp[s] >= 0) continue;
    int64_t size = 0;
    stack.push_back(s);
    comp[s] = c;
    while (!stack.empty()) {
      int64_t v = stack.back();
      stack.pop_back();
      ++size;
      for (int64_t a = g.begin(v); a < g.end(v); ++a)
        if (comp[g.neighbor(a)] < 0) {
          comp[g.neighbor(a)] = c;
          stack.push_back(g.neighbor(a));
        }
    }
    if (size > best_size) {
      best_size = size;
      best = c;
    }
    ++c;
  }
  if (c <= 1) return g;
  std::vector<int64_t> keep;
  for (int64_t v = 0; v < n; ++v)
    if (comp[v] == best) keep.push_back(v);
  auto sub = induced_subgraph(g, keep);
  // Drop the (unit) weights induced_subgraph attaches so that generated graphs stay unweighted.
  return graph::Graph(sub.xadj(), sub.adjncy());
}

graph::Graph unweighted(const graph::Graph& g) { return graph::Graph(g.xadj(), g.adjncy()); }

}  // namespace

graph::Graph grid_graph(int64_t rows, int64_t cols) {
  graph::GraphBuilder b(rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      if (c + 1 < cols) b.add_edge(r * cols + c, r * cols + c + 1);
      if (r + 1 < rows) b.add_edge(r * cols + c, (r + 1) * cols + c);
    }
  return unweighted(b.build());
}

graph::Graph grid3d_graph(int64_t nx, int64_t ny, int64_t nz) {
  auto id = [&](int64_t x, int64_t y, int64_t z) { return (z * ny + y) * nx + x; };
  graph::GraphBuilder b(nx * ny * nz);
  for (int64_t z = 0; z < nz; ++z)
    for (int64_t y = 0; y < ny; ++y)
      for (int64_t x = 0; x < nx; ++x) {
        if (x + 1 < nx) b.add_edge(id(x, y, z), id(x + 1, y, z));
        if (y + 1 < ny) b.add_edge(id(x, y, z), id(x, y + 1, z));
        if (z + 1 < nz) b.add_edge(id(x, y, z), id(x, y, z + 1));
      }
  return unweighted(b.build());
}

graph::Graph random_geometric_graph(int64_t n, double avg_degree, uint64_t seed) {
  Rng rng(derive_seed(seed, 1));
  std::vector<double> x(n), y(n);
  for (int64_t i = 0; i < n; ++i) {
    x[i] = uniform01(rng);
    y[i] = uniform01(rng);
  }
  const double r = std::sqrt(avg_degree / (M_PI * std::max<int64_t>(n, 1)));
  const int64_t cells = std::max<int64_t>(1, static_cast<int64_t>(1.0 / r));
  std::vector<std::vector<int64_t>> grid(cells * cells);
  auto cell = [&](double t) { return std::min(cells - 1, static_cast<int64_t>(t * cells)); };
  for (int64_t i = 0; i < n; ++i) grid[cell(y[i]) * cells + cell(x[i])].push_back(i);
  graph::GraphBuilder b(n);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t cx = cell(x[i]), cy = cell(y[i]);
    for (int64_t dy = -1; dy <= 1; ++dy)
      for (int64_t dx = -1; dx <= 1; ++dx) {
        const int64_t gx = cx + dx, gy = cy + dy;
        if (gx < 0 || gy < 0 || gx >= cells || gy >= cells) continue;
        for (int64_t j : grid[gy * cells + gx])
          if (j > i && (x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]) < r * r) b.add_edge(i, j);
      }
  }
  return largest_component(b.build());
}

graph::Graph triangulated_mesh(int64_t rows, int64_t cols, int holes, uint64_t seed) {
  Rng rng(derive_seed(seed, 2));
  std::vector<char> removed(rows * cols, 0);
  for (int h = 0; h < holes; ++h) {
    const double cr = uniform01(rng) * rows, cc = uniform01(rng) * cols;
    const double rad = (0.05 + 0.12 * uniform01(rng)) * std::min(rows, cols);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        if ((r - cr) * (r - cr) + (c - cc) * (c - cc) < rad * rad) removed[r * cols + c] = 1;
  }
  graph::GraphBuilder b(rows * cols);
  auto add = [&](int64_t u, int64_t v) {
    if (!removed[u] && !removed[v]) b.add_edge(u, v);
  };
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const int64_t v = r * cols + c;
      if (c + 1 < cols) add(v, v + 1);
      if (r + 1 < rows) add(v, v + cols);
      if (r + 1 < rows && c + 1 < cols) {
        if (uniform01(rng) < 0.5) add(v, v + cols + 1);
        else add(v + 1, v + cols);
      }
    }
  return largest_component(b.build());
}

graph::Graph barabasi_albert_graph(int64_t n, int attach, uint64_t seed) {
  if (attach < 1) throw UsageError("barabasi_albert_graph: attach must be >= 1");
  Rng rng(derive_seed(seed, 3));
  graph::GraphBuilder b(n);
  std::vector<int64_t> ends;  // every edge endpoint once: sampling from it is degree-proportional
  const int64_t core = std::min<int64_t>(n, attach + 1);
  for (int64_t i = 0; i < core; ++i)
    for (int64_t j = i + 1; j < core; ++j) {
      b.add_edge(i, j);
      ends.push_back(i);
      ends.push_back(j);
    }
  std::vector<int64_t> chosen;
  for (int64_t v = core; v < n; ++v) {
    chosen.clear();
    while (static_cast<int64_t>(chosen.size()) < std::min<int64_t>(attach, v)) {
      int64_t u = ends[uniform_int(rng, static_cast<int64_t>(ends.size()))];
      if (std::find(chosen.begin(), chosen.end(), u) == chosen.end()) chosen.push_back(u);
    }
    for (int64_t u : chosen) {
      b.add_edge(v, u);
      ends.push_back(v);
      ends.push_back(u);
    }
  }
  return unweighted(b.build());
}

graph::Graph computation_dag(int64_t layers, int64_t width, uint64_t seed) {
  Rng rng(derive_seed(seed, 4));
  std::vector<int64_t> start{0};
  for (int64_t l = 0; l < layers; ++l) {
    const int64_t w = std::max<int64_t>(1, width / 2 + uniform_int(rng, width + 1));
    start.push_back(start.back() + w);
  }
  const int64_t n = start.back();
  graph::GraphBuilder b(n);
  for (int64_t l = 1; l < layers; ++l) {
    for (int64_t v = start[l]; v < start[l + 1]; ++v) {
      const int fan_in = 1 + static_cast<int>(uniform_int(rng, 3));
      const double pos = static_cast<double>(v - start[l]) / (start[l + 1] - start[l]);
      for (int f = 0; f < fan_in; ++f) {
        const int64_t pl = (l >= 2 && uniform01(rng) < 0.25) ? l - 2 : l - 1;
        const int64_t pw = start[pl + 1] - start[pl];
        // Mostly local reads (ops near the same position), as in unrolled layers of a network.
        int64_t center = static_cast<int64_t>(pos * pw);
        int64_t off = static_cast<int64_t>(std::lround((uniform01(rng) - 0.5) * std::min<int64_t>(pw, 6)));
        int64_t u = start[pl] + std::clamp<int64_t>(center + off, 0, pw - 1);
        b.add_edge(u, v);
      }
      if (l >= 4 && uniform01(rng) < 0.03) {
        const int64_t sl = uniform_int(rng, l - 2);
        b.add_edge(start[sl] + uniform_int(rng, start[sl + 1] - start[sl]), v);
      }
    }
  }
  return largest_component(b.build());
}

const std::vector<std::string>& generator_names() {
  static const std::vector<std::string> names{"grid", "grid3d", "rgg", "mesh", "ba", "dag"};
  return names;
}

graph::Graph generate_graph(const std::string& name, int64_t n, uint64_t seed) {
  if (n < 16) throw UsageError("generate_graph: n must be >= 16, got " + std::to_string(n));
  Rng rng(derive_seed(seed, 5));
  if (name == "grid") {
    const double aspect = 0.5 + uniform01(rng);
    const int64_t rows = std::max<int64_t>(2, std::lround(std::sqrt(n * aspect)));
    return grid_graph(rows, std::max<int64_t>(2, n / rows));
  }
  if (name == "grid3d") {
    const int64_t s = std::max<int64_t>(2, std::lround(std::cbrt(static_cast<double>(n))));
    return grid3d_graph(s, s, std::max<int64_t>(2, n / (s * s)));
  }
  if (name == "rgg") return random_geometric_graph(n, 6.0 + 4.0 * uniform01(rng), seed);
  if (name == "mesh") {
    const double aspect = 0.4 + 1.2 * uniform01(rng);
    const int64_t rows = std::max<int64_t>(4, std::lround(std::sqrt(n * 1.15 * aspect)));
    return triangulated_mesh(rows, std::max<int64_t>(4, static_cast<int64_t>(n * 1.15) / rows),
                             static_cast<int>(uniform_int(rng, 4)), seed);
  }
  if (name == "ba") return barabasi_albert_graph(n, 2 + static_cast<int>(uniform_int(rng, 3)), seed);
  if (name == "dag") {
    const int64_t width = 4 + uniform_int(rng, 28);
    return computation_dag(std::max<int64_t>(3, n / width), width, seed);
  }
  throw UsageError("unknown graph family '" + name + "' (expected grid, grid3d, rgg, mesh, ba or dag)");
}

graph::Graph random_training_graph(const std::vector<std::string>& families, int64_t n_min, int64_t n_max,
                                   uint64_t seed, std::string* family) {
  Rng rng(derive_seed(seed, 6));
  const auto& pool = families.empty() ? generator_names() : families;
  const std::string& name = pool[uniform_int(rng, static_cast<int64_t>(pool.size()))];
  const int64_t n = n_min + uniform_int(rng, std::max<int64_t>(1, n_max - n_min + 1));
  if (family) *family = name;
  return generate_graph(name, n, derive_seed(seed, 7));
}

}  // namespace tessera::partition
