#include "tessera/graph/graph.h"

#include <algorithm>
#include <numeric>

#include "tessera/core/error.h"

namespace tessera::graph {

Graph::Graph(std::vector<int64_t> xadj, std::vector<int64_t> adjncy, std::vector<double> node_weights,
             std::vector<double> edge_weights, int ncon, bool directed)
    : xadj_(std::move(xadj)),
      adjncy_(std::move(adjncy)),
      node_weights_(std::move(node_weights)),
      edge_weights_(std::move(edge_weights)),
      ncon_(ncon),
      directed_(directed) {
  if (xadj_.empty() || xadj_.front() != 0 || xadj_.back() != static_cast<int64_t>(adjncy_.size()))
    throw Error("graph: xadj must start at 0 and end at |adjncy|");
  if (ncon_ < 1) throw Error("graph: ncon must be >= 1");
  if (!node_weights_.empty() && node_weights_.size() != static_cast<size_t>(num_nodes()) * ncon_)
    throw Error("graph: expected n*ncon node weights");
  if (!edge_weights_.empty() && edge_weights_.size() != adjncy_.size())
    throw Error("graph: expected one edge weight per adjacency entry");
}

double Graph::weighted_degree(int64_t v) const {
  if (edge_weights_.empty()) return static_cast<double>(degree(v));
  double s = 0;
  for (int64_t a = xadj_[v]; a < xadj_[v + 1]; ++a) s += edge_weights_[a];
  return s;
}

double Graph::total_node_weight(int c) const {
  if (node_weights_.empty()) return static_cast<double>(num_nodes());
  double s = 0;
  for (int64_t v = 0; v < num_nodes(); ++v) s += node_weights_[v * ncon_ + c];
  return s;
}

double Graph::total_edge_weight() const {
  double s = edge_weights_.empty() ? static_cast<double>(adjncy_.size())
                                   : std::accumulate(edge_weights_.begin(), edge_weights_.end(), 0.0);
  return directed_ ? s : s / 2;
}

void Graph::set_features(torch::Tensor features) {
  if (features.defined() && (features.dim() != 2 || features.size(0) != num_nodes()))
    throw Error("graph: features must be [num_nodes, f]");
  features_ = std::move(features);
}

void Graph::validate(const std::string& context) const {
  const int64_t n = num_nodes();
  for (int64_t v = 0; v < n; ++v) {
    if (xadj_[v + 1] < xadj_[v]) throw Error(context + ": xadj not monotone at node " + std::to_string(v + 1));
    for (int64_t a = xadj_[v]; a < xadj_[v + 1]; ++a) {
      int64_t u = adjncy_[a];
      if (u < 0 || u >= n)
        throw Error(context + ": node " + std::to_string(v + 1) + " has neighbour " + std::to_string(u + 1) +
                    " outside 1.." + std::to_string(n));
      if (u == v) throw Error(context + ": self-loop at node " + std::to_string(v + 1));
      if (!edge_weights_.empty() && !(edge_weights_[a] >= 0))
        throw Error(context + ": negative edge weight at node " + std::to_string(v + 1));
    }
  }
  for (double w : node_weights_)
    if (!(w >= 0)) throw Error(context + ": negative node weight");
  if (directed_) return;
  // Symmetry: sort each list's (neighbour, weight) pairs and look every arc up in its reverse list.
  std::vector<std::pair<int64_t, double>> sorted(adjncy_.size());
  for (int64_t a = 0; a < num_arcs(); ++a) sorted[a] = {adjncy_[a], edge_weight(a)};
  for (int64_t v = 0; v < n; ++v) std::sort(sorted.begin() + xadj_[v], sorted.begin() + xadj_[v + 1]);
  for (int64_t v = 0; v < n; ++v) {
    for (int64_t a = xadj_[v]; a < xadj_[v + 1]; ++a) {
      auto [u, w] = sorted[a];
      auto first = sorted.begin() + xadj_[u], last = sorted.begin() + xadj_[u + 1];
      auto it = std::lower_bound(first, last, std::make_pair(v, -1e300));
      if (it == last || it->first != v)
        throw Error(context + ": asymmetric adjacency: node " + std::to_string(v + 1) + " lists " +
                    std::to_string(u + 1) + " but node " + std::to_string(u + 1) + " does not list " +
                    std::to_string(v + 1));
      if (it->second != w)
        throw Error(context + ": edge " + std::to_string(v + 1) + "-" + std::to_string(u + 1) +
                    " has different weights in the two directions");
    }
  }
}

void GraphBuilder::add_edge(int64_t u, int64_t v, double weight) {
  if (u < 0 || v < 0 || u >= n_ || v >= n_) throw Error("GraphBuilder: edge endpoint out of range");
  if (u == v) return;
  arcs_.push_back({u, v, weight});
  if (!directed_) arcs_.push_back({v, u, weight});
}

void GraphBuilder::set_node_weights(std::vector<double> weights, int ncon) {
  node_weights_ = std::move(weights);
  ncon_ = ncon;
}

Graph GraphBuilder::build() const {
  std::vector<Arc> arcs = arcs_;
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) { return a.u != b.u ? a.u < b.u : a.v < b.v; });
  std::vector<int64_t> xadj(n_ + 1, 0), adjncy;
  std::vector<double> weights;
  adjncy.reserve(arcs.size());
  weights.reserve(arcs.size());
  for (size_t i = 0; i < arcs.size(); ++i) {
    if (i > 0 && arcs[i].u == arcs[i - 1].u && arcs[i].v == arcs[i - 1].v) {
      weights.back() += arcs[i].w;
      continue;
    }
    adjncy.push_back(arcs[i].v);
    weights.push_back(arcs[i].w);
    xadj[arcs[i].u + 1]++;
  }
  for (int64_t v = 0; v < n_; ++v) xadj[v + 1] += xadj[v];
  bool unit = std::all_of(weights.begin(), weights.end(), [](double w) { return w == 1.0; });
  return Graph(std::move(xadj), std::move(adjncy), node_weights_, unit ? std::vector<double>{} : weights, ncon_,
               directed_);
}

}  // namespace tessera::graph
