// Profiled-graph readers (msr_dnn_partitioning JSON, PipeDream graph.txt) and the format dispatch.
#include "tessera/io/device_model_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "tessera/core/error.h"
#include "tessera/core/json.h"
#include "tessera/core/log.h"
#include "tessera/core/text_reader.h"

namespace tessera::devices {

namespace fs = std::filesystem;

void ModelOptions::validate() const {
  if (batch < 0) throw UsageError("--batch must be >= 0 (0 = as exported), got " + std::to_string(batch));
  if (file_batch < 0) throw UsageError("file batch must be >= 0");
  train.validate();
}

// ---------------------------------------------------------------------------------------------
// msr_dnn_partitioning
namespace {

double msr_number(const Json& n, const char* key, const std::string& path, size_t i, bool required) {
  if (!n.contains(key)) {
    if (required) throw InputError(path, 0, "nodes[" + std::to_string(i) + "]." + key + ": missing (expected a number)");
    return 0;
  }
  const Json& v = n[key];
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (!v.is_number()) throw InputError(path, 0, "nodes[" + std::to_string(i) + "]." + key + ": expected a number");
  double x = v.get<double>();
  if (!std::isfinite(x) || x < 0)
    throw InputError(path, 0, "nodes[" + std::to_string(i) + "]." + key + ": expected a number >= 0");
  return x;
}

/// Finds human-experts/<model>_<task>_expert.json above the file (the repo layout).
std::string find_expert_file(const std::string& path, bool training) {
  fs::path p(path);
  std::string stem = p.stem().string();  // e.g. gnmt_training
  std::string model = stem.substr(0, stem.rfind('_'));
  for (fs::path dir = p.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    fs::path experts = dir / "human-experts";
    if (fs::is_directory(experts)) {
      for (const char* task : training ? std::vector<const char*>{"training", "inference"}
                                       : std::vector<const char*>{"inference"}) {
        fs::path f = experts / (model + "_" + task + "_expert.json");
        if (fs::exists(f)) return f.string();
      }
      return "";
    }
  }
  return "";
}

}  // namespace

DeviceGraph read_msr_model(const std::string& path, const ModelOptions& options) {
  options.validate();
  Json j = read_json_file(path);
  if (j.is_object() && j.contains("layers") && !j.contains("nodes"))
    throw InputError(path, 0,
                     "a Paleo/Exprimo network spec (\"layers\"), which has no op costs and is not read; device "
                     "models come from ONNX (.onnx), msr_dnn_partitioning JSON ({\"nodes\": [...], \"edges\": "
                     "[...]}) or PipeDream profiles (graph.txt). Exprimo device graphs are read by --cluster");
  if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_array() || !j.contains("edges") ||
      !j["edges"].is_array())
    throw InputError(path, 0, "expected an msr_dnn_partitioning workload {\"nodes\": [...], \"edges\": [...]}");
  std::string base = fs::path(path).stem().string();
  DeviceGraph g("msr:" + base);
  std::map<int64_t, int> index;
  bool any_backward = false;
  const auto& nodes = j["nodes"];
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Json& n = nodes[i];
    if (!n.is_object() || !n.contains("id") || !n["id"].is_number_integer())
      throw InputError(path, 0, "nodes[" + std::to_string(i) + "].id: expected an integer");
    const int64_t id = n["id"].get<int64_t>();
    Op op;
    op.name = n.value("name", std::string("node")) + "#" + std::to_string(id);
    op.type = "Layer";
    // Times are milliseconds (SOURCES.md: LayerGraphs equal PipeDream's ms profiles).
    op.profiled_time[static_cast<int>(DeviceKind::kGpu)] = msr_number(n, "fpgaLatency", path, i, true) * 1e-3;
    op.profiled_time[static_cast<int>(DeviceKind::kCpu)] = msr_number(n, "cpuLatency", path, i, true) * 1e-3;
    op.param_bytes = msr_number(n, "size", path, i, false);
    const bool backward = msr_number(n, "isBackwardNode", path, i, false) != 0;
    any_backward |= backward;
    op.role = backward ? OpRole::kBackward : OpRole::kForward;
    if (n.contains("colorClass") && n["colorClass"].is_number_integer()) op.colocation = n["colorClass"].get<int>();
    if (n.contains("layerId") && n["layerId"].is_number_integer()) op.layer = n["layerId"].get<int>();
    const int v = g.add_op(std::move(op));
    if (!index.emplace(id, v).second) throw InputError(path, 0, "nodes[" + std::to_string(i) + "].id: duplicate id " + std::to_string(id));
  }
  const auto& edges = j["edges"];
  std::vector<double> out_bytes(g.num_ops(), 0);
  for (size_t i = 0; i < edges.size(); ++i) {
    const Json& e = edges[i];
    const std::string f = "edges[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("sourceId") || !e.contains("destId"))
      throw InputError(path, 0, f + ": expected {sourceId, destId, size}");
    auto s = index.find(e["sourceId"].get<int64_t>()), t = index.find(e["destId"].get<int64_t>());
    if (s == index.end()) throw InputError(path, 0, f + ".sourceId: unknown node id " + e["sourceId"].dump());
    if (t == index.end()) throw InputError(path, 0, f + ".destId: unknown node id " + e["destId"].dump());
    double bytes = e.value("size", 0.0);
    if (!std::isfinite(bytes) || bytes < 0) throw InputError(path, 0, f + ".size: expected bytes >= 0");
    g.add_edge(s->second, t->second, bytes, 0);
    out_bytes[s->second] = std::max(out_bytes[s->second], bytes);
  }
  for (int v = 0; v < g.num_ops(); ++v) {
    Op& o = g.mutable_op(v);
    o.output_bytes = out_bytes[v];
    o.bytes_written = out_bytes[v];
  }
  for (const Edge& e : g.edges()) g.mutable_op(e.dst).bytes_read += e.bytes;
  g.set_training(any_backward);
  // Human-expert split: fpgas[s].nodes, in pipeline order. Unlisted ops follow a co-located listed
  // op, else their first placed predecessor, else stage 0.
  const std::string expert = find_expert_file(path, any_backward);
  if (!expert.empty()) {
    Json ej = read_json_file(expert);
    if (!ej.contains("fpgas") || !ej["fpgas"].is_array()) throw InputError(expert, 0, "fpgas: expected an array");
    DeviceGraph::ExpertPlacement p;
    p.name = fs::path(expert).stem().string();
    p.num_devices = static_cast<int>(ej["fpgas"].size());
    p.device.assign(g.num_ops(), -1);
    for (int s = 0; s < p.num_devices; ++s)
      for (const Json& id : ej["fpgas"][s]["nodes"]) {
        auto it = index.find(id.get<int64_t>());
        if (it == index.end()) throw InputError(expert, 0, "fpgas[" + std::to_string(s) + "].nodes: unknown node id " + id.dump());
        p.device[it->second] = s;
      }
    g.add_expert_placement(std::move(p));
  }
  g.finalize(path);
  if (!g.expert_placements().empty()) {
    // Fill the unlisted ops now that groups and topological order exist.
    DeviceGraph::ExpertPlacement p = g.expert_placements().front();
    for (const auto& members : g.groups()) {
      int dev = -1;
      for (int v : members)
        if (p.device[v] >= 0) dev = p.device[v];
      if (dev >= 0)
        for (int v : members)
          if (p.device[v] < 0) p.device[v] = dev;
    }
    for (int v : g.topological_order()) {
      if (p.device[v] >= 0) continue;
      int dev = 0;
      for (const int* e = g.in_begin(v); e != g.in_end(v); ++e)
        if (p.device[g.edges()[*e].src] >= 0) {
          dev = p.device[g.edges()[*e].src];
          break;
        }
      p.device[v] = dev;
    }
    g.mutable_expert_placements().front() = std::move(p);
  }
  if (options.training && !any_backward)
    spdlog::warn("{}: an inference workload; --training expands it with derived backward costs", path);
  if (options.training && !any_backward) return expand_training(g, options.train);
  return g;
}

