#include "tessera/learn/binpack_rlho.h"

#include <algorithm>
#include <filesystem>

#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/bin_packing_cost.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/nn/binpack_policy.h"

#ifndef TESSERA_SOURCE_DIR
#define TESSERA_SOURCE_DIR "."
#endif

namespace tessera::binpack {

struct BinpackModel::Impl {
  BinpackPolicy policy{nullptr};
};

BinpackModel::BinpackModel() : impl_(std::make_unique<Impl>()) {}
BinpackModel::BinpackModel(BinpackModel&&) noexcept = default;
BinpackModel& BinpackModel::operator=(BinpackModel&&) noexcept = default;
BinpackModel::~BinpackModel() = default;

BinpackModel BinpackModel::load(const std::string& path) {
  BinpackModel m;
  m.meta_ = learn::read_checkpoint_meta(path, "binpack_policy");
  int64_t hidden = m.meta_.contains("config") ? m.meta_["config"].value("hidden", int64_t{64}) : 64;
  m.impl_->policy = BinpackPolicy(hidden);
  learn::load_checkpoint(path, *m.impl_->policy);
  m.impl_->policy->eval();
  m.path_ = path;
  return m;
}

Packing BinpackModel::pack(const BinPackingInstance& instance) const {
  Rng rng(1);
  BinpackPolicy policy = impl_->policy;
  return binpack_rollout(policy, instance, true, rng, false).packing;
}

namespace {
/// Fewer bins first, then the higher Falkenauer fitness.
bool better(const BinPackingInstance& inst, const Packing& a, const Packing& b) {
  if (a.bins() != b.bins()) return a.bins() < b.bins();
  return falkenauer_fitness(inst, a) > falkenauer_fitness(inst, b);
}
}  // namespace

Packing BinpackModel::best_of(const BinPackingInstance& instance, int samples, uint64_t seed,
                              double time_limit) const {
  Stopwatch clock;
  Packing best = pack(instance);
  BinpackPolicy policy = impl_->policy;
  for (int s = 0; s < samples && clock.seconds() < time_limit; ++s) {
    Rng rng(derive_seed(seed, static_cast<uint64_t>(s)));
    Packing p = binpack_rollout(policy, instance, false, rng, false).packing;
    if (better(instance, p, best)) best = std::move(p);
  }
  return best;
}

std::string default_binpack_model_path() {
  namespace fs = std::filesystem;
  const std::string rel = "models/binpack_policy.pt";
  if (fs::exists(rel)) return rel;
  std::string in_source = std::string(TESSERA_SOURCE_DIR) + "/" + rel;
  if (fs::exists(in_source)) return in_source;
  return rel;
}

void RlhoOptions::validate() const {
  if (!(time_limit > 0)) throw UsageError("rlho: time_limit must be > 0");
  if (rl_time_share < 0 || rl_time_share >= 1) throw UsageError("rlho: rl_time_share must be in [0, 1)");
  if (samples < 0) throw UsageError("rlho: samples must be >= 0");
}

RlhoResult solve_rlho(const BinpackModel& model, const BinPackingInstance& instance, const RlhoOptions& options) {
  options.validate();
  Stopwatch clock;
  RlhoResult result;
  Packing start = model.best_of(instance, options.samples, derive_seed(options.seed, 0x21), 
                                options.time_limit * options.rl_time_share);
  result.rl_bins = start.bins();
  result.rl_seconds = clock.seconds();
  AnnealerOptions sa = options.annealer;
  sa.seed = derive_seed(options.seed, 0x5A);
  sa.time_limit = std::max(1e-3, options.time_limit - result.rl_seconds);
  result.annealing = anneal(instance, start, sa);
  result.packing = result.annealing.packing;
  return result;
}

}  // namespace tessera::binpack
