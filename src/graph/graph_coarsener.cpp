#include "tessera/graph/graph_coarsener.h"

#include <algorithm>
#include <numeric>

namespace tessera::partition {

CoarseLevel coarsen_once(const graph::Graph& g, const std::vector<int>* part, double max_node_weight, Rng& rng) {
  const int64_t n = g.num_nodes();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<int64_t> mate(n, -1);
  for (int64_t v : order) {
    if (mate[v] >= 0) continue;
    int64_t best = -1;
    double best_rating = 0;
    const double cv = std::max(g.node_weight(v), 1e-9);
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      const int64_t u = g.neighbor(a);
      if (mate[u] >= 0 || u == v) continue;
      if (part && (*part)[u] != (*part)[v]) continue;
      if (g.node_weight(u) + g.node_weight(v) > max_node_weight) continue;
      const double w = g.edge_weight(a);
      const double rating = w * w / (cv * std::max(g.node_weight(u), 1e-9));
      if (rating > best_rating) {
        best_rating = rating;
        best = u;
      }
    }
    if (best >= 0) {
      mate[v] = best;
      mate[best] = v;
    } else {
      mate[v] = v;
    }
  }
  CoarseLevel level;
  level.fine_to_coarse.assign(n, -1);
  int64_t nc = 0;
  for (int64_t v = 0; v < n; ++v) {
    if (level.fine_to_coarse[v] >= 0) continue;
    level.fine_to_coarse[v] = nc;
    level.fine_to_coarse[mate[v]] = nc;
    ++nc;
  }
  std::vector<int64_t> members_start(nc + 1, 0), members(n);
  for (int64_t v = 0; v < n; ++v) ++members_start[level.fine_to_coarse[v] + 1];
  std::partial_sum(members_start.begin(), members_start.end(), members_start.begin());
  {
    std::vector<int64_t> fill(members_start.begin(), members_start.end() - 1);
    for (int64_t v = 0; v < n; ++v) members[fill[level.fine_to_coarse[v]]++] = v;
  }
  std::vector<int64_t> xadj{0}, adjncy;
  std::vector<double> ew, nw(nc, 0.0);
  xadj.reserve(nc + 1);
  adjncy.reserve(g.num_arcs());
  ew.reserve(g.num_arcs());
  std::vector<int64_t> slot(nc, -1);
  for (int64_t c = 0; c < nc; ++c) {
    const int64_t start = static_cast<int64_t>(adjncy.size());
    for (int64_t i = members_start[c]; i < members_start[c + 1]; ++i) {
      const int64_t v = members[i];
      nw[c] += g.node_weight(v);
      for (int64_t a = g.begin(v); a < g.end(v); ++a) {
        const int64_t cu = level.fine_to_coarse[g.neighbor(a)];
        if (cu == c) continue;
        if (slot[cu] < start) {
          slot[cu] = static_cast<int64_t>(adjncy.size());
          adjncy.push_back(cu);
          ew.push_back(g.edge_weight(a));
        } else {
          ew[slot[cu]] += g.edge_weight(a);
        }
      }
    }
    xadj.push_back(static_cast<int64_t>(adjncy.size()));
  }
  level.graph = graph::Graph(std::move(xadj), std::move(adjncy), std::move(nw), std::move(ew));
  return level;
}

graph::Graph induced_subgraph(const graph::Graph& g, const std::vector<int64_t>& nodes) {
  std::vector<int64_t> local(g.num_nodes(), -1);
  for (size_t i = 0; i < nodes.size(); ++i) local[nodes[i]] = static_cast<int64_t>(i);
  std::vector<int64_t> xadj{0}, adjncy;
  std::vector<double> ew, nw;
  xadj.reserve(nodes.size() + 1);
  nw.reserve(nodes.size());
  for (int64_t v : nodes) {
    nw.push_back(g.node_weight(v));
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      const int64_t u = local[g.neighbor(a)];
      if (u < 0) continue;
      adjncy.push_back(u);
      ew.push_back(g.edge_weight(a));
    }
    xadj.push_back(static_cast<int64_t>(adjncy.size()));
  }
  return graph::Graph(std::move(xadj), std::move(adjncy), std::move(nw), std::move(ew));
}

}  // namespace tessera::partition
