#pragma once
// Structural node features for GAP: nothing depends on node ids, so a model trained on generated
// graphs applies to any graph.
//
//   0  log(1 + degree) − mean over the graph      (local density, relative to the graph)
//   1  weighted degree / mean weighted degree
//   2  node weight / mean node weight
//   3… the `eigenvectors` lowest non-trivial generalized Laplacian eigenvectors L f = λ D f
//      (normalized-cut relaxation, Shi & Malik), scaled to unit root-mean-square and sign-normalized
//      so that Σ f_i³ ≥ 0.
//
// Why spectral: the GAP loss is the expected normalized cut, and these vectors are exactly the
// continuous minimizers of the normalized cut; they give every node a global position that local
// message passing (a few SAGE layers) cannot see on its own. Random-walk features from id-dependent
// start vectors would break id independence; power iteration from degree vectors degenerates on
// regular meshes. How: multilevel (coarsen by heavy-edge matching down to ≤ 256 nodes, dense
// eigen-solve there, prolong, then smooth on each level with lazy random-walk steps and a
// Rayleigh–Ritz projection) — O(m) per level, a fraction of a second on the 75k-node Walshaw graphs.
// Eigen-spaces of repeated eigenvalues (symmetric grids) are resolved arbitrarily (seeded).
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "tessera/graph/graph.h"

namespace tessera::partition {

struct FeatureOptions {
  int eigenvectors = 4;       ///< spectral features
  int smoothing_rounds = 4;   ///< Rayleigh–Ritz rounds per level
  int smoothing_steps = 8;    ///< lazy random-walk steps per round
  uint64_t seed = 1;          ///< coarsening order
  void validate() const;
};

/// Identifier stored in model files; a model trained for another feature set is rejected.
std::string feature_set_id(const FeatureOptions& options);
int64_t feature_count(const FeatureOptions& options);

/// Features [n, feature_count] float32.
torch::Tensor partition_features(const graph::Graph& g, const FeatureOptions& options);

/// The spectral part alone [n, eigenvectors] (double), for tests: generalized eigenvectors with
/// eigenvalues (of D⁻¹A, descending, trivial one dropped) in *eigenvalues when given.
torch::Tensor spectral_embedding(const graph::Graph& g, const FeatureOptions& options,
                                 std::vector<double>* eigenvalues = nullptr);

}  // namespace tessera::partition
