#pragma once
// Seeds and random streams. All randomness in Tessera flows from one user seed through derive_seed,
// so that equal seeds give equal results independent of thread scheduling.
#include <cstdint>
#include <random>

namespace tessera {

using Rng = std::mt19937_64;

/// SplitMix64 mix of (seed, stream): independent, reproducible sub-seeds.
inline uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// Uniform double in [0, 1).
inline double uniform01(Rng& rng) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

/// Uniform integer in [0, n).
inline int64_t uniform_int(Rng& rng, int64_t n) {
  return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
}

/// Index drawn from the categorical distribution prob(0..n-1) (summing to 1) with one uniform u in
/// [0, 1): the first index whose cumulative probability exceeds u. A zero-probability index is never
/// returned; when rounding leaves u above the total, the last positive index is. -1 when all are 0.
template <typename Prob>
int64_t sample_categorical(int64_t n, double u, Prob&& prob) {
  double acc = 0;
  int64_t last = -1;
  for (int64_t i = 0; i < n; ++i) {
    const double p = prob(i);
    if (p <= 0) continue;
    last = i;
    acc += p;
    if (u < acc) return i;
  }
  return last;
}

}  // namespace tessera
