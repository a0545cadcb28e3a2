#include "tessera/learn/gap_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <spdlog/spdlog.h>

#include "tessera/core/error.h"
#include "tessera/core/progress.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/gap_loss.h"
#include "tessera/cost/partition_metrics.h"
#include "tessera/graph/graph_generators.h"
#include "tessera/graph/graph_tensors.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/nn/gap_model.h"

namespace tessera::partition {
namespace {

struct Sample {
  graph::Graph graph;
  torch::Tensor features;
  graph::EdgeIndex edges;
  torch::Tensor degree, weight;
};

Sample make_sample(uint64_t seed, const GapTrainerOptions& o) {
  Sample s;
  s.graph = random_training_graph(o.families, o.n_min, o.n_max, seed);
  s.features = partition_features(s.graph, o.features);
  s.edges = graph::edge_index(s.graph);
  s.degree = graph::weighted_degree_tensor(s.graph);
  s.weight = graph::node_weight_tensor(s.graph).select(1, 0).contiguous();
  return s;
}

}  // namespace

void GapTrainerOptions::validate() const {
  if (k < 2) throw UsageError("k must be >= 2 for training, got " + std::to_string(k));
  if (epochs < 1) throw UsageError("epochs must be >= 1");
  if (graphs < 1) throw UsageError("graphs must be >= 1");
  if (validation_graphs < 0) throw UsageError("validation_graphs must be >= 0");
  if (n_min < 16 || n_max < n_min) throw UsageError("need 16 <= n_min <= n_max");
  if (!(learning_rate > 0)) throw UsageError("learning_rate must be > 0");
  if (!(balance_weight >= 0)) throw UsageError("balance_weight must be >= 0");
  if (hidden < 1 || layers < 0) throw UsageError("hidden must be >= 1 and layers >= 0");
  if (out.empty()) throw UsageError("--out (model file) is required for training");
  for (const auto& f : families)
    if (std::find(generator_names().begin(), generator_names().end(), f) == generator_names().end())
      throw UsageError("unknown graph family '" + f + "'");
  features.validate();
}

GapTrainer::GapTrainer(GapTrainerOptions options) : options_(std::move(options)) { options_.validate(); }

GapTrainResult GapTrainer::train() {
  const auto& o = options_;
  Stopwatch clock;
  torch::manual_seed(derive_seed(o.seed, 0x7a1));
  GapModelConfig config;
  config.in_features = feature_count(o.features);
  config.hidden = o.hidden;
  config.layers = o.layers;
  config.k = o.k;
  GapModel model(config);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(o.learning_rate));

  Json config_json = config.to_json();
  config_json["train"] = Json{{"graphs", o.graphs},           {"n_min", o.n_min},
                              {"n_max", o.n_max},             {"families", o.families},
                              {"learning_rate", o.learning_rate}, {"balance_weight", o.balance_weight},
                              {"seed", o.seed},               {"epochs", o.epochs}};
  int start_epoch = 0;
  Json log = Json::array();
  if (o.resume && std::filesystem::exists(o.out)) {
    Json meta = learn::read_checkpoint_meta(o.out, "gap");
    if (meta.value("features", "") != feature_set_id(o.features))
      throw InputError(o.out, 0, "cannot resume: checkpoint was trained with feature set '" +
                                     meta.value("features", "") + "', this run uses '" + feature_set_id(o.features) + "'");
    auto saved = GapModelConfig::from_json(meta.at("config"), o.out);
    if (saved.to_json() != config.to_json())
      throw InputError(o.out, 0, "cannot resume: checkpoint network config " + saved.to_json().dump() +
                                     " differs from this run's " + config.to_json().dump());
    learn::load_checkpoint(o.out, *model, &optimizer);
    start_epoch = meta.at("state").value("epoch", 0);
    log = meta.at("state").value("log", Json::array());
    spdlog::info("resuming GAP training from {} at epoch {}", o.out, start_epoch);
  }

  // Training pool and validation graphs (features computed once).
  std::vector<Sample> pool, validation;
  {
    ProgressBar bar("generating graphs", o.graphs + o.validation_graphs, o.progress);
    for (int i = 0; i < o.graphs; ++i) {
      pool.push_back(make_sample(derive_seed(o.seed, 1000 + i), o));
      bar.advance();
    }
    for (int i = 0; i < o.validation_graphs; ++i) {
      validation.push_back(make_sample(derive_seed(o.seed ^ 0xABCDEFULL, 900000 + i), o));
      bar.advance();
    }
  }
  GapTrainResult result;
  ProgressBar bar("training GAP", o.epochs, o.progress);
  bar.resume_at(start_epoch);
  for (int epoch = start_epoch; epoch < o.epochs; ++epoch) {
    model->train();
    std::vector<int64_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    Rng rng(derive_seed(o.seed, 50000 + epoch));
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    for (int64_t i : order) {
      auto& s = pool[i];
      optimizer.zero_grad();
      auto y = model->probabilities(s.features, s.edges);
      auto loss = gap_loss(y, s.edges, s.degree, s.weight, o.balance_weight);
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
    }
    // Validation: hard argmax partitions of held-out graphs.
    double vncut = 0, vimb = 0;
    {
      torch::NoGradGuard guard;
      model->eval();
      for (auto& s : validation) {
        auto hard = model->forward(s.features, s.edges).argmax(1).to(torch::kInt32).contiguous();
        std::vector<int> part(hard.data_ptr<int>(), hard.data_ptr<int>() + hard.numel());
        vncut += normalized_cut(s.graph, part, o.k);
        vimb += imbalance(s.graph, part, o.k);
      }
      if (!validation.empty()) {
        vncut /= validation.size();
        vimb /= validation.size();
      }
    }
    result.final_loss = loss_sum / pool.size();
    result.validation_ncut = vncut;
    result.validation_balance = vimb;
    log.push_back(Json{{"epoch", epoch + 1},
                       {"loss", result.final_loss},
                       {"validation_ncut", vncut},
                       {"validation_imbalance", vimb},
                       {"seconds", clock.seconds()}});
    Json meta{{"kind", "gap"},
              {"features", feature_set_id(o.features)},
              {"feature_options", Json{{"eigenvectors", o.features.eigenvectors},
                                       {"smoothing_rounds", o.features.smoothing_rounds},
                                       {"smoothing_steps", o.features.smoothing_steps}}},
              {"config", config_json},
              {"state", Json{{"epoch", epoch + 1}, {"log", log}}}};
    learn::save_checkpoint(o.out, *model, meta, &optimizer);
    bar.set_status(fmt::format("loss {:.4f} val ncut {:.4f} imb {:.3f}", result.final_loss, vncut, vimb));
    bar.advance();
    spdlog::debug("epoch {}: loss {:.5f}, validation ncut {:.5f}, imbalance {:.4f}", epoch + 1, result.final_loss,
                  vncut, vimb);
  }
  bar.finish();
  result.epochs_done = o.epochs;
  result.seconds = clock.seconds();
  result.log = log;
  return result;
}

}  // namespace tessera::partition
