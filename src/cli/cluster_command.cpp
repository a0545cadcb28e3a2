// `tessera cluster`: clusters the points of a CSV or IDX file with the learned expected-normalized-cut
// clusterer or the classical baselines (k-means, spectral), writes one 0-based cluster id per line and
// reports ACC / NMI / ARI (when labels are known) and the normalized cut.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "tessera/cli/commands.h"
#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/stopwatch.h"
#include "tessera/core/svg.h"
#include "tessera/cost/clustering_metrics.h"
#include "tessera/heuristics/kmeans.h"
#include "tessera/heuristics/nystrom_extension.h"
#include "tessera/heuristics/spectral_clustering.h"
#include "tessera/io/csv_reader.h"
#include "tessera/io/idx_reader.h"
#include "tessera/learn/checkpoint.h"
#include "tessera/learn/ncut_trainer.h"
#include "tessera/problems/affinity_graph.h"
#include "tessera/problems/cluster_dataset.h"
#include "tessera/problems/feature_transform.h"

namespace tessera::cli {
namespace {

using namespace tessera::cluster;

struct ClusterCliOptions {
  CommonOptions common;
  std::string file;
  int64_t k = 0;
  std::string format = "auto";
  std::string labels_column;
  std::string labels_file;
  double idx_scale = 255.0;
  AffinityOptions affinity;
  FeatureTransformOptions transform;  ///< pca_dims -1 = auto (graph methods: 50 when d > 50; k-means: off)
  NcutTrainOptions train;
  int restarts = 10;
  int candidates = 5;
  int64_t eigenvectors = -1;  ///< -1 = auto: ⌈1.5 k⌉ (at most the number of points)
  double train_fraction = 1.0;
  std::string save_model;
  std::string plot;
  std::string warm_start = "spectral";
  bool eval_graph = true;
};

constexpr int64_t kAutoPcaDims = 50;

bool looks_like_idx(const std::string& path) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower.find("ubyte") != std::string::npos || lower.find(".idx") != std::string::npos;
}

Dataset load(const ClusterCliOptions& o) {
  const bool idx = o.format == "idx" || (o.format == "auto" && looks_like_idx(o.file));
  if (idx) {
    if (!o.labels_column.empty()) throw UsageError("--labels-column is for CSV files; use --labels-file for IDX");
    return read_idx_dataset(o.file, o.labels_file, o.idx_scale);
  }
  if (!o.labels_file.empty()) throw UsageError("--labels-file is for IDX files; use --labels-column for CSV");
  CsvOptions csv;
  csv.label_column = o.labels_column;
  return read_csv_dataset(o.file, csv);
}

Json quality(const std::vector<int64_t>& labels, const Dataset& data, const std::vector<int64_t>& rows) {
  Json j;
  std::vector<int64_t> truth, pred;
  for (int64_t r : rows) {
    pred.push_back(labels[r]);
    if (data.has_labels()) truth.push_back(data.labels()[r]);
  }
  j["points"] = rows.size();
  if (data.has_labels()) {
    j["acc"] = clustering_accuracy(truth, pred);
    j["nmi"] = normalized_mutual_information(truth, pred);
    j["ari"] = adjusted_rand_index(truth, pred);
  }
  return j;
}

/// Spectral-clustering settings of the command (used by --method spectral and the ncut warm start).
SpectralOptions spectral_options(const ClusterCliOptions& o) {
  SpectralOptions so;
  so.k = o.k;
  so.eigenvectors = o.eigenvectors;
  so.restarts = o.restarts;
  so.candidates = o.candidates;
  so.seed = o.common.seed;
  return so;
}

std::vector<int64_t> all_rows(int64_t n) {
  std::vector<int64_t> r(n);
  for (int64_t i = 0; i < n; ++i) r[i] = i;
  return r;
}

void run_cluster(ClusterCliOptions& o) {
  Stopwatch total;
  const auto& method = o.common.method;
  Dataset data = load(o);
  const int64_t n = data.size();
  validate_cluster_count(o.k, n, o.file);
  spdlog::info("{}: {} points, {} features{}", o.file, n, data.dim(),
               data.has_labels() ? fmt::format(", {} classes", data.num_classes()) : "");
  if (o.transform.pca_dims == -1)
    o.transform.pca_dims = method != "kmeans" && data.dim() > kAutoPcaDims ? kAutoPcaDims : 0;
  o.train.k = o.k;
  o.train.seed = o.common.seed;
  o.train.progress = true;

  std::vector<int64_t> train_rows = all_rows(n), heldout_rows;
  if (o.train_fraction < 1.0) {
    if (method != "ncut") throw UsageError("--train-fraction applies to --method ncut (the learned clusterer)");
    std::tie(train_rows, heldout_rows) = Dataset::split_rows(n, o.train_fraction, o.common.seed);
  }

  Json out;
  out["file"] = o.file;
  out["method"] = method;
  out["k"] = o.k;
  out["points"] = n;
  out["features"] = data.dim();
  std::vector<int64_t> labels;
  Stopwatch watch;
  Json detail;

  const auto graph_points = static_cast<int64_t>(train_rows.size());  // the graph is built on these
  if (o.eigenvectors == -1) o.eigenvectors = std::min<int64_t>(graph_points, (3 * o.k + 1) / 2);
  if (o.eigenvectors < 0) throw UsageError("--eigenvectors must be >= 0 (0 = k) or -1 (auto)");
  if (o.affinity.neighbors >= graph_points && graph_points >= 2 && method != "kmeans") {
    spdlog::warn("--neighbors {} needs more points: using {}", o.affinity.neighbors, graph_points - 1);
    o.affinity.neighbors = graph_points - 1;
  }
  if (o.k == 1 || o.k == n || n < 3) {
    // Trivial partitions: one cluster, or one point per cluster.
    labels.resize(n);
    for (int64_t i = 0; i < n; ++i) labels[i] = o.k == 1 ? 0 : i;
    detail["trivial"] = true;
    if (o.train_fraction < 1.0) throw UsageError("--train-fraction needs 3 <= points and 1 < k < points");
  } else if (method == "kmeans") {
    KMeansOptions km;
    km.k = o.k;
    km.restarts = o.restarts;
    km.seed = o.common.seed;
    auto x = FeatureTransform::fit(data.features(), o.transform).apply(data.features());
    auto r = kmeans(x, km);
    labels = r.labels;
    detail["inertia"] = r.inertia;
    detail["iterations"] = r.iterations;
  } else if (method == "spectral") {
    auto x = FeatureTransform::fit(data.features(), o.transform).apply(data.features());
    auto g = build_affinity_graph(x, o.affinity);
    auto r = spectral_clustering(g, spectral_options(o));
    labels = r.labels;
    detail["candidate_ncut"] = r.candidate_ncut;
    detail["spectral_gap"] = r.spectral_gap;
    detail["k_column_candidates"] = r.k_column_candidates;
    detail["eigenvalues"] = std::vector<double>(r.embedding.values.data_ptr<double>(),
                                                r.embedding.values.data_ptr<double>() + r.embedding.values.numel());
    detail["solver_iterations"] = r.embedding.iterations;
    detail["ncut_method_graph"] = normalized_cut(g, labels);
  } else {  // ncut
    NcutClusterer model{nullptr};
    std::vector<int64_t> train_labels;
    Dataset train = o.train_fraction < 1.0 ? data.subset(train_rows) : data;
    if (!o.common.model.empty()) {
      auto meta = learn::read_checkpoint_meta(o.common.model, kNcutModelKind);
      auto config = NcutClustererConfig::from_json(meta.at("config"), o.common.model);
      if (config.input_dim != data.dim())
        throw InputError(o.common.model, 0,
                         fmt::format("the model expects {} features per point, {} has {}", config.input_dim,
                                     o.file, data.dim()));
      if (config.k != o.k)
        throw UsageError(fmt::format("the model in {} has k = {}, not -k {}", o.common.model, config.k, o.k));
      model = NcutClusterer(config);
      learn::load_checkpoint(o.common.model, *model);
      detail["model"] = o.common.model;
    } else {
      auto transform = FeatureTransform::fit(train.features(), o.transform);
      const auto z = transform.apply(train.features());
      auto g = build_affinity_graph(z, o.affinity);
      spdlog::info("affinity graph: {} nodes, {} edges ({}-NN, {})", g.num_nodes(), g.num_edges(),
                   o.affinity.neighbors, o.affinity.kernel);
      NcutTrainHistory history;
      std::vector<int64_t> start;
      NystromExtension extension;
      const bool spectral_input = o.train.input != "features";
      if (o.warm_start == "spectral" || spectral_input) {
        SpectralOptions so = spectral_options(o);
        so.validate(g.num_nodes());
        auto embedding = spectral_embedding(g, so.eigenvectors > 0 ? so.eigenvectors : so.k, so);
        if (spectral_input) {
          extension = NystromExtension::fit(z, g, embedding, o.affinity);
          detail["embedding_dim"] = extension.dim();
        }
        if (o.warm_start == "spectral") {
          auto r = spectral_clustering(g, embedding, so);
          start = r.labels;
          detail["warm_start_ncut"] = r.ncut;
          detail["warm_start_candidate_ncut"] = r.candidate_ncut;
          detail["warm_start_k_column_candidates"] = r.k_column_candidates;
          if (train.has_labels()) detail["warm_start_acc"] = clustering_accuracy(train.labels(), start);
        }
      }
      model = train_ncut_clusterer(train.features(), transform, g, o.train, &history, start,
                                   spectral_input ? &extension : nullptr);
      detail["full_expected_ncut"] = history.full_expected_ncut;
      // Training points get their inputs as in training (spectral: from the other training points).
      train_labels = spectral_input ? model->assign_inputs(model->reference_inputs()) : model->assign(train.features());
      detail["ncut_method_graph"] = normalized_cut(g, train_labels);
      detail["train_seconds"] = history.seconds;
      detail["final_expected_ncut"] = history.ncut.empty() ? 0.0 : history.ncut.back();
      if (!history.confident_fraction.empty()) detail["confident_fraction"] = history.confident_fraction.back();
      if (!o.save_model.empty()) {
        Json meta{{"kind", kNcutModelKind}, {"features", "raw"}, {"config", model->config().to_json()},
                  {"affinity", {{"neighbors", o.affinity.neighbors}, {"kernel", o.affinity.kernel}, {"snn", o.affinity.snn}}}};
        learn::save_checkpoint(o.save_model, *model, meta);
        detail["saved_model"] = o.save_model;
      }
      if (!o.plot.empty()) {
        svg::Series s{"E[Ncut] (train batches)", {}};
        for (size_t e = 0; e < history.ncut.size(); ++e) s.points.emplace_back(e + 1, history.ncut[e]);
        svg::line_plot("Learned clusterer: expected normalized cut per epoch", "epoch", "E[Ncut]", {s}).save(o.plot);
      }
    }
    if (train_labels.empty()) {
      labels = model->assign(data.features());  // a loaded model: every point is new to it
    } else if (o.train_fraction < 1.0) {
      labels.assign(n, 0);
      for (size_t i = 0; i < train_rows.size(); ++i) labels[train_rows[i]] = train_labels[i];
      // The held-out part is assigned by the trained network alone, one forward pass per point.
      auto held = model->assign(data.subset(heldout_rows).features());
      for (size_t i = 0; i < heldout_rows.size(); ++i) labels[heldout_rows[i]] = held[i];
    } else {
      labels = train_labels;
    }
    if (o.train_fraction < 1.0) {
      out["train_part"] = quality(labels, data, train_rows);
      out["heldout_part"] = quality(labels, data, heldout_rows);
      out["train_fraction"] = o.train_fraction;
    }
  }
  const double seconds = watch.seconds();
  out["seconds"] = seconds;
  out["detail"] = detail;
  std::vector<int64_t> sizes(o.k, 0);
  for (int64_t l : labels) ++sizes[l];
  out["cluster_sizes"] = sizes;
  Json q = quality(labels, data, all_rows(n));
  for (auto it = q.begin(); it != q.end(); ++it) out[it.key()] = it.value();
  if (o.eval_graph && n >= 2) {
    // Normalized cut on one common graph for every method: raw features, 10-NN, self-tuning weights.
    AffinityOptions eval;
    eval.neighbors = std::min<int64_t>(10, n - 1);
    auto g = build_affinity_graph(data.features(), eval);
    out["ncut"] = normalized_cut(g, labels);
    if (data.has_labels()) out["ncut_truth"] = normalized_cut(g, data.labels());
  }
  if (!o.common.out.empty()) write_labels(o.common.out, labels);
  out["total_seconds"] = total.seconds();
  if (o.common.json) {
    print_json(out);
  } else {
    std::string line = fmt::format("{} k={} on {} points: {:.2f} s", method, o.k, n, seconds);
    if (out.contains("acc"))
      line += fmt::format(", ACC {:.4f} NMI {:.4f} ARI {:.4f}", out["acc"].get<double>(), out["nmi"].get<double>(),
                          out["ari"].get<double>());
    if (out.contains("ncut")) line += fmt::format(", Ncut {:.4f}", out["ncut"].get<double>());
    if (out.contains("heldout_part") && out["heldout_part"].contains("acc"))
      line += fmt::format(" | train-part ACC {:.4f}, held-out ACC {:.4f}", out["train_part"]["acc"].get<double>(),
                          out["heldout_part"]["acc"].get<double>());
    spdlog::info("{}", line);
    if (!o.common.out.empty()) spdlog::info("labels written to {}", o.common.out);
  }
}

}  // namespace

