// `tessera devices train`: batch pre-training of the GDP policy over a folder of model graphs.
// (The learned placers themselves are methods of `tessera devices place`, added through
// devices::add_learned_placers.)
#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

#include "tessera/cli/commands.h"
#include "tessera/cli/common.h"
#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/log.h"
#include "tessera/cost/device_simulator.h"
#include "tessera/heuristics/device_placer.h"
#include "tessera/io/device_model_reader.h"
#include "tessera/learn/gdp_trainer.h"
#include "tessera/problems/cluster.h"
#include "tessera/problems/dataflow_generator.h"
#include "tessera/problems/training_graph.h"

namespace tessera::cli {

namespace {

struct TrainArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::string> clusters{"p100x4"};
  std::vector<std::string> exclude;
  bool training = false;
  int batch = 0;
  int iterations = 40;
  int samples = 8;
  double learning_rate = devices::GdpTrainOptions::default_ppo().learning_rate;
  double entropy_coef = devices::GdpTrainOptions::default_ppo().entropy_coef;
  std::string checkpoint;
  int checkpoint_every = 5;
  bool resume = false;
  std::string log;
  double time_budget = 0;
  int64_t max_ops = 200000;
  int hidden = 64;
  int max_devices = 16;
  std::vector<std::string> imitate;
  int imitation_epochs = 40;
  std::vector<std::string> hint;
  bool per_op_actions = false;
  int memory_repair = 0;
  int synthetic = 0;
  std::vector<std::string> synthetic_families = devices::dataflow_families();
  int synthetic_max_ops = 1500;
};

std::vector<std::string> collect_models(const std::vector<std::string>& inputs, const std::vector<std::string>& exclude) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    namespace fs = std::filesystem;
    if (!fs::exists(in)) throw UsageError("devices train: input '" + in + "' does not exist");
    if (fs::is_directory(in)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(in))
        if (e.is_regular_file() && e.path().extension() == ".onnx") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  std::set<std::string> ex(exclude.begin(), exclude.end());
  std::vector<std::string> kept;
  for (const auto& f : files)
    if (!ex.count(std::filesystem::path(f).stem().string())) kept.push_back(f);
  if (kept.empty()) throw UsageError("devices train: no model graphs (*.onnx) left to train on");
  return kept;
}

/// The imitation teacher of a task: the best of the named classical placers by the simulator's score
/// (devices::best_classical_placement, devices renumbered canonically; no memory repair).
std::vector<int> teacher_placement(const devices::PlacementTask& task, const std::vector<std::string>& methods,
                                   const TrainArgs& a) {
  devices::ReferencePlacement best = devices::best_classical_placement(*task.graph, *task.cluster, methods,
                                                                      a.common.seed, 0);
  spdlog::info("devices train: teacher of {} is {} (step score {:.4f})", task.name, best.method, best.score);
  return best.placement;
}

