// Partitioning benchmark: every graph of a directory × every k × the methods of the config, in one
// run, written as JSON rows and a markdown summary. Usage:
//   partition_bench CONFIG.json OUT_PREFIX [--model FILE] [--graphs a,b,...]
// (bench/partition/run.sh calls it; see docs/notes/partition.md for the numbers).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/log.h"
#include "tessera/core/parallel.h"
#include "tessera/core/progress.h"
#include "tessera/core/stopwatch.h"
#include "tessera/cost/partition_metrics.h"
#include "tessera/heuristics/fm_refiner.h"
#include "tessera/io/metis_graph_reader.h"
#include "tessera/problems/graph_partitioner.h"

using namespace tessera;
using namespace tessera::partition;

namespace {

std::string graph_name(const std::filesystem::path& p) {
  std::string s = p.filename().string();
  for (const char* ext : {".gz", ".graph"})
    if (s.size() > std::strlen(ext) && s.compare(s.size() - std::strlen(ext), std::strlen(ext), ext) == 0)
      s = s.substr(0, s.size() - std::strlen(ext));
  return s;
}

std::map<std::string, double> read_best_cuts(const std::string& path) {
  std::map<std::string, double> best;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header graph,k,imbalance,best_cut,source
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string graph, k, imb, cut;
    std::getline(ss, graph, ',');
    std::getline(ss, k, ',');
    std::getline(ss, imb, ',');
    std::getline(ss, cut, ',');
    if (k == "2" && !cut.empty()) best[graph] = std::stod(cut);
  }
  return best;
}

double geomean(const std::vector<double>& v) {
  if (v.empty()) return NAN;
  double s = 0;
  for (double x : v) s += std::log(x);
  return std::exp(s / v.size());
}

