#include "tessera/problems/graph_partitioner.h"

#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <spdlog/spdlog.h>

#include "tessera/core/error.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/graph/graph_coarsener.h"
#include "tessera/graph/graph_tensors.h"
#include "tessera/heuristics/metis_partitioner.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/nn/gap_model.h"
#include "tessera/problems/partition_features.h"

#ifndef TESSERA_SOURCE_DIR
#define TESSERA_SOURCE_DIR "."
#endif

namespace tessera::partition {

/// A GAP model loaded from a file, with the feature options it was trained with.
class GapPredictor {
 public:
  explicit GapPredictor(const std::string& path) : path_(path), model_(nullptr) {
    Json meta = learn::read_checkpoint_meta(path, "gap");
    if (!meta.contains("config") || !meta.contains("feature_options"))
      throw InputError(path, 0, "GAP model file lacks its network config or feature options");
    try {
      features_.eigenvectors = meta["feature_options"].at("eigenvectors").get<int>();
      features_.smoothing_rounds = meta["feature_options"].at("smoothing_rounds").get<int>();
      features_.smoothing_steps = meta["feature_options"].at("smoothing_steps").get<int>();
      features_.validate();
    } catch (const std::exception& e) {
      throw InputError(path, 0, std::string("GAP model file: bad feature options: ") + e.what());
    }
    const std::string fid = meta.value("features", "");
    if (fid != feature_set_id(features_))
      throw InputError(path, 0, "model was trained for feature set '" + fid + "', this build computes '" +
                                    feature_set_id(features_) + "'; retrain it with `tessera partition train`");
    auto config = GapModelConfig::from_json(meta["config"], path);
    if (config.in_features != feature_count(features_))
      throw InputError(path, 0, "model expects " + std::to_string(config.in_features) + " input features, feature set '" +
                                    fid + "' has " + std::to_string(feature_count(features_)));
    model_ = GapModel(config);
    learn::load_checkpoint(path, *model_);
    model_->eval();
  }
  int k() const { return model_->config().k; }
  const std::string& path() const { return path_; }
  /// Logits [n, k] on g.
  torch::Tensor logits(const graph::Graph& g) {
    torch::NoGradGuard guard;
    auto x = partition_features(g, features_);
    return model_->forward(x, graph::edge_index(g));
  }

 private:
  std::string path_;
  FeatureOptions features_;
  GapModel model_;
};

const std::vector<std::string>& partition_method_names() {
  static const std::vector<std::string> names{"gap", "gap-raw", "metis", "metis-rb", "random", "refine-random"};
  return names;
}

void PartitionOptions::validate(const graph::Graph& g) const {
  const auto& names = partition_method_names();
  if (std::find(names.begin(), names.end(), method) == names.end())
    throw UsageError("unknown partition method '" + method + "'");
  if (k <= 0) throw UsageError("k must be >= 1, got " + std::to_string(k));
  if (k > g.num_nodes())
    throw UsageError("k = " + std::to_string(k) + " exceeds the number of nodes (" + std::to_string(g.num_nodes()) + ")");
  if (!(imbalance >= 0)) throw UsageError("imbalance must be >= 0, got " + std::to_string(imbalance));
  if (imbalance > 100) throw UsageError("imbalance must be <= 100, got " + std::to_string(imbalance));
}

std::string default_model_path() {
  const std::string name = "gap_k2.pt";
  std::vector<std::filesystem::path> tried;
  if (const char* dir = std::getenv("TESSERA_MODEL_DIR")) tried.push_back(std::filesystem::path(dir) / name);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto dir = exe.parent_path();
    for (int up = 0; up < 4 && !dir.empty(); ++up) {
      tried.push_back(dir / "models" / name);
      dir = dir.parent_path();
    }
  }
  tried.push_back(std::filesystem::path(TESSERA_SOURCE_DIR) / "models" / name);
  tried.push_back(std::filesystem::path("models") / name);
  std::string list;
  for (const auto& p : tried) {
    if (std::filesystem::is_regular_file(p, ec)) return p.string();
    list += "\n  " + p.string();
  }
  throw UsageError("no GAP model given (--model) and the shipped model was not found; searched:" + list +
                   "\n(train one with tools/train_gap.sh or `tessera partition train`)");
}

std::vector<int> random_partition(const graph::Graph& g, int k, uint64_t seed) {
  const int64_t n = g.num_nodes();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(derive_seed(seed, 0x7a9d));
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<int> part(n, 0);
  std::vector<double> bw(k, 0.0);
  // Heaviest first (stable within the random order) makes the greedy fill tight for weighted graphs.
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return g.node_weight(a) > g.node_weight(b); });
  for (int64_t v : order) {
    int b = static_cast<int>(std::min_element(bw.begin(), bw.end()) - bw.begin());
    part[v] = b;
    bw[b] += g.node_weight(v);
  }
  return part;
}

GraphPartitioner::GraphPartitioner(PartitionOptions options) : options_(std::move(options)) {
  options_.refiner.imbalance = options_.imbalance;
  options_.refiner.seed = options_.seed;
  options_.refiner.validate();
}

GraphPartitioner::~GraphPartitioner() = default;

