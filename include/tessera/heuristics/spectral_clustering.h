#pragma once
// Normalized spectral clustering (Ng, Jordan & Weiss 2001): the top eigenvectors of
// N = D^-1/2 W D^-1/2 (equivalently the bottom ones of the normalized Laplacian I − N), rows scaled
// to unit length, then k-means (k-means++, restarts).
//
// Eigenvectors: dense LAPACK (torch::linalg_eigh, float64) for small graphs; for larger ones block
// subspace iteration on the sparse matrix M = (I + N) / 2 (spectrum in [0, 1], so the wanted
// eigenvalues dominate) with a Rayleigh–Ritz step per iteration and a residual test ‖N v − λ v‖.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/graph/graph.h"

namespace tessera::cluster {

struct SpectralOptions {
  int64_t k = 8;
  int64_t eigenvectors = 0;     ///< embedding dimension (0 = k)
  int restarts = 10;            ///< k-means restarts on the embedding (lowest inertia kept)
  int candidates = 1;           ///< k-means runs per embedding width (each with `restarts`); lowest Ncut on g kept
  uint64_t seed = 1;
  std::string solver = "auto";  ///< "dense" | "sparse" | "auto" (dense up to dense_limit nodes)
  int64_t dense_limit = 3000;
  int max_iter = 3000;          ///< subspace iterations (sparse solver)
  double tol = 1e-5;            ///< residual norm of every wanted eigenpair (sparse solver)
  void validate(int64_t num_points) const;
};

struct SpectralEmbedding {
  torch::Tensor vectors;  ///< float64 [n, m], eigenvectors of N, largest eigenvalue first
  torch::Tensor values;   ///< float64 [m]
  int iterations = 0;     ///< 0 for the dense solver
  double max_residual = 0;
};

/// Top-m eigenpairs of D^-1/2 W D^-1/2 (isolated nodes get zero rows).
SpectralEmbedding spectral_embedding(const graph::Graph& g, int64_t m, const SpectralOptions& options);

struct SpectralResult {
  std::vector<int64_t> labels;
  SpectralEmbedding embedding;
  double ncut = 0;                  ///< normalized cut of `labels` on g
  std::vector<double> candidate_ncut;  ///< Ncut of every candidate labeling
  double spectral_gap = 0;             ///< (1 − λ_{k+1}) / (1 − λ_k) when the embedding has more than k columns
  bool k_column_candidates = false;    ///< whether candidates on the first k columns were added (gap ≥ kSpectralGapRatio)
};

/// Spectral gap ratio (1 − λ_{k+1}) / (1 − λ_k) from which the k-means candidates also run on the first k
/// eigenvectors of a wider embedding (see spectral_clustering below).
inline constexpr double kSpectralGapRatio = 1.5;

SpectralResult spectral_clustering(const graph::Graph& g, const SpectralOptions& options);

/// The k-means step of spectral clustering on a given embedding (rows normalised inside): `candidates`
/// k-means runs with derived seeds on the whole embedding and, when it has more than k columns and its
/// spectrum a gap after the k-th eigenvalue (ratio ≥ kSpectralGapRatio), as many on its first k columns;
/// the labeling of lowest normalized cut on g kept (candidate_ncut in that order).
SpectralResult spectral_clustering(const graph::Graph& g, SpectralEmbedding embedding, const SpectralOptions& options);

}  // namespace tessera::cluster
