#pragma once
// Quality of a hard clustering: against ground-truth classes (accuracy under the best one-to-one
// cluster→class matching, NMI, ARI) and against the affinity graph (normalized cut).
#include <cstdint>
#include <vector>

#include "tessera/graph/graph.h"

namespace tessera::cluster {

/// Contingency table [clusters][classes] of two labelings of equal length (ids >= 0).
std::vector<std::vector<int64_t>> contingency_table(const std::vector<int64_t>& clusters,
                                                    const std::vector<int64_t>& classes);

/// ACC = max over one-to-one maps m of (1/n) Σ_i [classes_i = m(clusters_i)] (Hungarian matching;
/// with more clusters than classes the extra clusters count as wrong).
double clustering_accuracy(const std::vector<int64_t>& classes, const std::vector<int64_t>& clusters);

/// NMI = I(U;V) / ((H(U) + H(V)) / 2) (arithmetic normalisation, as scikit-learn); 1 when both
/// labelings are a single cluster.
double normalized_mutual_information(const std::vector<int64_t>& classes, const std::vector<int64_t>& clusters);

/// ARI (Hubert & Arabie): (Σ C(n_ij,2) − E) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − E), E = Σ C(a_i,2) Σ C(b_j,2) / C(n,2).
double adjusted_rand_index(const std::vector<int64_t>& classes, const std::vector<int64_t>& clusters);

/// Normalized cut Σ_c cut(V_c, V \ V_c) / vol(V_c) over the non-empty clusters c of a hard labeling
/// (labels in [0, k)); vol = Σ of weighted degrees (a cluster of volume 0 adds nothing).
double normalized_cut(const graph::Graph& g, const std::vector<int64_t>& labels);

}  // namespace tessera::cluster
