#pragma once
// The graph model shared by every problem: compressed sparse rows (METIS layout) with node weights
// (ncon constraints per node), edge weights and an optional node-feature tensor.
//
// Undirected graphs store each edge in both endpoint lists (as METIS does); directed graphs store
// out-edges only. Weights are doubles so that the same type carries integer METIS weights (exact up to
// 2^53), FLOP counts and bytes.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::graph {

class Graph {
 public:
  Graph() = default;
  /// Takes CSR arrays. node_weights: n*ncon values (empty = all 1); edge_weights: |adjncy| values
  /// (empty = all 1). Throws tessera::Error on inconsistent sizes.
  Graph(std::vector<int64_t> xadj, std::vector<int64_t> adjncy, std::vector<double> node_weights = {},
        std::vector<double> edge_weights = {}, int ncon = 1, bool directed = false);

  int64_t num_nodes() const { return static_cast<int64_t>(xadj_.size()) - 1; }
  /// Number of stored adjacency entries (2m for undirected graphs).
  int64_t num_arcs() const { return static_cast<int64_t>(adjncy_.size()); }
  /// Number of edges: m (undirected) or arcs (directed).
  int64_t num_edges() const { return directed_ ? num_arcs() : num_arcs() / 2; }
  int ncon() const { return ncon_; }
  bool directed() const { return directed_; }

  int64_t degree(int64_t v) const { return xadj_[v + 1] - xadj_[v]; }
  int64_t begin(int64_t v) const { return xadj_[v]; }
  int64_t end(int64_t v) const { return xadj_[v + 1]; }
  int64_t neighbor(int64_t arc) const { return adjncy_[arc]; }
  double edge_weight(int64_t arc) const { return edge_weights_.empty() ? 1.0 : edge_weights_[arc]; }
  double node_weight(int64_t v, int c = 0) const {
    return node_weights_.empty() ? 1.0 : node_weights_[v * ncon_ + c];
  }
  /// Sum of the weights of v's arcs.
  double weighted_degree(int64_t v) const;
  /// Sum of node weights of constraint c.
  double total_node_weight(int c = 0) const;
  double total_edge_weight() const;
  bool has_node_weights() const { return !node_weights_.empty(); }
  bool has_edge_weights() const { return !edge_weights_.empty(); }

  const std::vector<int64_t>& xadj() const { return xadj_; }
  const std::vector<int64_t>& adjncy() const { return adjncy_; }
  const std::vector<double>& node_weights() const { return node_weights_; }
  const std::vector<double>& edge_weights() const { return edge_weights_; }

  /// Optional per-node features [n, f] (float32); undefined when not set.
  const torch::Tensor& features() const { return features_; }
  void set_features(torch::Tensor features);

  /// Checks symmetry (undirected), self-loops, ranges and weights; throws tessera::Error naming the
  /// first violation. Readers call it with the file name as context.
  void validate(const std::string& context = "graph") const;

 private:
  std::vector<int64_t> xadj_{0};
  std::vector<int64_t> adjncy_;
  std::vector<double> node_weights_;
  std::vector<double> edge_weights_;
  int ncon_ = 1;
  bool directed_ = false;
  torch::Tensor features_;
};

/// Builds a CSR graph from an edge list. For undirected graphs each (u, v) is added in both
/// directions and parallel edges are merged by summing weights; self-loops are dropped.
class GraphBuilder {
 public:
  explicit GraphBuilder(int64_t num_nodes, bool directed = false) : n_(num_nodes), directed_(directed) {}
  void add_edge(int64_t u, int64_t v, double weight = 1.0);
  void set_node_weights(std::vector<double> weights, int ncon = 1);
  Graph build() const;

 private:
  struct Arc {
    int64_t u, v;
    double w;
  };
  int64_t n_;
  bool directed_;
  std::vector<Arc> arcs_;
  std::vector<double> node_weights_;
  int ncon_ = 1;
};

}  // namespace tessera::graph
