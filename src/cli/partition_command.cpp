// `tessera partition`: graph partitioning (GAP and baselines), model training, graph generation,
// evaluation of a partition file.
#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include <memory>

#include "tessera/cli/commands.h"
#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/partition_metrics.h"
#include "tessera/graph/graph_generators.h"
#include "tessera/io/metis_graph_reader.h"
#include "tessera/io/partition_file.h"
#include "tessera/learn/gap_trainer.h"
#include "tessera/problems/graph_partitioner.h"

namespace tessera::cli {
namespace {

struct PartitionCommandOptions {
  std::string graph;
  int k = 2;
  double imbalance = 0.03;
  int vcycles = partition::RefinerOptions{}.vcycles;
  int fm_passes = partition::RefinerOptions{}.fm_passes;
  int refine_tries = partition::RefinerOptions{}.tries;
};

struct GenerateOptions {
  std::string family = "mesh";
  int64_t nodes = 5000;
};

struct EvalOptions {
  std::string graph, partition;
  int k = 2;
  double imbalance = 0.03;
};

void run_partition(const PartitionCommandOptions& o, const CommonOptions& common) {
  Stopwatch read_clock;
  graph::Graph g = partition::read_metis_graph(o.graph);
  const double read_seconds = read_clock.seconds();
  partition::PartitionOptions po;
  po.k = o.k;
  po.imbalance = o.imbalance;
  po.method = common.method;
  po.model = common.model;
  po.seed = common.seed;
  po.refiner.vcycles = o.vcycles;
  po.refiner.fm_passes = o.fm_passes;
  po.refiner.tries = o.refine_tries;
  po.validate(g);  // before any work: bad k / imbalance fail fast
  spdlog::info("{}: {} nodes, {} edges; k = {}, imbalance {}, method {}", o.graph, g.num_nodes(), g.num_edges(), o.k,
               o.imbalance, po.method);
  partition::GraphPartitioner partitioner(po);
  auto r = partitioner.run(g);
  if (!common.out.empty()) partition::write_partition(common.out, r.part);
  Json j = r.to_json();
  j["graph"] = o.graph;
  j["nodes"] = g.num_nodes();
  j["edges"] = g.num_edges();
  j["read_time"] = read_seconds;
  j["seed"] = common.seed;
  if (!common.out.empty()) j["out"] = common.out;
  if (common.json) {
    print_json(j);
  } else {
    fmt::print("{}: k={} method={} cut={} imbalance={:.4f} (bound {}) {} time={:.3f}s{}\n", o.graph, o.k, r.method,
               r.quality.cut, r.quality.imbalance, o.imbalance, r.feasible ? "feasible" : "INFEASIBLE", r.seconds,
               common.out.empty() ? "" : " -> " + common.out);
  }
  if (!r.feasible) spdlog::warn("the partition exceeds the block-weight bound of imbalance {}", o.imbalance);
}

}  // namespace

void register_partition_commands(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "partition",
      "Graph partitioning: split the nodes of GRAPH (METIS .graph, plain or gzip) into K blocks of weight at\n"
      "most (1+imbalance)*W/K minimizing the edge cut. Writes one 0-based block id per line to --out.\n"
      "Methods: gap (learned GAP model by recursive bisection + FM/V-cycle refinement), gap-raw (GAP\n"
      "alone), metis (METIS 5.1 k-way), metis-rb (METIS recursive bisection), random (random balanced),\n"
      "refine-random (the refinement of gap started from random). Subcommands: train, generate, eval.");
  auto common = std::make_shared<CommonOptions>();
  auto opts = std::make_shared<PartitionCommandOptions>();
  common->method = "gap";
  cmd->add_option("GRAPH", opts->graph, "Graph file (METIS format; .gz accepted)");
  cmd->add_option("-k,--k", opts->k, "Number of blocks")->capture_default_str();
  cmd->add_option("--imbalance", opts->imbalance,
                  "Allowed imbalance eps: every block weighs at most (1+eps)*W/k (floored for integer weights)")
      ->capture_default_str();
  cmd->add_option("--vcycles", opts->vcycles, "Refinement: multilevel V-cycles (0 = flat FM)")->capture_default_str();
  cmd->add_option("--fm-passes", opts->fm_passes, "Refinement: max FM passes per level")->capture_default_str();
  cmd->add_option("--refine-tries", opts->refine_tries,
                  "Refinement: independent V-cycle runs (own seeds) from the same start; best cut kept")
      ->capture_default_str();
  add_common_options(cmd, *common, partition::partition_method_names(), "Partitioning method");

