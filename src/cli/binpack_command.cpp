// `tessera binpack FILE`: one-dimensional bin packing with classical heuristics, simulated
// annealing, the learned packer (rl) and RL-driven heuristic optimisation (rlho);
// `tessera binpack train`: PPO training of the packer.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

#include "tessera/cli/commands.h"
#include "tessera/cli/common.h"
#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/bin_packing_cost.h"
#include "tessera/heuristics/bin_packing_annealer.h"
#include "tessera/io/bin_packing_svg.h"
#include "tessera/heuristics/bin_packing_heuristics.h"
#include "tessera/io/bin_packing_optima.h"
#include "tessera/io/bin_packing_reader.h"
#include "tessera/learn/binpack_rlho.h"
#include "tessera/learn/binpack_trainer.h"

namespace tessera::cli {
namespace {

using binpack::BinPackingInstance;
using binpack::Packing;

struct BinpackCommandOptions {
  std::vector<std::string> files;
  double time_limit = 5.0;
  int64_t optimum = 0;
  int samples = 8;
  double overflow_share = 0.9;
  double overflow_temperature = 0.05;
  std::string reduction = "pool";
  std::string svg;
  bool with_assignment = true;
};

const std::vector<std::string>& binpack_methods() {
  static const std::vector<std::string> m{"ff", "bf", "ffd", "bfd", "sa", "sa-random", "rl", "rlho"};
  return m;
}

/// The annealer settings the command line controls (shared by sa, sa-random and rlho).
binpack::AnnealerOptions annealer_options(const BinpackCommandOptions& o) {
  binpack::AnnealerOptions sa;
  sa.overflow_share = o.overflow_share;
  sa.reduction = o.reduction == "pool" ? binpack::Reduction::kPoolTabu : binpack::Reduction::kOverflow;
  sa.overflow_start_temperature = o.overflow_temperature;
  sa.overflow_end_temperature = std::min(sa.overflow_end_temperature, o.overflow_temperature);
  return sa;
}

Json solve_one(const BinPackingInstance& inst, const std::string& method, const BinpackCommandOptions& o,
               const CommonOptions& common, const binpack::BinpackModel* model, Packing* result) {
  Stopwatch clock;
  Packing packing;
  Json extra = Json::object();
  if (method == "ff" || method == "bf" || method == "ffd" || method == "bfd") {
    packing = binpack::run_constructive(method, inst);
  } else if (method == "sa" || method == "sa-random") {
    Packing start;
    if (method == "sa") {
      start = binpack::first_fit_decreasing(inst);
    } else {
      Rng rng(derive_seed(common.seed, 0x7));
      start = binpack::random_first_fit(inst, rng);
    }
    binpack::AnnealerOptions sa = annealer_options(o);
    sa.time_limit = std::max(1e-3, o.time_limit - clock.seconds());
    sa.seed = common.seed;
    auto r = binpack::anneal(inst, start, sa);
    packing = r.packing;
    extra = {{"start_bins", r.start_bins}, {"sa_iterations", r.iterations}};
  } else if (method == "rl") {
    packing = model->best_of(inst, 0, common.seed, o.time_limit);
  } else if (method == "rlho") {
    binpack::RlhoOptions ro;
    ro.time_limit = o.time_limit;
    ro.samples = o.samples;
    ro.seed = common.seed;
    ro.annealer = annealer_options(o);
    auto r = binpack::solve_rlho(*model, inst, ro);
    packing = r.packing;
    extra = {{"rl_bins", r.rl_bins},
             {"rl_seconds", r.rl_seconds},
             {"start_bins", r.annealing.start_bins},
             {"sa_iterations", r.annealing.iterations}};
  } else {
    throw UsageError("unknown method " + method);
  }
  const double seconds = clock.seconds();
  std::string problem = binpack::check_packing(inst, packing);
  if (!problem.empty()) throw Error(fmt::format("{}: method {} produced an infeasible packing: {}", inst.name,
                                                method, problem));
  const int64_t bound = binpack::lower_bound_l2(inst);
  Json r{{"instance", inst.name},
         {"method", method},
         {"n", inst.size()},
         {"capacity", inst.capacity},
         {"bins", packing.bins()},
         {"lower_bound", bound},
         // Optimal for certain: equal to the proven optimum, or to the L2 bound (no packing can use fewer).
         {"proven_optimal", binpack::proven_optimal(inst, packing.bins())},
         {"lower_bound_l1", binpack::lower_bound_l1(inst)},
         {"optimum", inst.optimum ? Json(*inst.optimum) : Json(nullptr)},
         {"best_known", inst.best_known ? Json(*inst.best_known) : Json(nullptr)},
         {"optimal", inst.optimum ? Json(packing.bins() == *inst.optimum) : Json(nullptr)},
         {"fitness", binpack::falkenauer_fitness(inst, packing)},
         {"seconds", seconds},
         {"feasible", true}};
  if (inst.scale != 1.0) r["weight_scale"] = inst.scale;
  for (auto& [k, v] : extra.items()) r[k] = v;
  if (o.with_assignment) {
    r["assignment"] = packing.bin_of;
    r["loads"] = packing.loads;
  }
  *result = std::move(packing);
  return r;
}

void run_binpack(const BinpackCommandOptions& o, const CommonOptions& common) {
  if (o.files.empty()) throw UsageError("binpack: an instance FILE is required (or the 'train' subcommand)");
  if (!(o.time_limit > 0)) throw UsageError("binpack: --time-limit must be > 0");
  const std::string method = common.method.empty() ? "rlho" : common.method;
  // Read every file first: a bad file fails before any work is done or anything is written.
  std::vector<std::pair<std::string, BinPackingInstance>> instances;
  for (const auto& file : o.files) {
    auto table = binpack::OptimaTable::find_near(file);
    for (auto& inst : binpack::read_bin_packing_file(file)) {
      inst.optimum = table.optimum(inst.name);
      instances.emplace_back(file, std::move(inst));
    }
  }
  if (!o.svg.empty() && instances.size() != 1)
    throw UsageError(fmt::format("binpack: --svg draws one packing, but the input holds {} instances", instances.size()));
  if (o.optimum > 0) {
    if (instances.size() != 1) throw UsageError("binpack: --optimum needs exactly one instance");
    instances[0].second.optimum = o.optimum;
  }
  std::optional<binpack::BinpackModel> model;
  if (method == "rl" || method == "rlho") {
    std::string path = common.model.empty() ? binpack::default_binpack_model_path() : common.model;
    model = binpack::BinpackModel::load(path);
    spdlog::info("binpack: model {}", path);
  }
  // A stated optimum or best-known count under the L2 lower bound cannot be right: say so (the result stands).
  for (const auto& [file, inst] : instances) {
    const int64_t bound = binpack::lower_bound_l2(inst);
    if (inst.optimum && *inst.optimum < bound)
      spdlog::warn("{}: instance {}: the optimum {} is below the L2 lower bound {}; the optima table looks wrong",
                   file, inst.name, *inst.optimum, bound);
    if (inst.best_known && *inst.best_known < bound)
      spdlog::warn("{}: instance {}: the best-known count {} is below the L2 lower bound {}; the file looks wrong",
                   file, inst.name, *inst.best_known, bound);
  }
  Json results = Json::array();
  int64_t total = 0, optimal = 0, known = 0, proven = 0;
  for (const auto& [file, inst] : instances) {
    Packing packing;
    Json r = solve_one(inst, method, o, common, model ? &*model : nullptr, &packing);
    r["file"] = file;
    if (!o.svg.empty()) {
      binpack::write_packing_svg(inst, packing, fmt::format("{} by {}", inst.name, method), o.svg);
      r["svg"] = o.svg;
    }
    total += r["bins"].get<int64_t>();
    if (r["proven_optimal"].get<bool>()) ++proven;
    if (inst.optimum) {
      ++known;
      if (r["bins"].get<int64_t>() == *inst.optimum) ++optimal;
    }
    if (!common.json) {
      std::string opt = inst.optimum ? fmt::format(", optimum {}", *inst.optimum) : "";
      fmt::print("{}: {} bins (lower bound L2 {}{}) by {} in {:.3f} s\n", inst.name, r["bins"].get<int64_t>(),
                 r["lower_bound"].get<int64_t>(), opt, method, r["seconds"].get<double>());
    }
    results.push_back(std::move(r));
  }
  Json out;
  if (results.size() == 1) {
    out = results[0];
  } else {
    out = Json{{"method", method}, {"bins", total}, {"instances_with_optimum", known},
               {"solved_to_optimum", optimal}, {"proven_optimal", proven}, {"instances", results}};
    if (!common.json)
      fmt::print("total: {} bins over {} instances ({} of {} with a known optimum solved; {} proven optimal)\n", total,
                 results.size(), optimal, known, proven);
  }
  if (!common.out.empty()) write_json_file(common.out, out);
  if (common.json) print_json(out);
}

}  // namespace

void register_binpack_commands(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "binpack",
      "One-dimensional bin packing: pack the items of FILE (BPPLIB or OR-Library binpack format) into the\n"
      "fewest bins. Methods: ff, bf, ffd, bfd (classical), sa (simulated annealing from FFD), sa-random\n"
      "(SA from a random first-fit packing), rl (learned packer), rlho (learned packer seeds SA).\n"
      "Prints the bin count beside the Martello-Toth L2 lower bound and the proven optimum when known\n"
      "(bpplib_optima.csv next to the data, or --optimum).");
  auto common = std::make_shared<CommonOptions>();
  auto opts = std::make_shared<BinpackCommandOptions>();
  common->method = "rlho";
  cmd->add_option("FILE", opts->files,
                  "Instance file(s) (BPPLIB: n, c, weights; OR-Library: several instances per file)");
  add_common_options(cmd, *common, binpack_methods(), "Packing method");
  cmd->add_option("--time-limit", opts->time_limit, "Seconds per instance for sa, sa-random and rlho")
      ->capture_default_str();
  cmd->add_option("--optimum", opts->optimum, "Known optimal bin count (single-instance files)");
  cmd->add_option("--samples", opts->samples, "rlho: sampled RL packings tried besides the greedy one")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--reduction", opts->reduction,
                  "SA phase 2, the search for one bin fewer: pool (tabu search on exchanges between bins and a "
                  "pool of unassigned items) or overflow (annealed overloads)")
      ->capture_default_str()
      ->check(CLI::IsMember({"pool", "overflow"}));
  cmd->add_option("--overflow-share", opts->overflow_share,
                  "SA: share of the time for phase 2 (one bin fewer than the best packing)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--overflow-temperature", opts->overflow_temperature,
                  "SA: start temperature of the overflow phase (units of the capacity)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("!--no-assignment", opts->with_assignment, "Leave the item-to-bin assignment out of the JSON");
  cmd->add_option("--svg", opts->svg, "Draw the packing (one instance) as an SVG picture");

  auto* train = cmd->add_subcommand("train", "Train the learned packer with PPO (RLHO reward) on generated instances");
  auto topts = std::make_shared<binpack::BinpackTrainOptions>();
  auto tcommon = std::make_shared<CommonOptions>();
  train->add_option("--iterations", topts->iterations, "PPO iterations")->capture_default_str();
  train->add_option("--episodes", topts->episodes, "Rollouts per iteration")->capture_default_str();
  train->add_option("--family", topts->family, "Instance family: uniform, triplet, scholl, hard28, mixed")
      ->capture_default_str();
  train->add_option("--min-items", topts->min_items, "Smallest generated instance")->capture_default_str();
  train->add_option("--max-items", topts->max_items, "Largest generated instance")->capture_default_str();
  train->add_flag("--rlho,!--no-rlho", topts->rlho, "Reward the improvement SA achieves from the RL packing")
      ->capture_default_str();
  train->add_option("--sa-iterations", topts->sa_iterations, "SA moves per training episode")->capture_default_str();
  train->add_option("--sa-weight", topts->sa_weight, "Weight of the SA improvement in the reward")
      ->capture_default_str();
  train->add_option("--hidden", topts->hidden, "Hidden width of the policy")->capture_default_str();
  train->add_option("--learning-rate", topts->ppo.learning_rate, "Adam learning rate")->capture_default_str();
  train->add_option("--entropy-coef", topts->ppo.entropy_coef, "PPO entropy bonus")->capture_default_str();
  train->add_option("--minibatch-size", topts->ppo.minibatch_size, "PPO minibatch (steps)")->capture_default_str();
  train->add_option("--best-out", topts->best_out, "Also save the model with the best validation score here");
  train->add_option("--log", topts->log, "Training-log prefix (default: beside the model)");
  train->add_flag("--resume", topts->resume, "Continue from the checkpoint at --out");
  tcommon->out = topts->out;
  add_common_options(train, *tcommon, {}, "unused", false);
  train->get_option("--method")->group("");  // training has no method: hide the common flag
  train->callback([&global, topts, tcommon] {
    start(global, *tcommon);
    binpack::BinpackTrainOptions o = *topts;
    o.seed = tcommon->seed;
    o.threads = tcommon->threads;
    o.out = tcommon->out;
    if (o.out.empty()) throw UsageError("binpack train: --out must name the model file");
    Json summary = binpack::train_binpack_policy(o, !tcommon->json);
    if (tcommon->json) print_json(summary);
    else fmt::print("model written to {} ({} iterations, {:.1f} s)\n", o.out, o.iterations,
                    summary["wall_seconds"].get<double>());
  });

  cmd->callback([&global, common, opts, train] {
    if (train->parsed()) return;
    start(global, *common);
    run_binpack(*opts, *common);
  });
}

}  // namespace tessera::cli
