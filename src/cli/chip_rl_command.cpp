// `tessera chip train`: PPO pre-training of the RL macro placer over several netlists (real, clustered
// and generated), or fine-tuning of a model on one target. Placement with a trained model is
// `tessera chip place --method rl --model FILE` (the chip module's command; the "rl" method comes
// from tessera::chip::add_learned_placers).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tessera/cli/commands.h"
#include "tessera/cli/common.h"
#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/core/json.h"
#include "tessera/heuristics/netlist_clusterer.h"
#include "tessera/io/netlist_reader.h"
#include "tessera/io/plc_io.h"
#include "tessera/learn/chip_learned_placers.h"
#include "tessera/learn/chip_rl_trainer.h"
#include "tessera/problems/chip_canvas.h"
#include "tessera/problems/random_netlist.h"

namespace tessera::cli {

namespace {

struct TrainOptions {
  std::vector<std::string> inputs;
  int generated = 0;
  int generated_macros = 16;
  std::string init;
  std::string checkpoint;
  bool resume = false;
  std::string log;
  chip::ChipRlTrainerOptions trainer;
  int hidden = 32;
  int gcn_layers = 3;
  int fd_iterations = 100;
};

/// "NETLIST" or "NETLIST,PLC": the netlist with the .plc's grid/canvas/placement, or the default grid.
chip::ChipRlTask load_task(const std::string& input) {
  std::string netlist_path = input, plc_path;
  if (auto comma = input.find(','); comma != std::string::npos) {
    netlist_path = input.substr(0, comma);
    plc_path = input.substr(comma + 1);
  }
  auto netlist = std::make_shared<chip::Netlist>(chip::read_netlist(netlist_path));
  chip::ChipRlTask task;
  task.name = netlist_path;
  if (!plc_path.empty()) {
    chip::PlcFile plc = chip::read_plc(plc_path);
    task.start = chip::apply_plc(*netlist, plc, plc_path);
  } else {
    netlist->spec() = chip::ChipCanvas::choose_grid(*netlist, /*paper_default=*/false);
    task.start = chip::Placement(*netlist);
  }
  if (netlist->hard_macros().empty()) throw InputError(netlist_path, 0, "netlist has no hard macro to place");
  if (!netlist->stdcells().empty() && netlist->soft_macros().empty() && plc_path.empty()) {
    // A flat netlist: group the std cells into soft macros (METIS, like CT's hMETIS grouping).
    spdlog::info("chip train: clustering flat netlist {} ({} std cells)", netlist_path, netlist->stdcells().size());
    chip::ClusterOptions co;
    auto clustered = std::make_shared<chip::Netlist>(chip::cluster_netlist(*netlist, co));
    clustered->spec() = chip::ChipCanvas::choose_grid(*clustered, /*paper_default=*/false);
    task.start = chip::Placement(*clustered);
    netlist = clustered;
  }
  task.spec = netlist->spec();
  task.netlist = std::move(netlist);
  return task;
}

void run_train(const TrainOptions& o, const CommonOptions& common) {
  if (common.out.empty()) throw UsageError("chip train: --out MODEL is required");
  if (o.inputs.empty() && o.generated == 0)
    throw UsageError("chip train: give netlists to train on and/or --generated N");
  chip::ChipRlEnvOptions env_options;
  env_options.fd.iterations = {o.fd_iterations, o.fd_iterations, o.fd_iterations};
  env_options.fd.threads = 1;
  std::vector<std::shared_ptr<const chip::ChipRlEnv>> envs;
  for (const auto& input : o.inputs) envs.push_back(std::make_shared<const chip::ChipRlEnv>(load_task(input), env_options));
  for (int i = 0; i < o.generated; ++i) {
    chip::RandomNetlistOptions ro;
    Rng rng(derive_seed(common.seed, 0x67656EULL + i));
    ro.hard_macros = std::max(2, static_cast<int>(o.generated_macros * (0.5 + uniform01(rng))));
    ro.soft_macros = 2 * ro.hard_macros + static_cast<int>(uniform_int(rng, 2 * ro.hard_macros + 1));
    ro.ports = 8 + static_cast<int>(uniform_int(rng, 16));
    ro.nets = 10 * ro.hard_macros + static_cast<int>(uniform_int(rng, 5 * ro.hard_macros + 1));
    ro.size_classes = 1 + static_cast<int>(uniform_int(rng, 3));
    ro.hard_utilization = 0.2 + 0.2 * uniform01(rng);
    auto nl = std::make_shared<chip::Netlist>(
        chip::generate_random_netlist(ro, derive_seed(common.seed, 1000 + i), "generated_" + std::to_string(i)));
    chip::ChipRlTask task{"generated_" + std::to_string(i), nl, nl->spec(), chip::Placement(*nl)};
    envs.push_back(std::make_shared<const chip::ChipRlEnv>(task, env_options));
  }
  chip::ChipPolicy policy{nullptr};
  if (!o.init.empty()) {
    policy = chip::load_chip_policy(o.init);
  } else {
    chip::ChipPolicyOptions po = chip::default_chip_policy_options();
    po.hidden = o.hidden;
    po.gcn_layers = o.gcn_layers;
    torch::manual_seed(static_cast<uint64_t>(derive_seed(common.seed, 7)));
    policy = chip::ChipPolicy(po);
  }
  chip::ChipRlTrainerOptions to = o.trainer;
  to.seed = common.seed;
  to.threads = common.threads;
  to.checkpoint = o.checkpoint.empty() ? common.out + ".ckpt" : o.checkpoint;
  to.resume = o.resume;
  to.log_prefix = o.log;
  to.progress = !common.json;
  spdlog::info("chip train: {} netlists ({} generated), {} iterations x {} episodes each, budget {} s", envs.size(),
               o.generated, to.iterations, to.episodes_per_task, to.time_budget);
  chip::ChipRlTrainer trainer(policy, envs, to);
  Json summary = trainer.train();
  Json state = {{"trained_iterations", trainer.iteration()}, {"summary", summary}};
  chip::save_chip_policy(common.out, trainer.policy(), state);
  summary["model"] = common.out;
  summary["checkpoint"] = to.checkpoint;
  if (!o.init.empty()) summary["init"] = o.init;
  if (common.json) print_json(summary);
  for (const auto& n : summary["netlists"])
    spdlog::info("  {}: mean proxy {} -> {}, best {}", n["netlist"].get<std::string>(), n["first_mean_proxy"].dump(),
                 n["last_mean_proxy"].dump(), n["best_proxy"].dump());
  spdlog::info("chip train: wrote {}", common.out);
}

}  // namespace

void register_chip_rl_commands(CLI::App& app, const GlobalOptions& global) {
  CLI::App* chip_cmd = nullptr;
  try {
    chip_cmd = app.get_subcommand("chip");
  } catch (const CLI::OptionNotFound&) {
    chip_cmd = nullptr;
  }
  if (chip_cmd == nullptr) chip_cmd = app.add_subcommand("chip", "Chip macro placement");
  auto common = std::make_shared<CommonOptions>();
  auto o = std::make_shared<TrainOptions>();
  common->method = "ppo";
  CLI::App* cmd = chip_cmd->add_subcommand(
      "train",
      "Train the RL macro placer with PPO: pre-train over several netlists (NETLIST or NETLIST,PLC; "
      "generated ones with --generated) or fine-tune a model (--init) on a target. Writes the model to --out "
      "and a resumable checkpoint beside it.");
  cmd->add_option("inputs", o->inputs, "Netlists (.pb.txt[.gz]) to train on, each optionally ',PLC' for its grid; flat netlists are clustered first");
  add_common_options(cmd, *common, {"ppo"}, "Training algorithm", /*with_model=*/false);
  cmd->add_option("--init", o->init, "Start from this model (fine-tuning); default: fresh weights");
  cmd->add_option("--generated", o->generated, "Also train on this many generated random netlists")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--generated-macros", o->generated_macros, "Mean hard-macro count of generated netlists")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--iterations", o->trainer.iterations, "PPO iterations (total, resumed runs included)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--episodes", o->trainer.episodes_per_task, "Episodes per netlist per iteration")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--time-budget", o->trainer.time_budget, "Wall-clock budget in seconds (0 = none)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--baseline", o->trainer.baseline, "Advantage baseline: group (leave-one-out) or value")
      ->capture_default_str()->check(CLI::IsMember({"group", "value"}));
  cmd->add_option("--learning-rate", o->trainer.ppo.learning_rate, "Adam learning rate")->capture_default_str();
  cmd->add_option("--ppo-epochs", o->trainer.ppo.epochs, "PPO epochs per iteration")->capture_default_str();
  cmd->add_option("--minibatch", o->trainer.ppo.minibatch_size, "PPO minibatch size (steps)")->capture_default_str();
  cmd->add_option("--fd-iterations", o->fd_iterations, "Force-directed iterations per round (3 rounds) per episode")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--hidden", o->hidden, "Embedding width of a new policy")->capture_default_str();
  cmd->add_option("--gcn-layers", o->gcn_layers, "Edge-convolution layers of a new policy")->capture_default_str();
  cmd->add_option("--checkpoint", o->checkpoint, "Checkpoint file (default: OUT.ckpt), written after every iteration");
  cmd->add_flag("--resume", o->resume, "Continue from the checkpoint when it exists");
  cmd->add_option("--log", o->log, "Training-log prefix: PREFIX.csv/.json and PREFIX_mean_proxy.svg curves");
  cmd->callback([&global, common, o] {
    start(global, *common);
    run_train(*o, *common);
  });
}

}  // namespace tessera::cli
