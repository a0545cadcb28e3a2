#include "tessera/core/parallel.h"

#include <torch/torch.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera {

void parallel_for(int64_t n, int threads, const std::function<void(int64_t, int)>& fn) {
  if (n <= 0) return;
  if (threads <= 1 || n == 1) {
    for (int64_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  std::atomic<int64_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&](int w) {
    // Work items run their own small tensor ops: keep LibTorch single-threaded inside a worker so
    // that the workers, not the intra-op pool, use the cores.
    torch::set_num_threads(1);
    while (true) {
      int64_t i = next.fetch_add(1);
      if (i >= n) break;
      {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (error) break;
      }
      try {
        fn(i, w);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  int count = static_cast<int>(std::min<int64_t>(threads, n));
  std::vector<std::thread> pool;
  pool.reserve(count);
  for (int w = 0; w < count; ++w) pool.emplace_back(worker, w);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

void configure_torch_threads(int threads) {
  torch::set_num_threads(resolve_threads(threads));
}

TorchThreadsGuard::TorchThreadsGuard(int threads) : saved_(torch::get_num_threads()) {
  if (threads > 0 && threads != saved_) torch::set_num_threads(threads);
}

TorchThreadsGuard::~TorchThreadsGuard() {
  if (torch::get_num_threads() != saved_) torch::set_num_threads(saved_);
}

}  // namespace tessera