/// Torch intra-op threads from the config ("threads", default 1: METIS runs on one core, and on a
/// shared machine OpenMP spinning makes small tensor ops slower with more threads).
int cfg_threads(const char* path) { return read_json_file(path).value("threads", 1); }

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 3) {
      std::fprintf(stderr, "usage: partition_bench CONFIG.json OUT_PREFIX [--model FILE] [--graphs a,b]\n");
      return 2;
    }
    log::init(0);
    configure_torch_threads(cfg_threads(argv[1]));
    Json cfg = read_json_file(argv[1]);
    const std::string prefix = argv[2];
    std::string model;
    std::vector<std::string> only;
    for (int i = 3; i + 1 < argc; i += 2) {
      std::string a = argv[i];
      if (a == "--model") model = argv[i + 1];
      else if (a == "--graphs") {
        std::stringstream ss(argv[i + 1]);
        std::string g;
        while (std::getline(ss, g, ',')) only.push_back(g);
      } else throw UsageError("unknown option " + a);
    }
    const auto ks = cfg.at("ks").get<std::vector<int>>();
    const double eps = cfg.at("imbalance").get<double>();
    const uint64_t seed = cfg.value("seed", 1);
    const auto methods = cfg.at("methods").get<std::vector<std::string>>();
    auto best = read_best_cuts(cfg.at("best_cuts").get<std::string>());
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(cfg.at("graphs_dir").get<std::string>()))
      if (e.path().string().find(".graph") != std::string::npos &&
          (only.empty() || std::find(only.begin(), only.end(), graph_name(e.path())) != only.end()))
        files.push_back(e.path());
    // Small graphs first (quick feedback), name breaks ties.
    std::vector<std::pair<int64_t, std::filesystem::path>> sized;
    for (auto& f : files) sized.emplace_back(std::filesystem::file_size(f), f);
    std::sort(sized.begin(), sized.end());

    Json rows = Json::array();
    std::vector<std::pair<int64_t, std::string>> graph_sizes;
    ProgressBar bar("partition bench", static_cast<int64_t>(sized.size() * ks.size()));
    for (auto& [size, file] : sized) {
      graph::Graph g = read_metis_graph(file.string());
      const std::string name = graph_name(file);
      graph_sizes.emplace_back(g.num_nodes(), name);
      for (int k : ks) {
        bar.set_status(fmt::format("{} k={}", name, k));
        std::vector<int> gap_raw_part;
        double gap_raw_time = 0, gap_raw_inference = 0;
        for (const auto& m : methods) {
          PartitionOptions po;
          po.k = k;
          po.imbalance = eps;
          po.seed = seed;
          po.model = model;
          po.refiner.vcycles = cfg.value("vcycles", po.refiner.vcycles);
          po.refiner.fm_max_negative_moves = cfg.value("fm_max_negative_moves", po.refiner.fm_max_negative_moves);
          po.refiner.vcycle_patience = cfg.value("vcycle_patience", po.refiner.vcycle_patience);
          po.refiner.tries = cfg.value("refine_tries", po.refiner.tries);
          Json row{{"graph", name}, {"n", g.num_nodes()}, {"m", g.num_edges()}, {"k", k}, {"method", m}};
          PartitionResult r;
          if (m == "gap" && !gap_raw_part.empty()) {
            // gap = gap-raw + refinement: reuse the raw partition computed just before (same seed).
            r.part = gap_raw_part;
            FmRefiner refiner([&] {
              RefinerOptions ro = po.refiner;
              ro.imbalance = eps;
              ro.seed = seed;
              return ro;
            }());
            Stopwatch sw;
            refiner.refine(g, r.part, k);
            r.refine_seconds = sw.seconds();
            r.inference_seconds = gap_raw_inference;
            r.seconds = gap_raw_time + r.refine_seconds;
            r.method = "gap";
            r.quality = evaluate_partition(g, r.part, k);
            r.feasible = r.quality.max_block_weight <= max_block_weight(g, k, eps) + 1e-9;
          } else {
            po.method = m;
            r = GraphPartitioner(po).run(g);
            if (m == "gap-raw") {
              gap_raw_part = r.part;
              gap_raw_time = r.seconds;
              gap_raw_inference = r.inference_seconds;
            }
          }
          row["cut"] = r.quality.cut;
          row["imbalance"] = r.quality.imbalance;
          row["feasible"] = r.feasible;
          row["time"] = r.seconds;
          row["inference_time"] = r.inference_seconds;
          row["refine_time"] = r.refine_seconds;
          if (k == 2 && best.count(name)) row["best_known_cut_eps5"] = best[name];
          rows.push_back(row);
        }
        bar.advance();
      }
      write_json_file(prefix + ".json", Json{{"config", cfg}, {"rows", rows}});
    }
    bar.finish();

    // Summary.
    std::map<std::tuple<std::string, int, std::string>, Json> at;
    for (auto& r : rows) at[{r["graph"].get<std::string>(), r["k"].get<int>(), r["method"].get<std::string>()}] = r;
    auto has = [&](const std::string& m) { return std::find(methods.begin(), methods.end(), m) != methods.end(); };
    std::vector<double> gap_vs_metis, raw_vs_random, rr_vs_metis, raw_vs_metis, rb_vs_metis;
    int infeasible = 0, total = 0;
    std::map<std::string, int> infeasible_by_method;
    for (auto& r : rows) {
      ++total;
      if (!r["feasible"].get<bool>()) {
        ++infeasible;
        infeasible_by_method[r["method"].get<std::string>()]++;
      }
    }
    std::sort(graph_sizes.begin(), graph_sizes.end());
    std::ostringstream md;
    md << "# Partitioning benchmark (Walshaw graphs, imbalance " << eps << ")\n\n";
    md << "Cuts per graph and k; `gap` = GAP (shipped model, recursive bisection) + FM/V-cycle refinement, "
          "`gap-raw` = GAP alone, `rr` = refinement from a random partition, `metis` = METIS 5.1 k-way, "
          "`rb` = METIS recursive bisection. `*` = block-weight bound violated. best = archive best-known cut "
          "(k = 2, 5% imbalance, so a lower bound only loosely comparable).\n\n";
    md << "| graph | n | k | gap-raw | random | rr | gap | metis | rb | gap/metis | best |\n";
    md << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (auto& [n, name] : graph_sizes) {
      for (int k : ks) {
        auto cell = [&](const std::string& m) -> std::string {
          auto it = at.find({name, k, m});
          if (it == at.end()) return "-";
          return fmt::format("{}{}", it->second["cut"].get<double>(), it->second["feasible"].get<bool>() ? "" : "*");
        };
        auto cut = [&](const std::string& m) { return at.at({name, k, m})["cut"].get<double>(); };
        std::string ratio = "-";
        if (has("gap") && has("metis") && cut("metis") > 0) {
          gap_vs_metis.push_back(std::max(cut("gap"), 1.0) / cut("metis"));
          ratio = fmt::format("{:.3f}", gap_vs_metis.back());
        }
        if (has("gap-raw") && has("random") && cut("random") > 0)
          raw_vs_random.push_back(std::max(cut("gap-raw"), 1.0) / cut("random"));
        if (has("gap-raw") && has("metis") && cut("metis") > 0)
          raw_vs_metis.push_back(std::max(cut("gap-raw"), 1.0) / cut("metis"));
        if (has("refine-random") && has("metis") && cut("metis") > 0)
          rr_vs_metis.push_back(std::max(cut("refine-random"), 1.0) / cut("metis"));
        if (has("metis-rb") && has("metis") && cut("metis") > 0)
          rb_vs_metis.push_back(std::max(cut("metis-rb"), 1.0) / cut("metis"));
        std::string bk = (k == 2 && best.count(name)) ? fmt::format("{}", best[name]) : "";
        md << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", name, n, k, cell("gap-raw"),
                          cell("random"), cell("refine-random"), cell("gap"), cell("metis"), cell("metis-rb"), ratio, bk);
      }
    }
    Json summary{{"rows", total}, {"infeasible", infeasible}, {"infeasible_by_method", infeasible_by_method}};
    md << "\n## Summary (geometric means over all graph × k)\n\n";
    auto line = [&](const std::string& label, const std::string& key, const std::vector<double>& v) {
      if (v.empty()) return;
      summary[key] = geomean(v);
      md << fmt::format("- {}: **{:.3f}** ({} pairs)\n", label, geomean(v), v.size());
    };
    line("cut(gap + refine) / cut(METIS k-way)", "geomean_gap_over_metis", gap_vs_metis);
    line("cut(gap-raw) / cut(random)", "geomean_gapraw_over_random", raw_vs_random);
    line("cut(gap-raw) / cut(METIS k-way)", "geomean_gapraw_over_metis", raw_vs_metis);
    line("cut(refine-random) / cut(METIS k-way)", "geomean_refinerandom_over_metis", rr_vs_metis);
    line("cut(METIS rb) / cut(METIS k-way)", "geomean_metisrb_over_metis", rb_vs_metis);
    md << fmt::format("- results violating the block-weight bound: {} of {}", infeasible, total);
    for (auto& [m, c] : infeasible_by_method) md << fmt::format(" ({}: {})", m, c);
    md << "\n";
    // Time on the largest graphs.
    const int largest = cfg.value("largest_graphs_for_timing", 4);
    if (has("gap") && has("metis")) {
      md << "\n## Time on the largest graphs (seconds, sum over k)\n\n| graph | n | gap inference | refine | gap total | metis | gap/metis |\n|---|---|---|---|---|---|---|\n";
      Json timing = Json::array();
      for (int i = static_cast<int>(graph_sizes.size()) - 1; i >= 0 && i >= static_cast<int>(graph_sizes.size()) - largest; --i) {
        const auto& name = graph_sizes[i].second;
        double inf = 0, ref = 0, met = 0;
        for (int k : ks) {
          inf += at.at({name, k, "gap"})["inference_time"].get<double>();
          ref += at.at({name, k, "gap"})["refine_time"].get<double>();
          met += at.at({name, k, "metis"})["time"].get<double>();
        }
        md << fmt::format("| {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.1f} |\n", name, graph_sizes[i].first, inf,
                          ref, inf + ref, met, (inf + ref) / met);
        timing.push_back(Json{{"graph", name}, {"gap_inference", inf}, {"gap_refine", ref}, {"metis", met},
                              {"ratio", (inf + ref) / met}});
      }
      summary["timing_largest"] = timing;
    }
    write_json_file(prefix + ".json", Json{{"config", cfg}, {"summary", summary}, {"rows", rows}});
    write_file_atomic(prefix + ".md", [&](std::ostream& os) { os << md.str(); });
    std::printf("%s", md.str().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "partition_bench: error: %s\n", e.what());
    return 1;
  }
}
