// Reports of a simulated step: JSON summary and the Gantt chart (SVG).
#include <algorithm>
#include <cstdio>

#include "tessera/core/error.h"
#include "tessera/core/svg.h"
#include "tessera/cost/device_simulator.h"

namespace tessera::devices {

Json SimResult::to_json(const DeviceGraph& g, const Cluster& c, bool with_trace) const {
  Json j;
  j["step_time"] = step_time;
  j["feasible"] = feasible;
  j["score"] = score;
  j["total_work"] = total_work;
  j["critical_path_time"] = critical_path_time;
  j["bytes_moved"] = bytes_moved;
  j["num_transfers"] = num_transfers;
  Json devs = Json::array();
  for (int d = 0; d < c.num_devices(); ++d)
    devs.push_back({{"name", c.device(d).name},
                    {"busy", d < static_cast<int>(busy.size()) ? busy[d] : 0.0},
                    {"peak_memory", d < static_cast<int>(peak_memory.size()) ? peak_memory[d] : 0.0},
                    {"capacity", c.device(d).memory}});
  j["devices"] = devs;
  Json links = Json::array();
  for (int l = 0; l < c.num_links(); ++l)
    if (l < static_cast<int>(link_bytes.size()) && link_bytes[l] > 0)
      links.push_back({{"name", c.link(l).name}, {"bytes", link_bytes[l]}, {"busy", link_busy[l]}});
  j["links"] = links;
  if (!feasible && oom.device >= 0)
    j["oom"] = {{"device", c.device(oom.device).name},
                {"peak", oom.peak},
                {"capacity", oom.capacity},
                {"op", oom.op >= 0 ? g.op(oom.op).name : std::string()}};
  Json cp = Json::array();
  for (int v : critical_path) cp.push_back(g.op(v).name);
  j["critical_path"] = cp;
  if (with_trace && !ops.empty()) {
    Json o = Json::array();
    for (const OpTrace& t : ops)
      o.push_back({{"op", g.op(t.op).name}, {"device", c.device(t.device).name}, {"ready", t.ready},
                   {"start", t.start}, {"end", t.end}});
    j["ops"] = o;
    Json tr = Json::array();
    for (const TransferTrace& t : transfers)
      tr.push_back({{"op", g.op(t.src_op).name}, {"tensor", t.tensor}, {"from", c.device(t.from).name},
                    {"to", c.device(t.to).name}, {"bytes", t.bytes}, {"issue", t.issue}, {"start", t.start},
                    {"end", t.end}});
    j["transfers"] = tr;
  }
  return j;
}

void write_gantt_svg(const std::string& path, const DeviceGraph& g, const Cluster& c, const SimResult& r) {
  if (r.ops.empty() && g.num_ops() > 0)
    throw UsageError("write_gantt_svg: the simulation was run without record_trace");
  // Lanes: devices, then every (from, to) device pair that carried a transfer.
  std::vector<std::pair<int, int>> pairs;
  for (const auto& t : r.transfers) pairs.emplace_back(t.from, t.to);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  const double lane_h = 22, left = 120, right = 20, top = 40, width = 1200;
  const int lanes = c.num_devices() + static_cast<int>(pairs.size());
  const double height = top + lanes * lane_h + 50;
  svg::Document doc(width, height);
  const double T = std::max(r.step_time, 1e-12);
  const double scale = (width - left - right) / T;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s on %s: step %.3f ms%s", g.name().c_str(), c.name().c_str(), r.step_time * 1e3,
                r.feasible ? "" : " (INFEASIBLE: out of memory)");
  doc.text(left, 20, buf, 14);
  for (int d = 0; d < c.num_devices(); ++d) {
    const double y = top + d * lane_h;
    doc.text(left - 6, y + lane_h * 0.7, c.device(d).name, 11, "end");
    doc.rect(left, y, width - left - right, lane_h - 2, "#f4f4f4");
  }
  for (size_t i = 0; i < pairs.size(); ++i) {
    const double y = top + (c.num_devices() + i) * lane_h;
    doc.text(left - 6, y + lane_h * 0.7, c.device(pairs[i].first).name + "→" + c.device(pairs[i].second).name, 10, "end");
    doc.rect(left, y, width - left - right, lane_h - 2, "#eef3f8");
  }
  const char* role_color[] = {"#4c78a8", "#e45756", "#54a24b"};
  for (const OpTrace& t : r.ops) {
    if (t.op < 0) continue;
    const Op& op = g.op(t.op);
    const double y = top + t.device * lane_h;
    const double w = std::max((t.end - t.start) * scale, 0.3);
    std::snprintf(buf, sizeof buf, "%s (%s) %.3f-%.3f ms", op.name.c_str(), op.type.c_str(), t.start * 1e3, t.end * 1e3);
    doc.rect(left + t.start * scale, y + 1, w, lane_h - 4, role_color[static_cast<int>(op.role)], "none", 0, 0.9, buf);
  }
  for (const TransferTrace& t : r.transfers) {
    size_t lane = std::lower_bound(pairs.begin(), pairs.end(), std::make_pair(t.from, t.to)) - pairs.begin();
    const double y = top + (c.num_devices() + lane) * lane_h;
    std::snprintf(buf, sizeof buf, "%s: %.0f bytes %.3f-%.3f ms", g.op(t.src_op).name.c_str(), t.bytes, t.start * 1e3,
                  t.end * 1e3);
    doc.rect(left + t.start * scale, y + 1, std::max((t.end - t.start) * scale, 0.3), lane_h - 4, "#f58518", "none", 0,
             0.8, buf);
  }
  const double axis_y = top + lanes * lane_h + 15;
  for (int i = 0; i <= 10; ++i) {
    const double x = left + (width - left - right) * i / 10.0;
    doc.line(x, axis_y - 8, x, axis_y - 3, "#444");
    std::snprintf(buf, sizeof buf, "%.2f ms", T * i / 10.0 * 1e3);
    doc.text(x, axis_y + 10, buf, 10, "middle");
  }
  doc.text(left, height - 6, "blue: forward, red: backward, green: update, orange: transfers", 10);
  doc.save(path);
}

}  // namespace tessera::devices
