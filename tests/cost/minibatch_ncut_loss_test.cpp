#include "tessera/cost/minibatch_ncut_loss.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/cost/clustering_metrics.h"
#include "tessera/graph/graph.h"
#include "tessera/graph/graph_tensors.h"

namespace tessera::cluster {
namespace {

graph::Graph small_graph() {
  graph::GraphBuilder b(6);
  b.add_edge(0, 1, 1.0);
  b.add_edge(1, 2, 2.0);
  b.add_edge(0, 2, 0.5);
  b.add_edge(3, 4, 1.5);
  b.add_edge(4, 5, 1.0);
  b.add_edge(2, 3, 0.3);
  b.add_edge(5, 0, 0.7);
  return b.build();
}

// Naive reference: Σ_k Σ_i Σ_j w_ij Y_ik (1 − Y_jk) / Σ_i Y_ik d_i over the whole graph.
double naive(const graph::Graph& g, const torch::Tensor& y) {
  auto a = y.accessor<double, 2>();
  double total = 0;
  for (int64_t k = 0; k < y.size(1); ++k) {
    double cut = 0, gamma = 0;
    for (int64_t i = 0; i < g.num_nodes(); ++i) {
      gamma += a[i][k] * g.weighted_degree(i);
      for (int64_t arc = g.begin(i); arc < g.end(i); ++arc)
        cut += g.edge_weight(arc) * a[i][k] * (1 - a[g.neighbor(arc)][k]);
    }
    total += cut / gamma;
  }
  return total;
}

struct Full {
  torch::Tensor src, dst, w, degree;
};
Full full(const graph::Graph& g) {
  auto e = graph::edge_index(g);
  return {e.src, e.dst, e.weight.to(torch::kFloat64), graph::weighted_degree_tensor(g).to(torch::kFloat64)};
}

TEST(MinibatchNcutLoss, AllAnchorsEqualsNaiveFullGraphLoss) {
  auto g = small_graph();
  torch::manual_seed(1);
  auto y = torch::softmax(torch::randn({6, 3}, torch::kFloat64), 1);
  auto f = full(g);
  EXPECT_NEAR(minibatch_expected_ncut(y, f.src, f.dst, f.w, f.degree).item<double>(), naive(g, y), 1e-6);  // float32 arc weights
}

TEST(MinibatchNcutLoss, OneHotAssignmentsGiveTheNormalizedCut) {
  auto g = small_graph();
  std::vector<int64_t> labels{0, 0, 0, 1, 1, 1};
  auto y = torch::one_hot(torch::tensor(labels), 2).to(torch::kFloat64);
  auto f = full(g);
  EXPECT_NEAR(minibatch_expected_ncut(y, f.src, f.dst, f.w, f.degree).item<double>(), normalized_cut(g, labels),
              1e-6);
}

TEST(MinibatchNcutLoss, GradientMatchesFiniteDifferences) {
  auto g = small_graph();
  auto f = full(g);
  torch::manual_seed(2);
  auto logits = torch::randn({6, 3}, torch::kFloat64).requires_grad_(true);
  auto loss = minibatch_expected_ncut(torch::softmax(logits, 1), f.src, f.dst, f.w, f.degree) +
              balance_kl(torch::softmax(logits, 1));
  loss.backward();
  auto grad = logits.grad().clone();
  const double h = 1e-6;
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t k = 0; k < 3; ++k) {
      auto eval = [&](double delta) {
        auto l = logits.detach().clone();
        l[i][k] += delta;
        auto y = torch::softmax(l, 1);
        return (minibatch_expected_ncut(y, f.src, f.dst, f.w, f.degree) + balance_kl(y)).item<double>();
      };
      EXPECT_NEAR(grad[i][k].item<double>(), (eval(h) - eval(-h)) / (2 * h), 1e-6);
    }
}

TEST(MinibatchNcutLoss, BalanceKlBounds) {
  auto uniform = torch::full({4, 3}, 1.0 / 3.0, torch::kFloat64);
  EXPECT_NEAR(balance_kl(uniform).item<double>(), 0.0, 1e-12);
  auto collapsed = torch::zeros({4, 3}, torch::kFloat64);
  collapsed.select(1, 0).fill_(1.0);
  EXPECT_NEAR(balance_kl(collapsed).item<double>(), std::log(3.0), 1e-9);
}

}  // namespace
}  // namespace tessera::cluster
