#pragma once
// The partitioning problem's methods, chosen by name (the CLI's --method list comes from here):
//   gap            GAP by recursive bisection with the trained model, then FM/V-cycle refinement
//   gap-raw        GAP alone (no refinement): the learned part's own contribution
//   metis          METIS 5.1 k-way (same imbalance)
//   metis-rb       METIS 5.1 recursive bisection
//   random         random balanced assignment (seeded)
//   refine-random  the same refinement as `gap`, started from `random`
//
// GAP decoding. The shipped model is trained for k = 2 and applied by recursive bisection: at each
// step features are computed on the current subgraph, the model scores every node, and nodes are
// split in score order (logit of block 0 minus logit of block 1) at the weighted quantile k₁/k of the
// subgraph weight (k₁ = ⌊k/2⌋), so any k (not only powers of two) gets balanced blocks. A model
// trained for exactly the requested k (> 2) is applied directly by argmax instead.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/cost/partition_metrics.h"
#include "tessera/graph/graph.h"
#include "tessera/heuristics/fm_refiner.h"

namespace tessera::partition {

struct PartitionOptions {
  int k = 2;
  double imbalance = 0.03;
  std::string method = "gap";
  std::string model;  ///< GAP model file; empty = the shipped model (default_model_path)
  uint64_t seed = 1;
  RefinerOptions refiner;  ///< refiner.imbalance and refiner.seed are overwritten from the fields above
  /// Throws UsageError: unknown method, k ≤ 0, k > n, imbalance < 0.
  void validate(const graph::Graph& g) const;
};

struct PartitionResult {
  std::vector<int> part;
  std::string method;
  int k = 0;
  double imbalance_bound = 0;
  PartitionQuality quality;
  bool feasible = false;         ///< max block weight ≤ max_block_weight(g, k, ε)
  double seconds = 0;            ///< whole method
  double inference_seconds = 0;  ///< GAP features + network (gap, gap-raw)
  double refine_seconds = 0;     ///< refinement (gap, refine-random)
  std::string model;             ///< model file used
  Json to_json() const;
};

const std::vector<std::string>& partition_method_names();

/// The shipped model: $TESSERA_MODEL_DIR/gap_k2.pt, else models/gap_k2.pt beside or above the running
/// binary (up to three levels), else in the source tree compiled in, else ./models/gap_k2.pt.
/// Throws UsageError listing the places searched when none exists.
std::string default_model_path();

class GapPredictor;  // loaded model (defined in the .cpp: keeps LibTorch out of this header's users)

class GraphPartitioner {
 public:
  explicit GraphPartitioner(PartitionOptions options);
  ~GraphPartitioner();
  PartitionResult run(const graph::Graph& g);

 private:
  std::vector<int> gap_partition(const graph::Graph& g, int k);
  PartitionOptions options_;
  std::unique_ptr<GapPredictor> gap_;
};

/// Random balanced assignment: nodes in seeded random order, each to the currently lightest block.
std::vector<int> random_partition(const graph::Graph& g, int k, uint64_t seed);

}  // namespace tessera::partition
