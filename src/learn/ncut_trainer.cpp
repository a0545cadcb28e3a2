#include "tessera/learn/ncut_trainer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "tessera/core/error.h"
#include "tessera/core/progress.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/minibatch_ncut_loss.h"
#include "tessera/graph/graph_tensors.h"
#include "tessera/problems/cluster_dataset.h"

namespace tessera::cluster {

void NcutTrainOptions::validate(int64_t num_points) const {
  validate_cluster_count(k, num_points, "the training data");
  if (epochs < 1) throw UsageError(fmt::format("--epochs must be >= 1, got {}", epochs));
  if (distill_epochs < 0 || warm_epochs < 0) throw UsageError("--distill-epochs and --warm-epochs must be >= 0");
  if (batch_size < 1) throw UsageError("--batch-size must be >= 1");
  if (!(lr > 0)) throw UsageError("--lr must be > 0");
  if (!(balance >= 0) || !(distill >= 0) || !(weight_decay >= 0))
    throw UsageError("--balance, --distill and --weight-decay must be >= 0");
  if (input != "features" && input != "spectral" && input != "spectral+features")
    throw UsageError(fmt::format("--input must be features, spectral or spectral+features, got '{}'", input));
  if (!(confidence > 0 && confidence < 1)) throw UsageError("--confidence must be in (0, 1)");
  for (int64_t h : hidden)
    if (h < 1) throw UsageError("hidden layer sizes must be >= 1");
}

NcutClusterer train_ncut_clusterer(const torch::Tensor& x, const FeatureTransform& transform, const graph::Graph& g,
                                   const NcutTrainOptions& options, NcutTrainHistory* history,
                                   const std::vector<int64_t>& start_labels, const NystromExtension* extension) {
  const int64_t n = x.size(0);
  options.validate(n);
  TORCH_CHECK(g.num_nodes() == n, "train_ncut_clusterer: graph and data sizes differ");
  if (!start_labels.empty()) {
    if (static_cast<int64_t>(start_labels.size()) != n) throw Error("start labels: one per point expected");
    for (int64_t l : start_labels)
      if (l < 0 || l >= options.k) throw Error("start labels must be in [0, k)");
  }
  if (g.num_arcs() == 0) throw Error("the affinity graph has no edges");
  Stopwatch watch;
  torch::manual_seed(derive_seed(options.seed, 0xc1u));  // parameter initialisation
  NcutClustererConfig config;
  config.input_dim = x.size(1);
  config.feature_dim = transform.output_dim();
  config.k = options.k;
  config.hidden = options.hidden;
  config.layer_norm = options.layer_norm;
  config.input = options.input;
  if (config.uses_spectral()) {
    if (extension == nullptr || !extension->defined())
      throw Error("spectral network inputs need the spectral extension of the training graph");
    if (extension->reference_points() != n) throw Error("the spectral extension was fitted on other points");
    config.reference_points = n;
    config.embedding_dim = extension->dim();
    config.affinity = extension->options();
  }
  NcutClusterer model(config);
  model->set_transform(transform);
  if (config.uses_spectral()) model->set_extension(*extension);
  model->train();
  torch::optim::Adam optimizer(model->parameters(),
                               torch::optim::AdamOptions(options.lr).weight_decay(options.weight_decay));

  // Network inputs of the training points (spectral: leave-one-out Nyström rows, as unseen points get).
  const auto features = config.uses_spectral() ? model->reference_inputs() : model->inputs(x);
  auto probabilities_of_all = [&] {
    torch::NoGradGuard no_grad;
    model->eval();
    auto p = torch::softmax(model->forward_features(features), 1);
    model->train();
    return p;
  };
  // Arc sampling ∝ weight: cumulative weights over the CSR arcs and the source of each arc.
  const int64_t arcs = g.num_arcs();
  std::vector<double> cumulative(arcs);
  std::vector<int64_t> arc_src(arcs);
  double acc = 0;
  for (int64_t v = 0; v < n; ++v)
    for (int64_t a = g.begin(v); a < g.end(v); ++a) {
      cumulative[a] = (acc += g.edge_weight(a));
      arc_src[a] = v;
    }
  const int64_t b = options.batch_size;
  auto arc_ids = torch::arange(b, torch::kInt64);
  auto unit_degree = torch::ones({b}, torch::kFloat32);
  auto unit_weight = torch::ones({b}, torch::kFloat32);

  Rng rng(derive_seed(options.seed, 0xc2u));
  std::vector<int64_t> pseudo(n, -1);  // self-distillation targets (-1 = not confident)
  const bool warm = !start_labels.empty() && options.warm_epochs > 0;
  const int warm_epochs = warm ? options.warm_epochs : 0;
  const int total_epochs = warm_epochs + options.epochs + options.distill_epochs;
  const int64_t steps_per_epoch = std::max<int64_t>(1, (n + b - 1) / b);
  ProgressBar bar("ncut training", total_epochs * steps_per_epoch, options.progress);
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<int64_t> rows(2 * b);

  for (int epoch = 0; epoch < total_epochs; ++epoch) {
    const bool warming = epoch < warm_epochs;
    const bool distilling = epoch >= warm_epochs + options.epochs;
    if (distilling) {
      auto probs = probabilities_of_all();
      auto [maxp, arg] = probs.max(1);
      auto maxp_c = maxp.contiguous();
      auto arg_c = arg.contiguous();
      int64_t confident = 0;
      for (int64_t i = 0; i < n; ++i) {
        const bool ok = maxp_c.data_ptr<float>()[i] >= options.confidence;
        pseudo[i] = ok ? arg_c.data_ptr<int64_t>()[i] : -1;
        confident += ok;
      }
      if (history) history->confident_fraction.push_back(static_cast<double>(confident) / n);
    }
    if (warming) std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0, ncut_sum = 0;
    for (int64_t s = 0; s < steps_per_epoch; ++s) {
      torch::Tensor loss;
      if (warming) {
        const int64_t begin = s * b, end = std::min(n, begin + b);
        std::vector<int64_t> batch(order.begin() + begin, order.begin() + end), targets;
        for (int64_t i : batch) targets.push_back(start_labels[i]);
        auto logits = model->forward_features(features.index_select(0, torch::tensor(batch, torch::kInt64)));
        loss = torch::nll_loss(torch::log_softmax(logits, 1), torch::tensor(targets, torch::kInt64));
      } else {
        for (int64_t i = 0; i < b; ++i) {
          const double r = uniform01(rng) * acc;
          int64_t a = std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin();
          a = std::min(a, arcs - 1);
          rows[i] = arc_src[a];
          rows[b + i] = g.neighbor(a);
        }
        auto logits = model->forward_features(features.index_select(0, torch::tensor(rows, torch::kInt64)));
        auto y = torch::softmax(logits, 1);
        // Sources are rows [0, b) with unit "degree" (they were drawn ∝ degree), arc i → b + i.
        auto ncut = minibatch_expected_ncut(y, arc_ids, arc_ids + b, unit_weight, unit_degree);
        loss = ncut + options.balance * balance_kl(y);
        if (distilling && options.distill > 0) {
          std::vector<int64_t> target_rows, targets;
          for (int64_t r = 0; r < 2 * b; ++r)
            if (pseudo[rows[r]] >= 0) {
              target_rows.push_back(r);
              targets.push_back(pseudo[rows[r]]);
            }
          if (!target_rows.empty()) {
            auto lp = torch::log_softmax(logits.index_select(0, torch::tensor(target_rows, torch::kInt64)), 1);
            loss = loss + options.distill * torch::nll_loss(lp, torch::tensor(targets, torch::kInt64));
          }
        }
        ncut_sum += ncut.item<double>();
      }
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      bar.advance();
    }
    const double mean_loss = loss_sum / steps_per_epoch, mean_ncut = ncut_sum / steps_per_epoch;
    if (!warming) {
      bar.set_status(fmt::format("E[Ncut] {:.3f}", mean_ncut));
      if (history) {
        history->loss.push_back(mean_loss);
        history->ncut.push_back(mean_ncut);
      }
    }
    spdlog::debug("epoch {}{}: loss {:.4f} E[Ncut] {:.4f}", epoch + 1, warming ? " (warm start)" : "", mean_loss,
                  mean_ncut);
  }
  bar.finish();
  model->eval();
  if (history) {
    auto e = graph::edge_index(g);
    auto y = probabilities_of_all();
    model->eval();
    history->full_expected_ncut =
        minibatch_expected_ncut(y, e.src, e.dst, e.weight, graph::weighted_degree_tensor(g)).item<double>();
    history->seconds = watch.seconds();
  }
  return model;
}

}  // namespace tessera::cluster