void register_cluster_commands(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<ClusterCliOptions>();
  o->common.method = "ncut";
  o->train.input = "spectral+features";
  o->affinity.kernel = "fuzzy";  // defaults of the graph methods (one configuration for every data set)
  o->affinity.snn = true;
  auto* cmd = app.add_subcommand(
      "cluster",
      "Cluster the points of a CSV or IDX file into k clusters.\n"
      "ncut: a network (MLP → softmax over k) trained without labels on the expected normalized cut of\n"
      "a k-NN affinity graph plus a balance term; it assigns any point, also unseen ones, directly.\n"
      "kmeans: k-means++ with restarts. spectral: normalized spectral clustering (Ng-Jordan-Weiss).\n"
      "CSV: a header row naming the columns (or none: all-numeric first row), one point per line.\n"
      "IDX: MNIST format (gzip accepted). Writes one 0-based cluster id per line to --out.");
  cmd->add_option("file", o->file, "Data: CSV (.csv/.csv.gz) or IDX (*-ubyte[.gz], *.idx)")->required();
  cmd->add_option("-k,--k", o->k, "Number of clusters (1 <= k <= points)")->required();
  add_common_options(cmd, o->common, {"ncut", "kmeans", "spectral"},
                     "ncut (learned clusterer) | kmeans | spectral");
  cmd->add_option("--format", o->format, "Input format")->check(CLI::IsMember({"auto", "csv", "idx"}))->capture_default_str();
  cmd->add_option("--labels-column", o->labels_column,
                  "CSV column with ground-truth labels (name, 0-based index, first, last): used only for scores");
  cmd->add_option("--labels-file", o->labels_file, "IDX labels file (ground truth, used only for scores)");
  cmd->add_option("--idx-scale", o->idx_scale, "IDX values are divided by this")->capture_default_str();
  cmd->add_option("--neighbors", o->affinity.neighbors, "k of the k-NN affinity graph")->capture_default_str();
  cmd->add_option("--scale-neighbor", o->affinity.scale_neighbor,
                  "Local bandwidth σ_i = distance to this neighbour (0 = the k-th)")->capture_default_str();
  cmd->add_option("--kernel", o->affinity.kernel,
                  "Edge weights: self-tuning (Gaussian, local bandwidths) | fuzzy (UMAP local fuzzy sets, fuzzy "
                  "union) | binary")->check(CLI::IsMember({"self-tuning", "fuzzy", "binary"}))->capture_default_str();
  cmd->add_flag("--mutual", o->affinity.mutual, "Keep only mutual k-NN pairs");
  cmd->add_flag("--snn,!--no-snn", o->affinity.snn,
                "Shared-nearest-neighbour reweighting (Jaccard overlap of the two k-NN lists); on by default, "
                "--no-snn switches it off");
  o->transform.pca_dims = -1;
  cmd->add_option("--pca-dims", o->transform.pca_dims,
                  "Project on the top principal components first (0 = off; -1 = auto: 50 for spectral and ncut when "
                  "there are more than 50 features, off for kmeans)")
      ->capture_default_str();
  cmd->add_flag("--whiten", o->transform.whiten, "Whiten (unit variance per component) after the projection");
  cmd->add_option("--restarts", o->restarts, "k-means restarts (kmeans, spectral)")->capture_default_str();
  cmd->add_option("--candidates", o->candidates,
                  "spectral / ncut warm start: independent k-means runs on the embedding (as many again on its first k "
                  "columns when the spectrum has a gap after the k-th eigenvalue), lowest Ncut kept")
      ->capture_default_str();
  cmd->add_option("--eigenvectors", o->eigenvectors, "Spectral embedding dimension (0 = k; -1 = auto: ⌈1.5 k⌉)")->capture_default_str();
  cmd->add_option("--epochs", o->train.epochs, "ncut: training epochs")->capture_default_str();
  cmd->add_option("--distill-epochs", o->train.distill_epochs, "ncut: self-distillation epochs (0 = off)")
      ->capture_default_str();
  cmd->add_option("--batch-size", o->train.batch_size, "ncut: sampled point-neighbour pairs per step")->capture_default_str();
  cmd->add_option("--lr", o->train.lr, "ncut: Adam learning rate")->capture_default_str();
  cmd->add_option("--balance", o->train.balance, "ncut: weight of the balance term")->capture_default_str();
  cmd->add_option("--confidence", o->train.confidence, "ncut: self-distillation threshold")->capture_default_str();
  cmd->add_option("--distill", o->train.distill, "ncut: weight of the self-distillation term")->capture_default_str();
  cmd->add_option("--hidden", o->train.hidden, "ncut: hidden layer sizes")->capture_default_str()->expected(1, 8);
  cmd->add_option("--input", o->train.input,
                  "ncut: network input: spectral = out-of-sample (Nyström) spectral embedding from the k nearest "
                  "training points (stored in the model) | features = the (PCA) features | spectral+features = both")
      ->check(CLI::IsMember({"spectral", "features", "spectral+features"}))->capture_default_str();
  cmd->add_option("--warm-start", o->warm_start,
                  "ncut: none, or spectral = first fit the network to the spectral clustering of the same graph "
                  "(unsupervised), then train on E[Ncut]")->check(CLI::IsMember({"none", "spectral"}))->capture_default_str();
  cmd->add_option("--warm-epochs", o->train.warm_epochs, "ncut: warm-start epochs")->capture_default_str();
  cmd->add_option("--train-fraction", o->train_fraction,
                  "ncut: train on this random fraction, assign the disjoint rest with the trained network, "
                  "report both parts")->capture_default_str();
  cmd->add_option("--save-model", o->save_model, "ncut: write the trained clusterer here");
  cmd->add_option("--plot", o->plot, "ncut: SVG of E[Ncut] per training epoch");
  cmd->add_flag("!--no-eval-graph", o->eval_graph, "Skip the Ncut on the common raw 10-NN graph");
  cmd->callback([o, &global] {
    start(global, o->common);
    run_cluster(*o);
  });
}

}  // namespace tessera::cli
