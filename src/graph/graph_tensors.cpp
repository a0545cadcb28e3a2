#include "tessera/graph/graph_tensors.h"

namespace tessera::graph {

EdgeIndex edge_index(const Graph& g, bool add_reverse) {
  const int64_t arcs = g.num_arcs();
  const bool rev = add_reverse && g.directed();
  const int64_t total = rev ? 2 * arcs : arcs;
  auto src = torch::empty({total}, torch::kInt64);
  auto dst = torch::empty({total}, torch::kInt64);
  auto w = torch::empty({total}, torch::kFloat32);
  auto* ps = src.data_ptr<int64_t>();
  auto* pd = dst.data_ptr<int64_t>();
  auto* pw = w.data_ptr<float>();
  for (int64_t v = 0; v < g.num_nodes(); ++v) {
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      // Stored arc v -> u: the message from v reaches u.
      ps[a] = v;
      pd[a] = g.neighbor(a);
      pw[a] = static_cast<float>(g.edge_weight(a));
      if (rev) {
        ps[arcs + a] = g.neighbor(a);
        pd[arcs + a] = v;
        pw[arcs + a] = pw[a];
      }
    }
  }
  return {src, dst, w, g.num_nodes()};
}

torch::Tensor sparse_adjacency(const EdgeIndex& e) {
  auto idx = torch::stack({e.dst, e.src});
  return torch::sparse_coo_tensor(idx, e.weight, {e.num_nodes, e.num_nodes}).coalesce();
}

torch::Tensor sum_aggregate(const torch::Tensor& x, const EdgeIndex& e) {
  auto msgs = x.index_select(0, e.src) * e.weight.unsqueeze(1).to(x.dtype());
  return torch::zeros({e.num_nodes, x.size(1)}, x.options()).index_add(0, e.dst, msgs);
}

torch::Tensor mean_aggregate(const torch::Tensor& x, const EdgeIndex& e) {
  auto summed = sum_aggregate(x, e);
  auto norm = torch::zeros({e.num_nodes}, x.options()).index_add(0, e.dst, e.weight.to(x.dtype()));
  return summed / norm.clamp_min(1e-12).unsqueeze(1);
}

torch::Tensor node_weight_tensor(const Graph& g) {
  auto t = torch::empty({g.num_nodes(), g.ncon()}, torch::kFloat32);
  auto* p = t.data_ptr<float>();
  for (int64_t v = 0; v < g.num_nodes(); ++v)
    for (int c = 0; c < g.ncon(); ++c) p[v * g.ncon() + c] = static_cast<float>(g.node_weight(v, c));
  return t;
}

torch::Tensor weighted_degree_tensor(const Graph& g) {
  auto t = torch::empty({g.num_nodes()}, torch::kFloat32);
  auto* p = t.data_ptr<float>();
  for (int64_t v = 0; v < g.num_nodes(); ++v) p[v] = static_cast<float>(g.weighted_degree(v));
  return t;
}

}  // namespace tessera::graph
