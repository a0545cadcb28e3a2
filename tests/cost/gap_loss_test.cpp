#include "tessera/cost/gap_loss.h"

#include <gtest/gtest.h>

#include "tessera/cost/partition_metrics.h"
#include "tessera/graph/graph_generators.h"

namespace tessera::partition {
namespace {

graph::Graph weighted_graph() {
  graph::GraphBuilder b(6);
  b.add_edge(0, 1, 2);
  b.add_edge(1, 2, 1);
  b.add_edge(2, 0, 3);
  b.add_edge(3, 4, 1);
  b.add_edge(4, 5, 5);
  b.add_edge(5, 3, 1);
  b.add_edge(2, 3, 0.5);
  b.set_node_weights({1, 2, 1, 1, 3, 1});
  return b.build();
}

/// Naive reference: loops over the CSR lists.
double naive_loss(const graph::Graph& g, const torch::Tensor& y, double lambda) {
  const int64_t n = g.num_nodes(), k = y.size(1);
  auto a = y.accessor<double, 2>();
  double total = 0, wsum = 0;
  for (int64_t v = 0; v < n; ++v) wsum += g.node_weight(v);
  for (int64_t b = 0; b < k; ++b) {
    double cut = 0, gamma = 0, bw = 0;
    for (int64_t v = 0; v < n; ++v) {
      gamma += a[v][b] * g.weighted_degree(v);
      bw += a[v][b] * g.node_weight(v);
      for (int64_t e = g.begin(v); e < g.end(v); ++e) cut += g.edge_weight(e) * a[v][b] * (1 - a[g.neighbor(e)][b]);
    }
    total += cut / gamma + lambda * (bw - wsum / k) * (bw - wsum / k) / (wsum * wsum / k);
  }
  return total;
}

torch::Tensor tensors_loss(const graph::Graph& g, const torch::Tensor& y, double lambda) {
  auto e = graph::edge_index(g);
  auto d = graph::weighted_degree_tensor(g).to(torch::kFloat64);
  auto w = graph::node_weight_tensor(g).select(1, 0).to(torch::kFloat64);
  return gap_loss(y, e, d, w, lambda);
}

TEST(GapLoss, MatchesNaiveReference) {
  auto g = weighted_graph();
  torch::manual_seed(3);
  auto y = torch::softmax(torch::randn({6, 3}, torch::kFloat64), 1);
  EXPECT_NEAR(tensors_loss(g, y, 0.7).item<double>(), naive_loss(g, y, 0.7), 1e-6);
}

TEST(GapLoss, OneHotEqualsNormalizedCutAndBalance) {
  auto g = weighted_graph();
  std::vector<int> part{0, 0, 0, 1, 1, 1};
  auto y = torch::zeros({6, 2}, torch::kFloat64);
  for (int v = 0; v < 6; ++v) y[v][part[v]] = 1.0;
  auto e = graph::edge_index(g);
  auto d = graph::weighted_degree_tensor(g).to(torch::kFloat64);
  EXPECT_NEAR(expected_normalized_cut(y, e, d).item<double>(), normalized_cut(g, part, 2), 1e-9);
  // Block weights 4 and 5, W = 9: ((4-4.5)² + (5-4.5)²) / (81/2).
  auto w = graph::node_weight_tensor(g).select(1, 0).to(torch::kFloat64);
  EXPECT_NEAR(balance_penalty(y, w).item<double>(), 0.5 / 40.5, 1e-12);
  // Everything in one block: balance term k − 1.
  auto all = torch::zeros({6, 2}, torch::kFloat64);
  all.select(1, 0).fill_(1.0);
  EXPECT_NEAR(balance_penalty(all, w).item<double>(), 1.0, 1e-12);
}

TEST(GapLoss, GradientMatchesFiniteDifferences) {
  auto g = random_geometric_graph(40, 5.0, 7);
  const int64_t n = g.num_nodes();
  torch::manual_seed(11);
  auto z = torch::randn({n, 4}, torch::kFloat64).requires_grad_(true);
  auto loss = tensors_loss(g, torch::softmax(z, 1), 1.3);
  loss.backward();
  auto grad = z.grad().clone();
  const double h = 1e-6;
  torch::NoGradGuard guard;
  double max_err = 0, max_grad = 0;
  for (int64_t i = 0; i < n; i += 3)
    for (int64_t j = 0; j < 4; ++j) {
      auto zp = z.detach().clone(), zm = z.detach().clone();
      zp[i][j] += h;
      zm[i][j] -= h;
      const double fd = (tensors_loss(g, torch::softmax(zp, 1), 1.3).item<double>() -
                         tensors_loss(g, torch::softmax(zm, 1), 1.3).item<double>()) / (2 * h);
      max_err = std::max(max_err, std::abs(fd - grad[i][j].item<double>()));
      max_grad = std::max(max_grad, std::abs(fd));
    }
  EXPECT_GT(max_grad, 1e-4);
  EXPECT_LT(max_err, 1e-7 + 1e-5 * max_grad);
}

}  // namespace
}  // namespace tessera::partition