void run_train(const GlobalOptions& global, TrainArgs& a) {
  start(global, a.common);
  if (a.common.out.empty()) throw UsageError("devices train: --out MODEL.pt is required");
  devices::PlacerRegistry classical;
  devices::add_classical_placers(classical);
  for (const auto& m : a.imitate) (void)classical.create(m);  // UsageError listing the names when unknown
  for (const auto& m : a.hint) (void)classical.create(m);
  auto files = collect_models(a.inputs, a.exclude);
  if (a.synthetic > 0 && a.synthetic_families.empty())
    throw UsageError("devices train: --synthetic-families names no family");
  devices::ModelOptions mo;
  mo.training = a.training;
  mo.batch = a.batch;
  mo.validate();
  std::vector<std::unique_ptr<devices::DeviceGraph>> graphs;
  std::vector<std::unique_ptr<devices::Cluster>> clusters;
  for (const auto& c : a.clusters) clusters.push_back(std::make_unique<devices::Cluster>(devices::load_cluster(c)));
  std::vector<devices::PlacementTask> tasks;
  for (const auto& f : files) {
    graphs.push_back(std::make_unique<devices::DeviceGraph>(devices::read_device_model(f, mo)));
    std::string stem = std::filesystem::path(f).stem().string();
    for (size_t c = 0; c < clusters.size(); ++c)
      tasks.push_back({stem + "@" + clusters[c]->name(), graphs.back().get(), clusters[c].get()});
    spdlog::info("devices train: {} ({} ops)", stem, graphs.back()->num_ops());
  }
  // Generated graphs (problems/dataflow_generator.h): families in turn, one derived seed each.
  for (int i = 0; i < a.synthetic; ++i) {
    devices::DataflowGeneratorOptions go;
    go.family = a.synthetic_families[i % a.synthetic_families.size()];
    go.max_ops = a.synthetic_max_ops;
    auto g = devices::generate_dataflow_graph(go, derive_seed(a.common.seed, 5000 + i));
    if (a.training) g = devices::expand_training(g, mo.train);
    graphs.push_back(std::make_unique<devices::DeviceGraph>(std::move(g)));
    for (size_t c = 0; c < clusters.size(); ++c)
      tasks.push_back({graphs.back()->name() + "@" + clusters[c]->name(), graphs.back().get(), clusters[c].get()});
    spdlog::info("devices train: generated {} ({} ops, batch {})", graphs.back()->name(), graphs.back()->num_ops(),
                 graphs.back()->batch_size());
  }
  if (tasks.empty()) throw UsageError("devices train: no graphs to train on (no model files and --synthetic 0)");
  devices::GdpTrainOptions o;
  o.iterations = a.iterations;
  o.samples = a.samples;
  o.ppo.learning_rate = a.learning_rate;
  o.ppo.entropy_coef = a.entropy_coef;
  o.seed = a.common.seed;
  o.threads = a.common.threads;
  o.checkpoint = a.checkpoint;
  o.checkpoint_every = a.checkpoint_every;
  o.resume = a.resume;
  o.log_prefix = a.log;
  o.time_budget = a.time_budget;
  o.group_actions = !a.per_op_actions;
  o.memory_repair = a.memory_repair;
  nn::GdpPolicy policy{nullptr};
  if (!a.common.model.empty()) {
    Json meta;
    policy = devices::load_gdp_model(a.common.model, &meta);
    o.group_actions = devices::gdp_group_actions(meta);
    o.hint_methods = devices::gdp_hint_methods(meta);
    if (!a.hint.empty() && a.hint != o.hint_methods)
      throw UsageError("devices train: --hint differs from the hint placers of " + a.common.model +
                       " (a model keeps the hint it was trained with)");
    spdlog::info("devices train: continuing from {} (decisions per {})", a.common.model,
                 o.group_actions ? "co-location group" : "op");
  } else {
    torch::manual_seed(static_cast<int64_t>(derive_seed(a.common.seed, 23) & 0x7fffffff));
    policy = nn::GdpPolicy(nn::GdpPolicyOptions().hidden(a.hidden).hint(!a.hint.empty()).max_devices(a.max_devices));
    o.hint_methods = a.hint;
  }
  devices::GdpTrainer trainer(policy, tasks, o, a.max_ops);
  double imitation_loss = -1;
  if (!a.imitate.empty() && trainer.iteration() == 0) {
    std::vector<std::vector<int>> targets;
    for (const auto& t : tasks) targets.push_back(teacher_placement(t, a.imitate, a));
    imitation_loss = trainer.imitate(targets, a.imitation_epochs);
    spdlog::info("devices train: imitation cross-entropy {:.4f} after {} epochs", imitation_loss, a.imitation_epochs);
  }
  trainer.train();
  Json meta_tasks = Json::array();
  for (const auto& t : tasks) meta_tasks.push_back(t.name);
  trainer.save(a.common.out);
  if (!a.log.empty()) trainer.log().plot("reward", "GDP pre-training");
  Json result = {{"model", a.common.out}, {"iterations", trainer.iteration()},
                 {"evaluations", trainer.evaluations()}, {"wall_seconds", trainer.wall_seconds()},
                 {"tasks", Json::array()}};
  if (imitation_loss >= 0) result["imitation_cross_entropy"] = imitation_loss;
  for (size_t t = 0; t < tasks.size(); ++t) {
    const auto& b = trainer.best()[t];
    result["tasks"].push_back({{"task", tasks[t].name}, {"best_step_time", b.step_time}, {"feasible", b.feasible},
                               {"single_device_step_time", b.reference}});
  }
  if (a.common.json) print_json(result);
  spdlog::info("devices train: wrote {} ({} iterations, {} simulator evaluations, {:.1f} s)", a.common.out,
               trainer.iteration(), trainer.evaluations(), trainer.wall_seconds());
}

}  // namespace