// ---------------------------------------------------------------------------------------------
// PipeDream graph.txt
DeviceGraph read_pipedream_model(const std::string& path, const ModelOptions& options) {
  options.validate();
  TextReader in(path);
  std::string line;
  struct Node {
    std::string id, desc;
    double fwd = 0, bwd = 0, act = 0, params = 0;
  };
  std::vector<Node> nodes;
  std::map<std::string, int> index;
  std::vector<std::pair<int, int>> edges;
  std::vector<int64_t> edge_line;
  const std::string sep = " -- ";
  while (in.next_line(line)) {
    if (line.empty()) continue;
    if (line[0] == '\t') {
      std::string rest = line.substr(1);
      size_t k = rest.find(sep);
      if (k == std::string::npos) in.fail("edge line: expected '\\t<src> -- <dst>'");
      std::string a = rest.substr(0, k), b = rest.substr(k + sep.size());
      auto ia = index.find(a), ib = index.find(b);
      if (ia == index.end()) in.fail("edge: unknown source node '" + a + "' (nodes must be declared before edges)");
      if (ib == index.end()) in.fail("edge: unknown destination node '" + b + "'");
      edges.emplace_back(ia->second, ib->second);
      continue;
    }
    size_t k1 = line.find(sep);
    size_t k2 = k1 == std::string::npos ? k1 : line.find(sep, k1 + sep.size());
    if (k2 == std::string::npos) in.fail("node line: expected '<id> -- <desc> -- <metadata>'");
    Node n;
    n.id = line.substr(0, k1);
    n.desc = line.substr(k1 + sep.size(), k2 - k1 - sep.size());
    std::string meta = line.substr(k2 + sep.size());
    size_t k3 = meta.find(sep);
    if (k3 != std::string::npos) meta = meta.substr(0, k3);  // optional " -- stage_id=..."
    int found = 0;
    size_t pos = 0;
    while (pos < meta.size()) {
      size_t comma = meta.find(", ", pos);
      std::string kv = meta.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      pos = comma == std::string::npos ? meta.size() : comma + 2;
      size_t eq = kv.find('=');
      if (eq == std::string::npos) in.fail("metadata field '" + kv + "': expected key=value");
      std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
      double x = 0;
      if (!value.empty() && value.front() == '[') {  // list of activation sizes: summed
        std::string inner = value.substr(1, value.size() - 2);
        size_t p2 = 0;
        while (p2 < inner.size()) {
          size_t semi = inner.find(';', p2);
          std::string item = inner.substr(p2, semi == std::string::npos ? std::string::npos : semi - p2);
          while (!item.empty() && item.front() == ' ') item.erase(0, 1);
          double y;
          if (!parse_double(item, y)) in.fail("metadata " + key + ": bad list item '" + item + "'");
          x += y;
          p2 = semi == std::string::npos ? inner.size() : semi + 1;
        }
      } else if (!parse_double(value, x)) {
        in.fail("metadata " + key + ": expected a number, got '" + value + "'");
      }
      if (!std::isfinite(x) || x < 0) in.fail("metadata " + key + ": expected a number >= 0");
      if (key == "forward_compute_time") n.fwd = x, ++found;
      else if (key == "backward_compute_time") n.bwd = x, ++found;
      else if (key == "activation_size") n.act = x, ++found;
      else if (key == "parameter_size") n.params = x, ++found;
    }
    if (found != 4)
      in.fail("node metadata: expected forward_compute_time, backward_compute_time, activation_size, parameter_size");
    if (!index.emplace(n.id, static_cast<int>(nodes.size())).second) in.fail("duplicate node id '" + n.id + "'");
    nodes.push_back(std::move(n));
  }
  if (nodes.empty()) throw InputError(path, 0, "no nodes (expected a PipeDream profile graph.txt)");
  // Batch: file batch from the Input node (fp32 images, 3 channels, 224 or 299 pixels), GNMT: 64.
  int file_batch = options.file_batch;
  if (file_batch <= 0) {
    for (const Node& n : nodes)
      if (n.desc.rfind("Input", 0) == 0 && n.act > 0) {
        for (double px : {224.0, 299.0, 331.0}) {
          double b = n.act / (4 * 3 * px * px);
          if (std::fabs(b - std::round(b)) < 1e-6 && b >= 1) {
            file_batch = static_cast<int>(std::round(b));
            break;
          }
        }
      }
    if (file_batch <= 0 && path.find("gnmt") != std::string::npos) file_batch = 64;
  }
  double scale = 1.0;
  if (options.batch > 0) {
    if (file_batch <= 0) throw InputError(path, 0, "cannot scale to --batch: the profile's batch size is unknown");
    scale = static_cast<double>(options.batch) / file_batch;
  }
  fs::path p(path);
  DeviceGraph g("pipedream:" + p.parent_path().filename().string());
  g.set_batch_size(options.batch > 0 ? options.batch : file_batch);
  std::vector<std::array<double, kNumDeviceKinds>> bwd;
  for (const Node& n : nodes) {
    Op op;
    op.name = n.id;
    op.type = n.desc.substr(0, n.desc.find('('));
    const bool input = op.type.rfind("Input", 0) == 0;
    // ms per minibatch -> s; the Input node's time is data loading: 0.
    op.profiled_time[static_cast<int>(DeviceKind::kGpu)] = input ? 0.0 : n.fwd * 1e-3 * scale;
    op.output_bytes = n.act * scale;
    op.bytes_written = op.output_bytes;
    op.param_bytes = n.params;
    g.add_op(std::move(op));
    bwd.push_back({input ? 0.0 : n.bwd * 1e-3 * scale, -1.0});
  }
  for (auto [a, b] : edges) {
    g.add_edge(a, b, nodes[a].act * scale, 0);
    g.mutable_op(b).bytes_read += nodes[a].act * scale;
  }
  g.finalize(path);
  if (options.training) return expand_training(g, options.train, bwd);
  return g;
}

// ---------------------------------------------------------------------------------------------
DeviceGraph read_device_model(const std::string& path, const ModelOptions& options) {
  ModelFormat f = options.format;
  if (f == ModelFormat::kAuto) {
    const std::string ext = fs::path(path).extension().string();
    if (ext == ".onnx") f = ModelFormat::kOnnx;
    else if (ext == ".json") f = ModelFormat::kMsrJson;
    else if (ext == ".txt") f = ModelFormat::kPipeDream;
    else if (fs::is_directory(path) && fs::exists(fs::path(path) / "graph.txt"))
      return read_pipedream_model((fs::path(path) / "graph.txt").string(), options);
    else {
      std::ifstream probe(path, std::ios::binary);
      if (!probe) throw InputError(path, 0, "cannot open the model file");
      int c = probe.peek();
      f = c == '{' ? ModelFormat::kMsrJson : ModelFormat::kOnnx;
    }
  }
  switch (f) {
    case ModelFormat::kOnnx: return read_onnx_model(path, options);
    case ModelFormat::kMsrJson: return read_msr_model(path, options);
    case ModelFormat::kPipeDream: return read_pipedream_model(path, options);
    default: break;
  }
  throw UsageError("unknown model format");
}

}  // namespace tessera::devices
