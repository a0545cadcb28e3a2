#pragma once
// Deterministic parallel loops: work item i always computes the same result whatever thread runs it
// (results are stored by index, per-item random streams come from derive_seed(seed, i)), so a run is
// reproducible for a given seed; the thread count only changes speed.
#include <cstdint>
#include <functional>

namespace tessera {

/// Calls fn(i, worker) for i in [0, n) on `threads` workers (<= 1: inline). Items are handed out
/// dynamically; the first exception thrown by fn is rethrown after all workers stop.
void parallel_for(int64_t n, int threads, const std::function<void(int64_t i, int worker)>& fn);

/// Number of worker threads to use: `requested` if > 0, else the hardware concurrency.
int resolve_threads(int requested);

/// Applies the thread count to LibTorch's intra-op pool (call once at start-up).
void configure_torch_threads(int threads);

/// Sets LibTorch's intra-op thread count for a scope (threads <= 0: leaves it) and restores it after.
/// Idle OpenMP workers of LibTorch's pool spin after each parallel op (libgomp's default wait policy) and take
/// cores from parallel_for's workers on a small machine: code that alternates small tensor ops with
/// parallel_for runs the tensor ops single-threaded with this.
class TorchThreadsGuard {
 public:
  explicit TorchThreadsGuard(int threads);
  ~TorchThreadsGuard();
  TorchThreadsGuard(const TorchThreadsGuard&) = delete;
  TorchThreadsGuard& operator=(const TorchThreadsGuard&) = delete;

 private:
  int saved_;
};

}  // namespace tessera