  // train
  auto* train = cmd->add_subcommand("train", "Train a GAP model on generated graphs (expected normalized cut loss)");
  auto topts = std::make_shared<partition::GapTrainerOptions>();
  auto tcommon = std::make_shared<CommonOptions>();
  train->add_option("-k,--k", topts->k, "Blocks the model outputs (2 = recursive bisection model)")->capture_default_str();
  train->add_option("--epochs", topts->epochs, "Passes over the training pool")->capture_default_str();
  train->add_option("--graphs", topts->graphs, "Training graphs generated")->capture_default_str();
  train->add_option("--validation-graphs", topts->validation_graphs, "Held-out generated graphs")->capture_default_str();
  train->add_option("--n-min", topts->n_min, "Smallest training graph (nodes)")->capture_default_str();
  train->add_option("--n-max", topts->n_max, "Largest training graph (nodes)")->capture_default_str();
  train->add_option("--families", topts->families, "Graph families (grid grid3d rgg mesh ba dag; default all)");
  train->add_option("--learning-rate", topts->learning_rate, "Adam learning rate")->capture_default_str();
  train->add_option("--balance-weight", topts->balance_weight, "Weight of the balance term")->capture_default_str();
  train->add_option("--hidden", topts->hidden, "Hidden width")->capture_default_str();
  train->add_option("--layers", topts->layers, "GraphSAGE layers")->capture_default_str();
  train->add_option("--eigenvectors", topts->features.eigenvectors, "Spectral features")->capture_default_str();
  train->add_flag("--resume", topts->resume, "Continue from the checkpoint at --out");
  add_common_options(train, *tcommon, {}, "unused", false);
  train->callback([&global, topts, tcommon] {
    start(global, *tcommon);
    partition::GapTrainerOptions o = *topts;
    o.seed = tcommon->seed;
    o.out = tcommon->out;
    o.progress = !tcommon->json;
    partition::GapTrainer trainer(o);
    auto r = trainer.train();
    Json j{{"model", o.out},
           {"epochs", r.epochs_done},
           {"final_loss", r.final_loss},
           {"validation_ncut", r.validation_ncut},
           {"validation_imbalance", r.validation_balance},
           {"time", r.seconds},
           {"log", r.log}};
    if (tcommon->json) print_json(j);
    else fmt::print("model written to {} ({} epochs, loss {:.4f}, validation ncut {:.4f}, {:.1f} s)\n", o.out,
                    r.epochs_done, r.final_loss, r.validation_ncut, r.seconds);
  });

  // generate
  auto* gen = cmd->add_subcommand("generate", "Write a generated graph (METIS format) to --out");
  auto gopts = std::make_shared<GenerateOptions>();
  auto gcommon = std::make_shared<CommonOptions>();
  gen->add_option("--family", gopts->family, "grid, grid3d, rgg, mesh, ba or dag")
      ->capture_default_str()
      ->check(CLI::IsMember(partition::generator_names()));
  gen->add_option("-n,--nodes", gopts->nodes, "About this many nodes")->capture_default_str();
  add_common_options(gen, *gcommon, {}, "unused", false);
  gen->callback([&global, gopts, gcommon] {
    start(global, *gcommon);
    if (gcommon->out.empty()) throw UsageError("partition generate: --out must name the graph file");
    auto g = partition::generate_graph(gopts->family, gopts->nodes, gcommon->seed);
    partition::write_metis_graph(gcommon->out, g);
    Json j{{"out", gcommon->out}, {"family", gopts->family}, {"nodes", g.num_nodes()}, {"edges", g.num_edges()}};
    if (gcommon->json) print_json(j);
    else fmt::print("{}: {} graph, {} nodes, {} edges\n", gcommon->out, gopts->family, g.num_nodes(), g.num_edges());
  });

  // eval
  auto* eval = cmd->add_subcommand("eval", "Evaluate a partition file: cut, imbalance, normalized cut");
  auto eopts = std::make_shared<EvalOptions>();
  auto ecommon = std::make_shared<CommonOptions>();
  eval->add_option("GRAPH", eopts->graph, "Graph file")->required();
  eval->add_option("PARTITION", eopts->partition, "Partition file (one block id per line)")->required();
  eval->add_option("-k,--k", eopts->k, "Number of blocks")->capture_default_str();
  eval->add_option("--imbalance", eopts->imbalance, "Imbalance bound to check")->capture_default_str();
  add_common_options(eval, *ecommon, {}, "unused", false);
  eval->callback([&global, eopts, ecommon] {
    start(global, *ecommon);
    auto g = partition::read_metis_graph(eopts->graph);
    if (eopts->k <= 0) throw UsageError("k must be >= 1");
    auto part = partition::read_partition(eopts->partition, g.num_nodes(), eopts->k);
    auto q = partition::evaluate_partition(g, part, eopts->k);
    const bool feasible = q.max_block_weight <= partition::max_block_weight(g, eopts->k, eopts->imbalance) + 1e-9;
    Json j{{"graph", eopts->graph}, {"partition", eopts->partition}, {"k", eopts->k}, {"cut", q.cut},
           {"imbalance", q.imbalance}, {"normalized_cut", q.normalized_cut}, {"feasible", feasible}};
    if (ecommon->json) print_json(j);
    else fmt::print("cut={} imbalance={:.4f} ncut={:.4f} {}\n", q.cut, q.imbalance, q.normalized_cut,
                    feasible ? "feasible" : "INFEASIBLE");
  });

  cmd->callback([&global, common, opts, train, gen, eval] {
    if (train->parsed() || gen->parsed() || eval->parsed()) return;
    start(global, *common);
    if (opts->graph.empty()) throw UsageError("partition: GRAPH is required (see tessera partition --help)");
    run_partition(*opts, *common);
  });
}

}  // namespace tessera::cli
