#include "tessera/cost/clustering_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"
#include "tessera/cost/hungarian.h"

namespace tessera::cluster {
namespace {

double comb2(double x) { return x * (x - 1.0) / 2.0; }

void check_pair(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  if (a.size() != b.size())
    throw Error(fmt::format("labelings of different lengths: {} and {}", a.size(), b.size()));
  if (a.empty()) throw Error("empty labelings");
}

}  // namespace

std::vector<std::vector<int64_t>> contingency_table(const std::vector<int64_t>& clusters,
                                                    const std::vector<int64_t>& classes) {
  check_pair(clusters, classes);
  int64_t r = 0, c = 0;
  for (size_t i = 0; i < clusters.size(); ++i) {
    if (clusters[i] < 0 || classes[i] < 0) throw Error("negative label in a labeling");
    r = std::max(r, clusters[i] + 1);
    c = std::max(c, classes[i] + 1);
  }
  std::vector<std::vector<int64_t>> table(r, std::vector<int64_t>(c, 0));
  for (size_t i = 0; i < clusters.size(); ++i) ++table[clusters[i]][classes[i]];
  return table;
}

double clustering_accuracy(const std::vector<int64_t>& classes, const std::vector<int64_t>& clusters) {
  auto table = contingency_table(clusters, classes);
  const size_t r = table.size(), c = table[0].size(), s = std::max(r, c);
  std::vector<std::vector<double>> weight(s, std::vector<double>(s, 0.0));
  for (size_t i = 0; i < r; ++i)
    for (size_t j = 0; j < c; ++j) weight[i][j] = static_cast<double>(table[i][j]);
  auto match = hungarian_max_weight(weight);
  double correct = 0;
  for (size_t i = 0; i < s; ++i) correct += weight[i][match[i]];
  return correct / static_cast<double>(classes.size());
}

double normalized_mutual_information(const std::vector<int64_t>& classes, const std::vector<int64_t>& clusters) {
  auto table = contingency_table(clusters, classes);
  const double n = static_cast<double>(classes.size());
  std::vector<double> a(table.size(), 0.0), b(table[0].size(), 0.0);
  for (size_t i = 0; i < table.size(); ++i)
    for (size_t j = 0; j < table[i].size(); ++j) {
      a[i] += table[i][j];
      b[j] += table[i][j];
    }
  auto entropy = [n](const std::vector<double>& counts) {
    double h = 0;
    for (double x : counts)
      if (x > 0) h -= (x / n) * std::log(x / n);
    return h;
  };
  const double ha = entropy(a), hb = entropy(b);
  double mi = 0;
  for (size_t i = 0; i < table.size(); ++i)
    for (size_t j = 0; j < table[i].size(); ++j) {
      const double nij = table[i][j];
      if (nij > 0) mi += (nij / n) * std::log(nij * n / (a[i] * b[j]));
    }
  if (ha == 0 && hb == 0) return 1.0;
  const double denom = 0.5 * (ha + hb);
  return denom > 0 ? std::max(0.0, mi) / denom : 0.0;
}

double adjusted_rand_index(const std::vector<int64_t>& classes, const std::vector<int64_t>& clusters) {
  auto table = contingency_table(clusters, classes);
  const double n = static_cast<double>(classes.size());
  std::vector<double> a(table.size(), 0.0), b(table[0].size(), 0.0);
  double sum_ij = 0;
  for (size_t i = 0; i < table.size(); ++i)
    for (size_t j = 0; j < table[i].size(); ++j) {
      a[i] += table[i][j];
      b[j] += table[i][j];
      sum_ij += comb2(static_cast<double>(table[i][j]));
    }
  double sum_a = 0, sum_b = 0;
  for (double x : a) sum_a += comb2(x);
  for (double x : b) sum_b += comb2(x);
  const double expected = n > 1 ? sum_a * sum_b / comb2(n) : 0.0;
  const double max_index = 0.5 * (sum_a + sum_b);
  if (max_index == expected) return 1.0;  // both labelings trivial (one cluster or all singletons)
  return (sum_ij - expected) / (max_index - expected);
}

double normalized_cut(const graph::Graph& g, const std::vector<int64_t>& labels) {
  if (static_cast<int64_t>(labels.size()) != g.num_nodes())
    throw Error(fmt::format("normalized cut: {} labels for {} nodes", labels.size(), g.num_nodes()));
  int64_t k = 0;
  for (int64_t l : labels) {
    if (l < 0) throw Error("normalized cut: negative cluster id");
    k = std::max(k, l + 1);
  }
  std::vector<double> cut(k, 0.0), vol(k, 0.0);
  for (int64_t v = 0; v < g.num_nodes(); ++v) {
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      const double w = g.edge_weight(a);
      vol[labels[v]] += w;
      if (labels[g.neighbor(a)] != labels[v]) cut[labels[v]] += w;
    }
  }
  double ncut = 0;
  for (int64_t c = 0; c < k; ++c)
    if (vol[c] > 0) ncut += cut[c] / vol[c];
  return ncut;
}

}  // namespace tessera::cluster
