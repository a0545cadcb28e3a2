// `tessera chip stats|eval|place`: chip macro placement on Circuit Training netlists.
#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "tessera/cli/commands.h"
#include "tessera/cli/common.h"
#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/proxy_cost.h"
#include "tessera/heuristics/chip_placer.h"
#include "tessera/heuristics/netlist_clusterer.h"
#include "tessera/io/bookshelf_reader.h"
#include "tessera/io/chip_svg.h"
#include "tessera/io/netlist_reader.h"
#include "tessera/io/plc_io.h"
#include "tessera/problems/chip_canvas.h"
#ifdef TESSERA_WITH_CHIP_RL
#include "tessera/learn/chip_learned_placers.h"
#endif

namespace tessera::cli {
namespace {

chip::ChipPlacerRegistry make_chip_registry() {
  chip::ChipPlacerRegistry registry = chip::make_chip_placer_registry();
#ifdef TESSERA_WITH_CHIP_RL
  tessera::chip::add_learned_placers(registry);
#endif
  return registry;
}

#ifdef TESSERA_WITH_CHIP_RL
constexpr int kRefineCandidates = chip::kDefaultRefineCandidates;
#else
constexpr int kRefineCandidates = 0;  // no rl method in this build
#endif

struct Loaded {
  chip::Netlist netlist;
  chip::Placement placement;
  bool has_plc = false;
  chip::PlcFile plc;
};

/// Reads the netlist (clustering a flat one when asked) and the optional .plc; without a .plc the
/// canvas/grid come from ChipCanvas::choose_grid (or the FP bbox of flat netlists). With
/// `flat_with_foreign_plc` (eval), a flat netlist given with a .plc that tessera did not write for its
/// clustered form is evaluated as it is, std cells included, as Circuit Training's plc_client does.
Loaded load(const std::string& netlist_path, const std::string& plc_path, int clusters, uint64_t seed,
            bool flat_with_foreign_plc = false) {
  Loaded l;
  const bool aux = netlist_path.size() > 4 && netlist_path.compare(netlist_path.size() - 4, 4, ".aux") == 0;
  l.netlist = aux ? chip::read_bookshelf(netlist_path) : chip::read_netlist(netlist_path);
  l.has_plc = !plc_path.empty();
  if (l.has_plc) l.plc = chip::read_plc(plc_path);
  const bool flat = !l.netlist.stdcells().empty() && l.netlist.soft_macros().empty();
  bool cluster = clusters > 0 || (flat && clusters == 0);
  if (cluster && clusters == 0 && flat_with_foreign_plc && l.has_plc && !chip::written_for_clustered_netlist(l.plc)) {
    spdlog::info("{}: flat netlist ({} std cells) evaluated as it is with {} (--clusters K clusters it first)",
                 netlist_path, l.netlist.stdcells().size(), plc_path);
    cluster = false;
  }
  if (cluster) {
    chip::ClusterOptions co;
    if (clusters > 0) co.clusters = clusters;
    co.seed = seed;
    spdlog::info("clustering {} std cells into soft macros with METIS", l.netlist.stdcells().size());
    l.netlist = chip::cluster_netlist(l.netlist, co);
  }
  if (l.has_plc) {
    l.placement = chip::apply_plc(l.netlist, l.plc, plc_path);
  } else {
    if (!(l.netlist.spec().width > 0)) l.netlist.spec() = chip::ChipCanvas::choose_grid(l.netlist, false);
    l.placement = chip::Placement(l.netlist);
  }
  l.netlist.spec().validate();
  return l;
}

Json cost_json(const chip::ProxyCostResult& r) {
  return {{"wirelength", r.wirelength},
          {"wirelength_cost", r.wirelength_cost},
          {"density_cost", r.density_cost},
          {"congestion_cost", r.congestion_cost},
          {"proxy_cost", r.proxy({1.0, 0.5, 0.5})},
          {"proxy_cost_1_1_05", r.proxy({1.0, 1.0, 0.5})}};
}

Json spec_json(const chip::CanvasSpec& s) {
  return {{"width", s.width}, {"height", s.height}, {"columns", s.cols}, {"rows", s.rows},
          {"hroutes_per_micron", s.hroutes_per_micron}, {"vroutes_per_micron", s.vroutes_per_micron},
          {"hrouting_alloc", s.hrouting_alloc}, {"vrouting_alloc", s.vrouting_alloc},
          {"smoothing_range", s.smoothing_range}};
}

chip::HeatMap parse_heat(const std::string& s) {
  if (s == "density") return chip::HeatMap::kDensity;
  if (s == "congestion") return chip::HeatMap::kCongestion;
  return chip::HeatMap::kNone;
}

}  // namespace

void register_chip_commands(CLI::App& app, const GlobalOptions& global) {
  auto* chip_cmd = app.add_subcommand("chip", "Chip macro placement (Circuit Training netlists, proxy cost)");
  chip_cmd->require_subcommand(1);

  // ----- stats
  {
    auto common = std::make_shared<CommonOptions>();
    auto netlist = std::make_shared<std::string>();
    auto plc = std::make_shared<std::string>();
    auto* cmd = chip_cmd->add_subcommand("stats", "Counts of a netlist: macros, soft macros, pins, ports, nets, canvas, grid");
    cmd->add_option("netlist", *netlist, "Netlist .pb.txt (gzip accepted) or Bookshelf .aux")->required();
    cmd->add_option("plc", *plc, "Optional .plc (canvas and grid from its header)");
    cmd->add_flag("--json", common->json, "Print JSON on stdout");
    cmd->callback([=, &global] {
      start(global, *common);
      Loaded l = load(*netlist, *plc, -1, 1);
      const chip::NetlistStats s = l.netlist.stats();
      Json j = {{"netlist", *netlist}, {"nodes", s.nodes}, {"hard_macros", s.hard_macros},
                {"soft_macros", s.soft_macros}, {"hard_macro_pins", s.hard_macro_pins},
                {"soft_macro_pins", s.soft_macro_pins}, {"ports", s.ports}, {"stdcells", s.stdcells},
                {"nets", s.nets}, {"net_pins", s.net_pins}, {"weighted_nets", s.weighted_nets},
                {"hard_macro_area", s.hard_macro_area}, {"soft_macro_area", s.soft_macro_area},
                {"stdcell_area", s.stdcell_area}, {"canvas", spec_json(l.netlist.spec())},
                {"canvas_from_plc", l.has_plc}};
      if (common->json) {
        print_json(j);
      } else {
        std::printf("%s\n", j.dump(2).c_str());
      }
    });
  }

  // ----- eval
  {
    auto common = std::make_shared<CommonOptions>();
    auto netlist = std::make_shared<std::string>();
    auto plc = std::make_shared<std::string>();
    auto svg = std::make_shared<std::string>();
    auto heat = std::make_shared<std::string>("congestion");
    auto default_grid = std::make_shared<bool>(false);
    auto timing = std::make_shared<bool>(false);
    auto clusters = std::make_shared<int>(0);
    auto* cmd = chip_cmd->add_subcommand(
        "eval", "Proxy cost of a placement (grid, routing and smoothing parameters from the .plc header)");
    cmd->add_option("netlist", *netlist,
                    "Netlist .pb.txt (gzip accepted). A flat one is evaluated as it is with a .plc that `place` "
                    "did not write for its clustered form, else clustered as by place")
        ->required();
    cmd->add_option("plc", *plc, "Placement .plc (without one: the netlist's own positions)");
    cmd->add_flag("--json", common->json, "Print JSON on stdout");
    cmd->add_flag("--default-grid", *default_grid,
                  "Without a .plc: CT's defaults (square canvas of side sqrt(area / 0.6), 10x10 grid)");
    cmd->add_flag("--timing", *timing, "Also time a full evaluation and incremental single-macro moves");
    cmd->add_option("--clusters", *clusters,
                    "Soft macros for a flat netlist (0 = automatic; K > 0 clusters it whatever the .plc)")
        ->capture_default_str();
    cmd->add_option("--svg", *svg, "Write a picture of the placement");
    cmd->add_option("--heat", *heat, "Heat map in the picture: density, congestion or none")
        ->check(CLI::IsMember({"density", "congestion", "none"}))->capture_default_str();
    cmd->callback([=, &global] {
      start(global, *common);
      Loaded l = load(*netlist, *plc, *clusters, 1, /*flat_with_foreign_plc=*/true);
      if (*default_grid && plc->empty()) {
        chip::CanvasSpec spec = l.netlist.spec();
        spec.width = spec.height = std::sqrt(l.netlist.total_area() / 0.6);
        spec.cols = spec.rows = 10;
        l.netlist.spec() = spec;
      }
      chip::ProxyCost cost(l.netlist, l.netlist.spec());
      const chip::ProxyCostResult r = cost.evaluate(l.placement);
      Json j = cost_json(r);
      j["canvas"] = spec_json(l.netlist.spec());
      if (l.plc.wirelength_cost)
        j["header"] = {{"wirelength", l.plc.wirelength.value_or(-1)},
                       {"wirelength_cost", *l.plc.wirelength_cost},
                       {"density_cost", l.plc.density_cost.value_or(-1)},
                       {"congestion_cost", l.plc.congestion_cost.value_or(-1)}};
      if (*timing) {
        const int full_reps = 50, moves = 5000;
        Stopwatch sw;
        double sink = 0;
        for (int i = 0; i < full_reps; ++i) sink += cost.evaluate(l.placement).proxy();
        const double full_ms = sw.seconds() * 1000 / full_reps;
        chip::IncrementalProxyCost inc(l.netlist, l.netlist.spec(), l.placement);
        Rng rng(1);
        const auto& hard = l.netlist.hard_macros().empty() ? l.netlist.macros() : l.netlist.hard_macros();
        sw.reset();
        for (int i = 0; i < moves; ++i) {
          const int64_t m = hard[uniform_int(rng, static_cast<int64_t>(hard.size()))];
          inc.move(m, uniform01(rng) * l.netlist.spec().width, uniform01(rng) * l.netlist.spec().height);
          sink += inc.proxy();
        }
        const double inc_ms = sw.seconds() * 1000 / moves;
        j["timing"] = {{"full_eval_ms", full_ms}, {"incremental_move_and_cost_ms", inc_ms},
                       {"speedup", full_ms / inc_ms}, {"checksum", sink}};
      }
      if (!svg->empty())
        chip::write_chip_svg(*svg, l.netlist, l.netlist.spec(), l.placement, parse_heat(*heat),
                             fmt::format("{}  proxy {:.4f}", plc->empty() ? *netlist : *plc, r.proxy({1, 0.5, 0.5})));
      if (common->json) {
        print_json(j);
      } else {
        std::printf("wirelength %.3f  wirelength_cost %.6f  density_cost %.6f  congestion_cost %.6f\n", r.wirelength,
                    r.wirelength_cost, r.density_cost, r.congestion_cost);
        std::printf("proxy (1, 0.5, 0.5) %.6f  proxy (1, 1, 0.5) %.6f\n", r.proxy({1, 0.5, 0.5}), r.proxy({1, 1, 0.5}));
        if (*timing)
          std::printf("full evaluation %.3f ms, incremental move + cost %.4f ms\n", j["timing"]["full_eval_ms"].get<double>(),
                      j["timing"]["incremental_move_and_cost_ms"].get<double>());
      }
    });
  }

  // ----- place
  {
    auto registry = std::make_shared<chip::ChipPlacerRegistry>(make_chip_registry());
    auto common = std::make_shared<CommonOptions>();
    common->method = "sa";
    auto netlist = std::make_shared<std::string>();
    auto plc = std::make_shared<std::string>();
    auto svg = std::make_shared<std::string>();
    auto heat = std::make_shared<std::string>("congestion");
    auto opts = std::make_shared<chip::PlaceChipOptions>();
    auto clusters = std::make_shared<int>(0);
    auto finetune = std::make_shared<double>(0.0);
    auto temperature = std::make_shared<double>(1.0);
    auto refine_candidates = std::make_shared<int>(kRefineCandidates);
    auto lambda = std::make_shared<double>(0.5);
    auto gamma = std::make_shared<double>(0.5);
    auto* cmd = chip_cmd->add_subcommand(
        "place", "Place hard macros (--method), soft macros by force-directed placement, optional refinement");
    cmd->add_option("netlist", *netlist, "Netlist .pb.txt (gzip accepted; a flat netlist is clustered first)")->required();
    cmd->add_option("plc", *plc, "Optional .plc: canvas, grid, routing parameters, ports, fixed macros, initial soft macros");
    std::string help = "Hard-macro placer:";
    for (const auto& n : registry->names()) help += "\n  " + n + ": " + registry->description(n);
    add_common_options(cmd, *common, registry->names(), help, true);
    cmd->add_option("--time-budget,--time_budget", opts->placer.time_budget, "Wall-clock seconds for the placer's search")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_option("--lambda", *lambda, "Density weight of the optimised proxy")->capture_default_str();
    cmd->add_option("--gamma", *gamma, "Congestion weight of the optimised proxy")->capture_default_str();
    cmd->add_flag("--refine", opts->refine, "Coordinate-descent refinement after the placer");
    cmd->add_option("--refine-budget", opts->refinement.time_budget, "Seconds for refinement")->capture_default_str();
    cmd->add_flag("--refine-swaps,!--no-refine-swaps", opts->refinement.swaps,
                  "Refinement rounds also try swapping pairs of hard macros (default: on; rl's screening of its "
                  "candidates never swaps)");
    cmd->add_option("--fd-attract", opts->fd.attract_factors, "Force-directed attraction factor per round")
        ->delimiter(',')->capture_default_str();
    cmd->add_option("--fd-repel", opts->fd.repel_factors, "Force-directed repulsion factor per round")
        ->delimiter(',')->capture_default_str();
    cmd->add_option("--fd-target-density", opts->fd.target_density, "FD pushes soft macros out of fuller cells")
        ->capture_default_str();
    cmd->add_flag("--allow-rotation", opts->placer.allow_rotation, "Consider E-family orientations");
    cmd->add_option("--clusters", *clusters, "Soft macros for a flat netlist (0 = automatic)")->capture_default_str();
    cmd->add_option("--finetune-seconds", *finetune, "rl: PPO fine-tuning on the target before placing")
        ->capture_default_str();
    cmd->add_option("--temperature", *temperature,
                    "rl: sampling temperature (< 1 samples closer to the greedy placement)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--refine-candidates", *refine_candidates,
                    "rl: refine this many of the best samples (coordinate descent + FD) inside the time budget "
                    "and keep the best refined one (0 = keep the best sample)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_option("--svg", *svg, "Write a picture of the result");
    cmd->add_option("--heat", *heat, "Heat map in the picture: density, congestion or none")
        ->check(CLI::IsMember({"density", "congestion", "none"}))->capture_default_str();
    cmd->callback([=, &global] {
      start(global, *common);
      Loaded l = load(*netlist, *plc, *clusters, 1);
      chip::PlaceChipOptions o = *opts;
      o.placer.seed = common->seed;
      o.placer.threads = common->threads;
      o.placer.weights = {1.0, *lambda, *gamma};
      o.placer.progress = global.verbosity >= 0;
      o.refinement.progress = o.placer.progress;
      if (!common->model.empty()) o.placer.params["model"] = common->model;
      if (*finetune > 0) o.placer.params["finetune_seconds"] = *finetune;
      if (*temperature != 1.0) o.placer.params["temperature"] = *temperature;
      if (common->method == "rl") o.placer.params["refine_candidates"] = *refine_candidates;
      auto placer = registry->create(common->method);
      chip::ChipPlaceReport rep = chip::place_chip(*placer, l.netlist, l.netlist.spec(), l.placement, o);
      Json j = cost_json(rep.cost);
      j["method"] = common->method;
      j["seed"] = common->seed;
      j["time_budget"] = o.placer.time_budget;
      j["place_seconds"] = rep.place_seconds;
      j["fd_seconds"] = rep.fd_seconds;
      j["refine_seconds"] = rep.refine_seconds;
      j["unrefined"] = cost_json(rep.cost_unrefined);
      j["placer_stats"] = rep.placer_stats;
      if (o.refine) j["refine_stats"] = rep.refine_stats;
      j["canvas"] = spec_json(l.netlist.spec());
      if (!common->out.empty()) {
        chip::PlcFile out = chip::make_plc(l.netlist, rep.placement, l.netlist.spec(), *netlist, &rep.cost);
        chip::write_plc(common->out, out);
      }
      if (!svg->empty())
        chip::write_chip_svg(*svg, l.netlist, l.netlist.spec(), rep.placement, parse_heat(*heat),
                             fmt::format("{}: proxy {:.4f} (WL {:.4f}, den {:.4f}, cong {:.4f})", common->method,
                                         rep.cost.proxy({1, 0.5, 0.5}), rep.cost.wirelength_cost,
                                         rep.cost.density_cost, rep.cost.congestion_cost));
      if (common->json) {
        print_json(j);
      } else {
        std::printf("%s: wirelength_cost %.6f  density_cost %.6f  congestion_cost %.6f  proxy(1,.5,.5) %.6f  "
                    "proxy(1,1,.5) %.6f  [%.1f s]\n",
                    common->method.c_str(), rep.cost.wirelength_cost, rep.cost.density_cost, rep.cost.congestion_cost,
                    rep.cost.proxy({1, 0.5, 0.5}), rep.cost.proxy({1, 1, 0.5}),
                    rep.place_seconds + rep.fd_seconds + rep.refine_seconds);
      }
    });
  }
}

}  // namespace tessera::cli