std::vector<int> GraphPartitioner::gap_partition(const graph::Graph& g, int k) {
  if (!gap_) gap_ = std::make_unique<GapPredictor>(options_.model.empty() ? default_model_path() : options_.model);
  const int64_t n = g.num_nodes();
  std::vector<int> part(n, 0);
  if (k == 1) return part;
  if (gap_->k() == k && k > 2) {  // a model trained for this k: argmax
    auto hard = gap_->logits(g).argmax(1).to(torch::kInt32).contiguous();
    std::copy(hard.data_ptr<int>(), hard.data_ptr<int>() + n, part.begin());
    return part;
  }
  if (gap_->k() != 2)
    throw UsageError("model " + gap_->path() + " was trained for k = " + std::to_string(gap_->k()) +
                     "; use a k = 2 model (recursive bisection) or one trained for k = " + std::to_string(k));
  // Recursive bisection, breadth-first over (nodes, number of blocks, first block id).
  struct Task {
    std::vector<int64_t> nodes;
    int blocks;
    int first;
  };
  std::vector<Task> stack;
  std::vector<int64_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  stack.push_back({std::move(all), k, 0});
  while (!stack.empty()) {
    Task t = std::move(stack.back());
    stack.pop_back();
    if (t.blocks == 1 || t.nodes.size() <= 1) {
      for (int64_t v : t.nodes) part[v] = t.first;
      continue;
    }
    const int k1 = t.blocks / 2;
    graph::Graph sub = t.nodes.size() == static_cast<size_t>(n) ? g : induced_subgraph(g, t.nodes);
    auto logits = gap_->logits(sub).to(torch::kFloat64).contiguous();
    const double* pl = logits.data_ptr<double>();
    const int64_t m = static_cast<int64_t>(t.nodes.size());
    std::vector<int64_t> order(m);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return pl[2 * a] - pl[2 * a + 1] > pl[2 * b] - pl[2 * b + 1]; });
    double total = 0;
    for (int64_t i = 0; i < m; ++i) total += sub.node_weight(i);
    const double target = total * k1 / t.blocks;
    // Split where the prefix weight is closest to the target (at least one node per side).
    double prefix = 0, best_gap = 1e300;
    int64_t split = 1;
    for (int64_t i = 0; i < m - 1; ++i) {
      prefix += sub.node_weight(order[i]);
      const double gap = std::abs(prefix - target);
      if (gap < best_gap) {
        best_gap = gap;
        split = i + 1;
      }
    }
    Task left{{}, k1, t.first}, right{{}, t.blocks - k1, t.first + k1};
    for (int64_t i = 0; i < m; ++i) (i < split ? left : right).nodes.push_back(t.nodes[order[i]]);
    std::sort(left.nodes.begin(), left.nodes.end());
    std::sort(right.nodes.begin(), right.nodes.end());
    stack.push_back(std::move(right));
    stack.push_back(std::move(left));
  }
  return part;
}

PartitionResult GraphPartitioner::run(const graph::Graph& g) {
  options_.validate(g);
  const int k = options_.k;
  const std::string& method = options_.method;
  PartitionResult r;
  r.method = method;
  r.k = k;
  r.imbalance_bound = options_.imbalance;
  Stopwatch total;
  FmRefiner refiner(options_.refiner);
  if (method == "gap" || method == "gap-raw") {
    Stopwatch sw;
    r.part = gap_partition(g, k);
    r.inference_seconds = sw.seconds();
    r.model = gap_->path();
    if (method == "gap") {
      sw.reset();
      refiner.refine(g, r.part, k);
      r.refine_seconds = sw.seconds();
    }
  } else if (method == "metis" || method == "metis-rb") {
    heuristics::MetisOptions mo;
    mo.k = k;
    mo.imbalance = options_.imbalance;
    mo.scheme = method == "metis" ? heuristics::MetisScheme::kKway : heuristics::MetisScheme::kRecursive;
    mo.seed = options_.seed;
    r.part = k == 1 ? std::vector<int>(g.num_nodes(), 0) : heuristics::metis_partition(g, mo);
  } else if (method == "random" || method == "refine-random") {
    r.part = random_partition(g, k, options_.seed);
    if (method == "refine-random") {
      Stopwatch sw;
      refiner.refine(g, r.part, k);
      r.refine_seconds = sw.seconds();
    }
  }
  r.seconds = total.seconds();
  r.quality = evaluate_partition(g, r.part, k);
  r.feasible = r.quality.max_block_weight <= max_block_weight(g, k, options_.imbalance) + 1e-9;
  return r;
}

Json PartitionResult::to_json() const {
  Json j{{"method", method},
         {"k", k},
         {"imbalance_bound", imbalance_bound},
         {"cut", quality.cut},
         {"imbalance", quality.imbalance},
         {"normalized_cut", quality.normalized_cut},
         {"max_block_weight", quality.max_block_weight},
         {"empty_blocks", quality.empty_blocks},
         {"feasible", feasible},
         {"time", seconds},
         {"inference_time", inference_seconds},
         {"refine_time", refine_seconds}};
  if (!model.empty()) j["model"] = model;
  return j;
}

}  // namespace tessera::partition