void register_devices_rl_commands(CLI::App& app, const GlobalOptions& global) {
  CLI::App* devices = nullptr;
  try {
    devices = app.get_subcommand("devices");
  } catch (const CLI::OptionNotFound&) {
    throw Error("devices_rl: the devices subcommand is not registered (module devices missing)");
  }
  auto args = std::make_shared<TrainArgs>();
  args->common.method = "gdp";
  auto* cmd = devices->add_subcommand(
      "train",
      "Pre-train the GDP placement policy over a set of model graphs (folders are searched for *.onnx)\n"
      "on one or more clusters at once with PPO; the model is written atomically to --out.");
  cmd->add_option("inputs", args->inputs, "Model files or folders")->required();
  add_common_options(cmd, args->common, {"gdp"}, "Policy to train", true);
  cmd->add_option("--cluster", args->clusters, "Cluster preset names or files (repeatable)")->capture_default_str();
  cmd->add_option("--exclude", args->exclude, "Graph names (file stems) held out of training")->delimiter(',');
  cmd->add_flag("--training", args->training, "Expand graphs to training steps (forward + backward + update)");
  cmd->add_option("--batch", args->batch, "Batch size (0 = as exported)")->capture_default_str();
  cmd->add_option("--iterations", args->iterations, "PPO iterations")->capture_default_str();
  cmd->add_option("--samples", args->samples, "Placements sampled per graph and iteration")->capture_default_str();
  cmd->add_option("--learning-rate", args->learning_rate, "Adam learning rate")->capture_default_str();
  cmd->add_option("--entropy-coef", args->entropy_coef, "PPO entropy bonus (keeps the policy exploring)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--hidden", args->hidden, "Hidden width of a new policy")->capture_default_str();
  cmd->add_option("--max-devices", args->max_devices,
                  "Most devices a new policy places on (its output head; clusters with fewer use the first ones). 16 "
                  "covers every cluster preset")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--max-ops", args->max_ops, "Largest graph the saved model accepts")->capture_default_str();
  cmd->add_option("--checkpoint", args->checkpoint, "Checkpoint file, written atomically during training");
  cmd->add_option("--checkpoint-every", args->checkpoint_every, "Iterations between checkpoints")->capture_default_str();
  cmd->add_flag("--resume", args->resume, "Continue from --checkpoint when it exists");
  cmd->add_option("--log", args->log, "Training log prefix (PREFIX.csv, .json, _reward.svg)");
  cmd->add_option("--imitate", args->imitate,
                  "Classical placers whose best placement of each training graph the policy imitates "
                  "(cross-entropy) before PPO, e.g. m-topo,m-etf,metis")
      ->delimiter(',');
  cmd->add_option("--hint", args->hint,
                  "Classical placers whose best placement of each graph a new policy reads as an input (placement "
                  "hint; e.g. " + [] {
                    std::string l;
                    for (const auto& m : devices::default_hint_methods()) l += (l.empty() ? "" : ",") + m;
                    return l;
                  }() + "); the model records them and computes the hint the same way when placing")
      ->delimiter(',');
  cmd->add_option("--imitation-epochs", args->imitation_epochs, "Gradient steps of the imitation phase")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--time-budget", args->time_budget, "Stop after this many seconds (0 = none)")->capture_default_str();
  cmd->add_flag("--per-op-actions", args->per_op_actions,
                "Sample one device per op and enforce co-location afterwards (models of stop 9 and before) "
                "instead of one per co-location group");
  cmd->add_option("--memory-repair", args->memory_repair,
                  "Rounds of memory repair of out-of-memory samples (0 = off; placing uses 3, see docs/devices_rl.md)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--synthetic", args->synthetic,
                  "Generated graphs added to the training set (problems/dataflow_generator.h; batch drawn per graph)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cmd->add_option("--synthetic-families", args->synthetic_families,
                  "Families of the generated graphs, taken in turn")
      ->delimiter(',')
      ->check(CLI::IsMember(devices::dataflow_families()))
      ->capture_default_str();
  cmd->add_option("--synthetic-max-ops", args->synthetic_max_ops, "Most forward ops of a generated graph")
      ->check(CLI::Range(50, 1000000))
      ->capture_default_str();
  cmd->callback([&global, args] { run_train(global, *args); });
}

}  // namespace tessera::cli
