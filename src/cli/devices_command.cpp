// `tessera devices`: inspect a model graph, simulate a placement, place with a classical or learned
// method.
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>

#include "tessera/cli/commands.h"
#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/log.h"
#include "tessera/core/random.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/device_simulator.h"
#include "tessera/heuristics/device_placer.h"
#include "tessera/io/device_model_reader.h"
#include "tessera/io/placement_file.h"
#include "tessera/problems/cluster.h"
#ifdef TESSERA_WITH_DEVICES_RL
#include "tessera/learn/device_learned_placers.h"
#endif

namespace tessera::cli {
namespace {

struct ModelArgs {
  std::string model;
  bool training = false;
  int batch = 0;
  int file_batch = 0;
  std::string optimizer = "momentum";
  devices::ModelOptions options() const {
    devices::ModelOptions o;
    o.training = training;
    o.batch = batch;
    o.file_batch = file_batch;
    o.train.optimizer = devices::parse_optimizer(optimizer);
    return o;
  }
};

struct DevicesArgs {
  CommonOptions common;
  ModelArgs model;
  std::string cluster = "p100x4";
  double memory_gb = 0;
  std::string placement;
  std::string gantt;
  std::string policy = "fifo";
  double oom_penalty = 10.0;
  double time_budget = 0;
  int finetune_steps = 0;
  std::string extra = "{}";
  bool no_progress = false;
};

void add_model_options(CLI::App* cmd, ModelArgs& m) {
  cmd->add_option("MODEL", m.model,
                  "Model graph: .onnx, msr_dnn_partitioning .json, PipeDream graph.txt (or its folder)")
      ->required();
  cmd->add_flag("--training", m.training, "Expand to a training step (forward + backward + update)");
  cmd->add_option("--batch", m.batch, "Batch size (0 = as in the file); activation costs scale linearly")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--file-batch", m.file_batch, "Batch size the file was made with (0 = detect)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--optimizer", m.optimizer, "Optimizer of the update ops (state kept on the device)")
      ->capture_default_str()
      ->check(CLI::IsMember({"sgd", "momentum", "adam"}));
}

void add_cluster_options(CLI::App* cmd, DevicesArgs& a) {
  std::string presets;
  for (const auto& n : devices::cluster_preset_names()) presets += (presets.empty() ? "" : ", ") + n;
  cmd->add_option("--cluster", a.cluster, "Cluster preset (" + presets + ") or cluster JSON / Exprimo file")
      ->capture_default_str();
  cmd->add_option("--memory-gb", a.memory_gb, "Override every device's memory (GB, 1e9 bytes); 0 = keep")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--policy", a.policy, "Simulator scheduling policy: fifo (by ready time)")
      ->capture_default_str()
      ->check(CLI::IsMember({"fifo"}));
  cmd->add_option("--oom-penalty", a.oom_penalty, "Score penalty factor for memory overflow")->capture_default_str();
}

devices::Cluster make_cluster(const DevicesArgs& a) {
  devices::Cluster c = devices::load_cluster(a.cluster);
  if (a.memory_gb > 0) c = c.with_memory(a.memory_gb * 1e9);
  return c;
}

devices::PlacerRegistry make_device_registry() {
  devices::PlacerRegistry r;
  devices::add_classical_placers(r);
#ifdef TESSERA_WITH_DEVICES_RL
  devices::add_learned_placers(r);
#endif
  return r;
}

devices::SimOptions sim_options(const DevicesArgs& a) {
  devices::SimOptions s;
  s.oom_penalty = a.oom_penalty;
  return s;
}

Json result_json(const devices::DeviceGraph& g, const devices::Cluster& c, const devices::SimResult& r) {
  Json j = r.to_json(g, c);
  double peak = 0;
  for (double p : r.peak_memory) peak = std::max(peak, p);
  j["max_peak_memory"] = peak;
  j["graph"] = g.name();
  j["num_ops"] = g.num_ops();
  j["cluster"] = c.name();
  const devices::StepTimeBound bound = devices::step_time_lower_bound(g, c);
  j["lower_bound"] = bound.to_json();
  j["step_time_over_lower_bound"] = bound.step_time > 0 ? r.step_time / bound.step_time : 1.0;
  return j;
}

/// The text form of result_json's `j` (its lower bound is read there, not computed again).
void print_summary(const devices::DeviceGraph& g, const devices::Cluster& c, const devices::SimResult& r,
                   const Json& j) {
  fmt::print("graph {}: {} ops, {} edges on {} ({} devices)\n", g.name(), g.num_ops(), g.num_edges(), c.name(),
             c.num_devices());
  fmt::print("step time {:.4f} ms  ({}), score {:.4f} ms, critical path {:.4f} ms, moved {:.1f} MB in {} transfers\n",
             r.step_time * 1e3, r.feasible ? "feasible" : "INFEASIBLE", r.score * 1e3, r.critical_path_time * 1e3,
             r.bytes_moved / 1e6, r.num_transfers);
  for (int d = 0; d < c.num_devices(); ++d)
    fmt::print("  {:<8} busy {:10.4f} ms  peak {:9.3f} GB / {:.3f} GB\n", c.device(d).name, r.busy[d] * 1e3,
               r.peak_memory[d] / 1e9, c.device(d).memory / 1e9);
  const Json& bound = j.at("lower_bound");
  fmt::print("lower bound {:.4f} ms (critical path {:.4f} ms with free transfers, work / devices {:.4f} ms): "
             "step time {:.3f}x the bound\n",
             bound.at("step_time").get<double>() * 1e3, bound.at("critical_path").get<double>() * 1e3,
             bound.at("work_per_device").get<double>() * 1e3, j.at("step_time_over_lower_bound").get<double>());
  if (!r.feasible)
    fmt::print("out of memory on {}: peak {:.3f} GB > {:.3f} GB (at op '{}')\n", c.device(r.oom.device).name,
               r.oom.peak / 1e9, r.oom.capacity / 1e9, r.oom.op >= 0 ? g.op(r.oom.op).name : "?");
}

void run_inspect(const DevicesArgs& a) {
  devices::DeviceGraph g = devices::read_device_model(a.model.model, a.model.options());
  std::map<std::string, int> types;
  int roles[3] = {0, 0, 0};
  int profiled = 0;
  for (const auto& o : g.ops()) {
    types[o.type]++;
    roles[static_cast<int>(o.role)]++;
    profiled += o.profiled_time[0] >= 0;
  }
  Json j;
  j["graph"] = g.name();
  j["num_ops"] = g.num_ops();
  j["num_edges"] = g.num_edges();
  j["num_groups"] = g.num_groups();
  j["batch_size"] = g.batch_size();
  j["training"] = g.training();
  j["forward_ops"] = roles[0];
  j["backward_ops"] = roles[1];
  j["update_ops"] = roles[2];
  j["profiled_ops"] = profiled;
  j["total_flops"] = g.total_flops();
  j["total_param_bytes"] = g.total_param_bytes();
  j["total_output_bytes"] = g.total_output_bytes();
  j["expert_placements"] = g.expert_placements().size();
  j["op_types"] = types;
  devices::Cluster ref = devices::cluster_preset("p100x1");
  double single = 0;
  for (const auto& o : g.ops()) single += devices::estimate_op_time(o, ref.device(0));
  j["p100_time_sum"] = single;
  if (a.common.json) {
    print_json(j);
    return;
  }
  fmt::print("graph {}: {} ops ({} forward, {} backward, {} update), {} edges, {} co-location groups\n", g.name(),
             g.num_ops(), roles[0], roles[1], roles[2], g.num_edges(), g.num_groups());
  fmt::print("batch {}, {:.3f} GFLOP, parameters {:.1f} MB, outputs {:.1f} MB, {} profiled ops\n", g.batch_size(),
             g.total_flops() / 1e9, g.total_param_bytes() / 1e6, g.total_output_bytes() / 1e6, profiled);
  fmt::print("sum of op times on one P100: {:.3f} ms\n", single * 1e3);
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [t, n] : types) by_count.emplace_back(-n, t);
  std::sort(by_count.begin(), by_count.end());
  fmt::print("op types:");
  for (const auto& [n, t] : by_count) fmt::print(" {}:{}", t, -n);
  fmt::print("\n");
}

void run_simulate(const DevicesArgs& a) {
  devices::DeviceGraph g = devices::read_device_model(a.model.model, a.model.options());
  devices::Cluster c = make_cluster(a);
  if (a.placement.empty()) throw UsageError("devices simulate: --placement P.json is required");
  std::vector<int> p = devices::read_placement_file(a.placement, g, c);
  devices::SimOptions so = sim_options(a);
  so.record_trace = !a.gantt.empty() || !a.common.out.empty();
  devices::SimResult r = devices::simulate(g, c, p, so);
  if (!a.gantt.empty()) devices::write_gantt_svg(a.gantt, g, c, r);
  Json j = result_json(g, c, r);
  if (!a.common.out.empty()) {
    Json full = r.to_json(g, c, true);
    write_json_file(a.common.out, full);
  }
  if (a.common.json) print_json(j);
  else print_summary(g, c, r, j);
}

void run_place(const DevicesArgs& a) {
  devices::DeviceGraph g = devices::read_device_model(a.model.model, a.model.options());
  devices::Cluster c = make_cluster(a);
  devices::check_total_memory(g, c, a.model.model);
  devices::PlacerRegistry reg = make_device_registry();
  std::unique_ptr<devices::Placer> placer = reg.create(a.common.method);
  devices::PlaceOptions po;
  po.seed = a.common.seed;
  po.threads = a.common.threads;
  po.time_budget = a.time_budget;
  po.model_path = a.common.model;
  po.finetune_steps = a.finetune_steps;
  po.progress = !a.no_progress && !a.common.json;
  po.sim = sim_options(a);
  try {
    po.extra = Json::parse(a.extra);
  } catch (const Json::parse_error& e) {
    throw UsageError(std::string("--extra: invalid JSON: ") + e.what());
  }
  spdlog::info("placing {} ({} ops) on {} with {}", g.name(), g.num_ops(), c.name(), a.common.method);
  devices::Placement p = devices::run_placer(*placer, g, c, po);
  devices::SimOptions so = po.sim;
  so.record_trace = !a.gantt.empty();
  devices::SimResult r = devices::simulate(g, c, p.device, so);
  if (!a.common.out.empty()) devices::write_placement_file(a.common.out, g, c, p.device, p.method);
  if (!a.gantt.empty()) devices::write_gantt_svg(a.gantt, g, c, r);
  Json j = result_json(g, c, r);
  j["method"] = p.method;
  j["place_seconds"] = p.place_seconds;
  j["info"] = p.info;
  std::vector<int> per_device(c.num_devices(), 0);
  for (int d : p.device) per_device[d]++;
  j["ops_per_device"] = per_device;
  if (a.common.json) {
    print_json(j);
    return;
  }
  print_summary(g, c, r, j);
  fmt::print("method {} placed in {:.3f} s; ops per device:", p.method, p.place_seconds);
  for (int d = 0; d < c.num_devices(); ++d) fmt::print(" {}", per_device[d]);
  fmt::print("\n");
}

struct SimBenchArgs {
  int copies = 1;
  int runs = 20;
  std::string placement = "random";
};

/// Simulator throughput: median wall time of `runs` simulations of one placement (reused simulator).
void run_simbench(const DevicesArgs& a, const SimBenchArgs& b) {
  if (b.copies < 1 || b.runs < 1) throw UsageError("simbench: --copies and --runs must be >= 1");
  devices::DeviceGraph base = devices::read_device_model(a.model.model, a.model.options());
  devices::DeviceGraph g = devices::replicate_graph(base, b.copies);
  devices::Cluster c = make_cluster(a);
  std::vector<int> p(g.num_ops(), 0);
  if (b.placement == "random") {
    Rng rng(derive_seed(a.common.seed, 17));
    std::vector<int> gd(g.num_groups());
    for (int& d : gd) d = static_cast<int>(uniform_int(rng, c.num_devices()));
    p = g.expand_group_placement(gd);
  } else if (b.placement != "single") {
    devices::PlacerRegistry reg = make_device_registry();
    devices::PlaceOptions po;
    po.progress = false;
    p = devices::run_placer(*reg.create(b.placement), g, c, po).device;
  }
  devices::SimOptions so;
  so.critical_path = false;
  devices::DeviceSimulator sim(g, c, so);
  // CPU time of this (single) thread: the machine may be shared, ops/s per core is what matters.
  std::vector<double> times, walls;
  double step = 0;
  int transfers = 0;
  for (int i = 0; i < b.runs; ++i) {
    Stopwatch sw;
    const std::clock_t c0 = std::clock();
    const devices::SimResult& r = sim.run(p);
    times.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    walls.push_back(sw.seconds());
    step = r.step_time;
    transfers = r.num_transfers;
  }
  std::sort(times.begin(), times.end());
  std::sort(walls.begin(), walls.end());
  const double med = std::max(times[times.size() / 2], 1e-9);
  Json j = {{"graph", g.name()},       {"num_ops", g.num_ops()},     {"num_edges", g.num_edges()},
            {"cluster", c.name()},     {"placement", b.placement},   {"runs", b.runs}, {"median_wall_seconds", walls[walls.size() / 2]},
            {"median_seconds", med},   {"min_seconds", times.front()}, {"ops_per_second", g.num_ops() / med},
            {"step_time", step},       {"num_transfers", transfers}};
  if (a.common.json) print_json(j);
  else
    fmt::print("{}: {} ops, {} edges on {} ({} placement, {} transfers): median {:.3f} ms CPU per simulation, {:.2f} M ops/s\n",
               g.name(), g.num_ops(), g.num_edges(), c.name(), b.placement, transfers, med * 1e3, g.num_ops() / med / 1e6);
}

struct CompareArgs {
  std::string clusters = "p100x2,p100x4,a100x8";
  std::string methods = "classical";
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

/// Every method on every cluster for one graph: one row per (cluster, method); a method that does not
/// apply (e.g. expert without a human split) gets its error in the row instead of a result.
void run_compare(const DevicesArgs& a, const CompareArgs& ca) {
  devices::DeviceGraph g = devices::read_device_model(a.model.model, a.model.options());
  devices::PlacerRegistry reg = make_device_registry();
  std::vector<std::string> methods;
  if (ca.methods == "classical") {
    devices::PlacerRegistry classical;
    devices::add_classical_placers(classical);
    methods = classical.names();
  } else if (ca.methods == "all") {
    methods = reg.names();
  } else {
    methods = split_list(ca.methods);
  }
  devices::PlaceOptions po;
  po.seed = a.common.seed;
  po.threads = a.common.threads;
  po.time_budget = a.time_budget;
  po.progress = false;
  po.sim = sim_options(a);
  try {
    po.extra = Json::parse(a.extra);
  } catch (const Json::parse_error& e) {
    throw UsageError(std::string("--extra: invalid JSON: ") + e.what());
  }
  Json rows = Json::array();
  for (const auto& cname : split_list(ca.clusters)) {
    devices::Cluster c = devices::load_cluster(cname);
    if (a.memory_gb > 0) c = c.with_memory(a.memory_gb * 1e9);
    const double bound = devices::step_time_lower_bound(g, c).step_time;
    for (const auto& m : methods) {
      Json row = {{"graph", g.name()}, {"num_ops", g.num_ops()}, {"training", g.training()},
                  {"batch", g.batch_size()}, {"cluster", c.name()}, {"method", m}, {"lower_bound", bound}};
      try {
        devices::check_total_memory(g, c, a.model.model);
        devices::Placement p = devices::run_placer(*reg.create(m), g, c, po);
        devices::SimResult r = devices::simulate(g, c, p.device, po.sim);
        double peak = 0;
        for (double x : r.peak_memory) peak = std::max(peak, x);
        std::vector<int> per(c.num_devices(), 0);
        for (int d : p.device) per[d]++;
        row["step_time"] = r.step_time;
        row["feasible"] = r.feasible;
        row["score"] = r.score;
        row["max_peak_memory"] = peak;
        row["capacity"] = c.device(0).memory;
        row["place_seconds"] = p.place_seconds;
        row["bytes_moved"] = r.bytes_moved;
        row["devices_used"] = static_cast<int>(std::count_if(per.begin(), per.end(), [](int x) { return x > 0; }));
      } catch (const Error& e) {
        row["error"] = e.what();
      }
      spdlog::info("{} {} {}: {}", g.name(), c.name(), m,
                   row.contains("step_time") ? fmt::format("{:.4f} ms{}", row["step_time"].get<double>() * 1e3,
                                                           row["feasible"].get<bool>() ? "" : " (OOM)")
                                             : row["error"].get<std::string>());
      rows.push_back(row);
    }
  }
  if (!a.common.out.empty()) write_json_file(a.common.out, rows);
  if (a.common.json) {
    print_json(rows);
    return;
  }
  fmt::print("{:<26} {:<10} {:<12} {:>12} {:>9} {:>11} {:>10} {:>9}\n", "graph", "cluster", "method", "step ms",
             "feasible", "peak GB", "place s", "/ bound");
  for (const auto& r : rows) {
    if (r.contains("error")) {
      fmt::print("{:<26} {:<10} {:<12} {}\n", r["graph"].get<std::string>(), r["cluster"].get<std::string>(),
                 r["method"].get<std::string>(), r["error"].get<std::string>());
      continue;
    }
    const double bound = r["lower_bound"].get<double>();
    fmt::print("{:<26} {:<10} {:<12} {:>12.4f} {:>9} {:>11.3f} {:>10.3f} {:>9.3f}\n", r["graph"].get<std::string>(),
               r["cluster"].get<std::string>(), r["method"].get<std::string>(), r["step_time"].get<double>() * 1e3,
               r["feasible"].get<bool>() ? "yes" : "NO", r["max_peak_memory"].get<double>() / 1e9,
               r["place_seconds"].get<double>(), bound > 0 ? r["step_time"].get<double>() / bound : 1.0);
  }
}

}  // namespace

void register_devices_commands(CLI::App& app, const GlobalOptions& global) {
  auto* dev = app.add_subcommand("devices", "Device placement: assign the ops of a model graph to the devices of a "
                                            "cluster, minimising the simulated step time within memory");
  dev->require_subcommand(1);
  auto args = std::make_shared<DevicesArgs>();

  auto* inspect = dev->add_subcommand("inspect", "Read a model graph and print its size, costs and op types");
  add_model_options(inspect, args->model);
  inspect->add_flag("--json", args->common.json, "Print the summary as one JSON object on stdout");
  inspect->callback([args, &global] {
    start(global, args->common);
    run_inspect(*args);
  });

  auto* sim = dev->add_subcommand("simulate", "Simulate one step of a placed graph (step time, memory, Gantt chart)");
  add_model_options(sim, args->model);
  add_cluster_options(sim, *args);
  sim->add_option("--placement", args->placement, "Placement JSON ({\"placement\": {op: device}})")->required();
  sim->add_option("--gantt", args->gantt, "Write a Gantt chart (SVG)");
  sim->add_option("--out", args->common.out, "Write the full simulation JSON (with the per-op trace)");
  sim->add_flag("--json", args->common.json, "Print the result as one JSON object on stdout");
  sim->callback([args, &global] {
    start(global, args->common);
    run_simulate(*args);
  });

  auto sb = std::make_shared<SimBenchArgs>();
  auto* simbench = dev->add_subcommand("simbench", "Measure the simulator's speed (ops simulated per second)");
  add_model_options(simbench, args->model);
  add_cluster_options(simbench, *args);
  simbench->add_option("--copies", sb->copies, "Chain this many copies of the graph (a longer unroll)")
      ->capture_default_str();
  simbench->add_option("--runs", sb->runs, "Simulations to time (median reported)")->capture_default_str();
  simbench->add_option("--placement", sb->placement, "random (co-location groups, --seed), single, or a method")
      ->capture_default_str();
  simbench->add_option("--seed", args->common.seed, "Seed of the random placement");
  simbench->add_flag("--json", args->common.json, "Print the result as one JSON object on stdout");
  simbench->callback([args, sb, &global] {
    start(global, args->common);
    run_simbench(*args, *sb);
  });

  auto ca = std::make_shared<CompareArgs>();
  auto* compare = dev->add_subcommand("compare", "Run several methods on several clusters for one graph (a table)");
  add_model_options(compare, args->model);
  add_cluster_options(compare, *args);
  compare->add_option("--clusters", ca->clusters, "Comma-separated clusters")->capture_default_str();
  compare->add_option("--methods", ca->methods, "Comma-separated methods, 'classical' or 'all'")->capture_default_str();
  compare->add_option("--extra", args->extra, "Method options as a JSON object (given to every method)");
  compare->add_option("--time-budget", args->time_budget, "Seconds for search-based methods (0 = default)");
  compare->add_option("--seed", args->common.seed, "Random seed");
  compare->add_option("--out", args->common.out, "Write the rows as JSON");
  compare->add_flag("--json", args->common.json, "Print the rows as JSON on stdout");
  compare->callback([args, ca, &global] {
    start(global, args->common);
    run_compare(*args, *ca);
  });

  auto* place = dev->add_subcommand("place", "Place a model graph on a cluster and simulate the result");
  add_model_options(place, args->model);
  add_cluster_options(place, *args);
  devices::PlacerRegistry reg = make_device_registry();
  std::string help = "Placement method:";
  for (const auto& n : reg.names()) help += "\n  " + n + ": " + reg.description(n);
  args->common.method = "m-etf";
  add_common_options(place, args->common, reg.names(), help, true);
  place->add_option("--time-budget", args->time_budget, "Seconds for search-based methods (0 = method default)")
      ->check(CLI::NonNegativeNumber);
  place->add_option("--finetune,--finetune-steps", args->finetune_steps,
                    "Learned methods (rl2017, gdp): N fine-tuning steps on this graph before placing")
      ->check(CLI::NonNegativeNumber);
  place->add_option("--extra", args->extra, "Method options as a JSON object, e.g. '{\"iterations\": 5000}'");
  place->add_option("--gantt", args->gantt, "Write a Gantt chart (SVG) of the placed step");
  place->add_flag("--no-progress", args->no_progress, "No progress display");
  place->callback([args, &global] {
    start(global, args->common);
    run_place(*args);
  });
}

}  // namespace tessera::cli
