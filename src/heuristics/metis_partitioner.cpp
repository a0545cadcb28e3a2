#include "tessera/heuristics/metis_partitioner.h"

#include <metis.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "tessera/core/error.h"

namespace tessera::heuristics {

void MetisOptions::validate(int64_t num_nodes) const {
  if (k < 1) throw UsageError("k must be >= 1 (got " + std::to_string(k) + ")");
  if (k > num_nodes)
    throw UsageError("k = " + std::to_string(k) + " exceeds the number of nodes (" + std::to_string(num_nodes) + ")");
  if (!(imbalance >= 0)) throw UsageError("imbalance must be >= 0");
}

namespace {

// METIS reports some conditions ("***Cannot bisect a graph with 0 vertices!") with printf on stdout,
// where they would corrupt a command's --json output. While it runs, stdout (file descriptor 1) is
// pointed at stderr; the lock keeps concurrent calls from restoring each other's descriptor.
class StdoutToStderr {
 public:
  StdoutToStderr() : lock_(mutex()) {
    std::cout.flush();
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    if (saved_ >= 0 && ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
      ::close(saved_);
      saved_ = -1;
    }
  }
  ~StdoutToStderr() {
    std::fflush(stdout);
    if (saved_ >= 0) {
      ::dup2(saved_, STDOUT_FILENO);
      ::close(saved_);
    }
  }
  StdoutToStderr(const StdoutToStderr&) = delete;
  StdoutToStderr& operator=(const StdoutToStderr&) = delete;

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::lock_guard<std::mutex> lock_;
  int saved_ = -1;
};

// Integer weights for METIS: exact when already integral and small, else scaled.
std::vector<idx_t> to_idx(const std::vector<double>& w, int stride, double limit) {
  std::vector<idx_t> out(w.size());
  for (int c = 0; c < stride; ++c) {
    double total = 0, max_w = 0;
    bool integral = true;
    for (size_t i = c; i < w.size(); i += stride) {
      total += w[i];
      max_w = std::max(max_w, w[i]);
      integral = integral && w[i] == std::floor(w[i]);
    }
    double scale = (integral && total <= limit) ? 1.0 : (total > 0 ? limit / total : 1.0);
    for (size_t i = c; i < w.size(); i += stride) {
      double v = w[i] * scale;
      out[i] = w[i] > 0 ? static_cast<idx_t>(std::max(1.0, std::round(v))) : 0;
    }
  }
  return out;
}

}  // namespace

std::vector<int> metis_partition(const graph::Graph& input, const MetisOptions& options) {
  options.validate(input.num_nodes());
  const int64_t n = input.num_nodes();
  if (options.k == 1) return std::vector<int>(n, 0);

  graph::Graph sym;
  const graph::Graph* g = &input;
  if (input.directed()) {
    graph::GraphBuilder b(n, false);
    for (int64_t v = 0; v < n; ++v)
      for (int64_t a = input.begin(v); a < input.end(v); ++a) b.add_edge(v, input.neighbor(a), input.edge_weight(a));
    if (input.has_node_weights()) b.set_node_weights(input.node_weights(), input.ncon());
    sym = b.build();
    g = &sym;
  }
  std::vector<idx_t> xadj(g->xadj().begin(), g->xadj().end());
  std::vector<idx_t> adjncy(g->adjncy().begin(), g->adjncy().end());
  std::vector<idx_t> vwgt, adjwgt;
  if (g->has_node_weights()) vwgt = to_idx(g->node_weights(), g->ncon(), 1e8);
  if (g->has_edge_weights()) adjwgt = to_idx(g->edge_weights(), 1, 1e8);

  idx_t nvtxs = static_cast<idx_t>(n), ncon = g->ncon(), nparts = options.k, objval = 0;
  idx_t opts[METIS_NOPTIONS];
  METIS_SetDefaultOptions(opts);
  opts[METIS_OPTION_SEED] = static_cast<idx_t>(options.seed & 0x7fffffff);
  opts[METIS_OPTION_UFACTOR] = static_cast<idx_t>(std::lround(options.imbalance * 1000));
  opts[METIS_OPTION_NCUTS] = std::max(1, options.ncuts);
  opts[METIS_OPTION_NUMBERING] = 0;
  if (options.scheme == MetisScheme::kKway)
    opts[METIS_OPTION_OBJTYPE] = options.minimize_volume ? METIS_OBJTYPE_VOL : METIS_OBJTYPE_CUT;
  std::vector<idx_t> part(n, 0);
  int status;
  StdoutToStderr quiet;
  if (options.scheme == MetisScheme::kKway) {
    status = METIS_PartGraphKway(&nvtxs, &ncon, xadj.data(), adjncy.data(), vwgt.empty() ? nullptr : vwgt.data(),
                                 nullptr, adjwgt.empty() ? nullptr : adjwgt.data(), &nparts, nullptr, nullptr, opts,
                                 &objval, part.data());
  } else {
    status = METIS_PartGraphRecursive(&nvtxs, &ncon, xadj.data(), adjncy.data(),
                                      vwgt.empty() ? nullptr : vwgt.data(), nullptr,
                                      adjwgt.empty() ? nullptr : adjwgt.data(), &nparts, nullptr, nullptr, opts,
                                      &objval, part.data());
  }
  if (status != METIS_OK) throw Error("METIS failed with status " + std::to_string(status));
  return std::vector<int>(part.begin(), part.end());
}

}  // namespace tessera::heuristics
