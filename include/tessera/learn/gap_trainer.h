#pragma once
// Training of the GAP network on a family of generated graphs (unsupervised: the loss is the
// expected normalized cut plus the balance term, see cost/gap_loss.h). A fixed pool of training
// graphs (families and sizes drawn from the seed) is generated once with their features; every epoch
// visits the pool in a seeded order with one Adam step per graph. After every epoch the model, the
// optimizer and the training state are saved atomically to `out`; `resume` continues from it and
// reaches the same model as an uninterrupted run with the same seed.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/problems/partition_features.h"

namespace tessera::partition {

struct GapTrainerOptions {
  int k = 2;
  int epochs = 20;
  int graphs = 48;               ///< training pool size
  int validation_graphs = 8;     ///< held-out generated graphs (hard normalized cut reported)
  int64_t n_min = 300;
  int64_t n_max = 3000;
  std::vector<std::string> families;  ///< empty = all generator families
  double learning_rate = 3e-3;
  double balance_weight = 2.0;
  int64_t hidden = 64;
  int layers = 3;
  uint64_t seed = 1;
  std::string out;               ///< model / checkpoint file
  bool resume = false;
  bool progress = true;
  FeatureOptions features;
  void validate() const;
};

struct GapTrainResult {
  int epochs_done = 0;
  double final_loss = 0;
  double validation_ncut = 0;     ///< mean hard normalized cut (argmax) on the validation graphs
  double validation_balance = 0;  ///< mean imbalance of those hard assignments
  double seconds = 0;
  Json log;                       ///< one row per epoch
};

class GapTrainer {
 public:
  explicit GapTrainer(GapTrainerOptions options);
  GapTrainResult train();

 private:
  GapTrainerOptions options_;
};

}  // namespace tessera::partition
