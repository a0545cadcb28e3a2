#include "tessera/problems/chip_rl_env.h"

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"

namespace tessera::chip {

ChipRlEnv::ChipRlEnv(ChipRlTask task, ChipRlEnvOptions options)
    : task_(std::move(task)), options_(std::move(options)), cost_(*task_.netlist, task_.spec) {
  task_.spec.validate();
  options_.fd.validate();
  const Netlist& nl = *task_.netlist;
  if (task_.start.size() != nl.num_nodes())
    throw Error("chip rl: the start placement of '" + task_.name + "' does not match its netlist");
  {
    ChipCanvas canvas(nl, task_.spec);  // throws when a hard macro does not fit the canvas
    for (int64_t m : canvas.macros_by_area())
      if (!task_.start.fixed[m]) order_.push_back(m);
  }
  ObjectGraph og = nl.to_graph(false, 16);
  const graph::Graph& g = og.graph;
  const int64_t n = g.num_nodes();
  if (n == 0) throw InputError(nl.source(), 0, "netlist has no macros or ports to place");
  node_of_ = og.node_of;
  object_of_ = og.object_of;
  neighbors_.assign(n, {});
  const double w_canvas = task_.spec.width, h_canvas = task_.spec.height;
  auto features = torch::zeros({n, kChipRlNodeFeatures});
  auto f = features.accessor<float, 2>();
  std::vector<int64_t> src, dst;
  std::vector<float> weight;
  for (int64_t u = 0; u < n; ++u) {
    const int64_t node = node_of_[u];
    const Node& nd = nl.node(node);
    const bool hard = nd.type == NodeType::kHardMacro, soft = nd.type == NodeType::kSoftMacro,
               port = nd.type == NodeType::kPort;
    f[u][0] = hard;
    f[u][1] = soft;
    f[u][2] = port;
    f[u][3] = static_cast<float>(nd.width / w_canvas);
    f[u][4] = static_cast<float>(nd.height / h_canvas);
    // Positions the policy may know: ports, soft macros' starting positions, fixed hard macros.
    if (!hard || task_.start.fixed[node]) {
      f[u][5] = static_cast<float>(task_.start.x[node] / w_canvas);
      f[u][6] = static_cast<float>(task_.start.y[node] / h_canvas);
    }
    f[u][7] = static_cast<float>(std::log1p(g.weighted_degree(u)) / 4.0);
    for (int64_t a = g.begin(u); a < g.end(u); ++a) {
      const int64_t v = g.neighbor(a);
      const double w = g.edge_weight(a);
      neighbors_[u].push_back({node_of_[v], w});
      if (u < v) {
        src.push_back(u);
        dst.push_back(v);
        weight.push_back(static_cast<float>(std::log1p(w)));
      }
    }
  }
  graph_.node_features = features;
  graph_.edge_src = torch::tensor(src, torch::kInt64);
  graph_.edge_dst = torch::tensor(dst, torch::kInt64);
  graph_.edge_weight = torch::tensor(weight, torch::kFloat32);
  for (int64_t m : order_)
    if (object_of_[m] < 0) throw Error("chip rl: hard macro '" + nl.node(m).name + "' is not in the object graph");
}

ChipRlEpisode::ChipRlEpisode(const ChipRlEnv& env)
    : env_(&env), canvas_(env.netlist(), env.task().spec), placement_(env.task().start) {
  occupancy_.assign(static_cast<size_t>(env.rows()) * env.cols(), 0.0f);
  canvas_.place_fixed(placement_);
  for (int64_t m : env.netlist().hard_macros())
    if (placement_.fixed[m]) add_occupancy(m, 1.0);
}

void ChipRlEpisode::add_occupancy(int64_t macro, double sign) {
  const Netlist& nl = env_->netlist();
  const double cw = canvas_.cell_width(), ch = canvas_.cell_height();
  const double w = placement_.placed_width(nl, macro), h = placement_.placed_height(nl, macro);
  const double x0 = placement_.x[macro] - w / 2, x1 = x0 + w, y0 = placement_.y[macro] - h / 2, y1 = y0 + h;
  const int cols = canvas_.cols(), rows = canvas_.rows();
  const int c0 = std::clamp(static_cast<int>(std::floor(x0 / cw)), 0, cols - 1);
  const int c1 = std::clamp(static_cast<int>(std::floor(x1 / cw)), 0, cols - 1);
  const int r0 = std::clamp(static_cast<int>(std::floor(y0 / ch)), 0, rows - 1);
  const int r1 = std::clamp(static_cast<int>(std::floor(y1 / ch)), 0, rows - 1);
  for (int r = r0; r <= r1; ++r)
    for (int c = c0; c <= c1; ++c) {
      const double ox = std::min(x1, (c + 1) * cw) - std::max(x0, c * cw);
      const double oy = std::min(y1, (r + 1) * ch) - std::max(y0, r * ch);
      if (ox > 0 && oy > 0) occupancy_[static_cast<size_t>(r) * cols + c] += static_cast<float>(sign * ox * oy / (cw * ch));
    }
}

ChipRlObservation ChipRlEpisode::observe() const {
  if (done()) throw Error("chip rl: observe() after the last macro");
  const Netlist& nl = env_->netlist();
  const int rows = canvas_.rows(), cols = canvas_.cols(), cells = rows * cols;
  const int64_t macro = current_macro();
  const Orientation o = placement_.orientation[macro];
  ChipRlObservation obs;
  obs.macro_node = env_->graph_node(macro);
  std::vector<uint8_t> legal = canvas_.legal_mask(macro, o);
  if (std::none_of(legal.begin(), legal.end(), [](uint8_t v) { return v != 0; })) {
    // No legal cell: allow every cell that keeps the macro inside the canvas (overlap is then paid
    // for by the density cost); all cells when even that is impossible.
    obs.fallback = true;
    const double hw = placement_.placed_width(nl, macro) / 2, hh = placement_.placed_height(nl, macro) / 2;
    const double W = env_->task().spec.width, H = env_->task().spec.height, eps = 1e-9;
    bool any = false;
    for (int c = 0; c < cells; ++c) {
      Point p = canvas_.cell_center(c);
      legal[c] = p.x - hw >= -eps && p.x + hw <= W + eps && p.y - hh >= -eps && p.y + hh <= H + eps;
      any = any || legal[c];
    }
    if (!any) std::fill(legal.begin(), legal.end(), 1);
  }
  obs.mask = torch::from_blob(legal.data(), {cells}, torch::kUInt8).to(torch::kBool);
  obs.spatial = torch::zeros({kChipRlSpatialChannels, rows, cols});
  auto s = obs.spatial.accessor<float, 3>();
  float max_placed = 0, max_soft = 0;
  // Channel 6: the weighted Manhattan distance from each cell centre to the placed neighbours (hard
  // macros and ports), i.e. the wirelength the macro adds there, scaled to [0, 1] (0 = shortest).
  // Σ w·|x - x_i| depends on the column only and Σ w·|y - y_i| on the row only.
  std::vector<double> wire_col(cols, 0.0), wire_row(rows, 0.0);
  bool any_placed = false;
  for (const auto& nb : env_->neighbors(obs.macro_node)) {
    const Node& nd = nl.node(nb.node);
    int channel;
    if (nd.type == NodeType::kPort || (nd.type == NodeType::kHardMacro && canvas_.is_placed(nb.node))) {
      channel = 2;
      any_placed = true;
      for (int c = 0; c < cols; ++c)
        wire_col[c] += nb.weight * std::abs(canvas_.cell_center(c).x - placement_.x[nb.node]);
      for (int r = 0; r < rows; ++r)
        wire_row[r] += nb.weight * std::abs(canvas_.cell_center(r * cols).y - placement_.y[nb.node]);
    } else if (nd.type == NodeType::kSoftMacro)
      channel = 3;
    else
      continue;
    const int cell = canvas_.cell_of(placement_.x[nb.node], placement_.y[nb.node]);
    float& v = s[channel][cell / cols][cell % cols];
    v += static_cast<float>(nb.weight);
    (channel == 2 ? max_placed : max_soft) = std::max(channel == 2 ? max_placed : max_soft, v);
  }
  double wire_min = 0, wire_span = 0;
  if (any_placed) {
    wire_min =
        *std::min_element(wire_col.begin(), wire_col.end()) + *std::min_element(wire_row.begin(), wire_row.end());
    wire_span = *std::max_element(wire_col.begin(), wire_col.end()) +
                *std::max_element(wire_row.begin(), wire_row.end()) - wire_min;
  }
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const int cell = r * cols + c;
      s[0][r][c] = legal[cell];
      s[1][r][c] = std::min(occupancy_[cell], 2.0f);
      if (max_placed > 0) s[2][r][c] /= max_placed;
      if (max_soft > 0) s[3][r][c] /= max_soft;
      s[4][r][c] = cols > 1 ? static_cast<float>(c) / (cols - 1) : 0.5f;
      s[5][r][c] = rows > 1 ? static_cast<float>(r) / (rows - 1) : 0.5f;
      if (wire_span > 0) s[6][r][c] = static_cast<float>((wire_col[c] + wire_row[r] - wire_min) / wire_span);
    }
  return obs;
}

void ChipRlEpisode::step(int cell) {
  if (done()) throw Error("chip rl: step() after the last macro");
  if (cell < 0 || cell >= canvas_.num_cells()) throw Error("chip rl: cell index out of range");
  const int64_t macro = current_macro();
  const Orientation o = placement_.orientation[macro];
  if (!canvas_.is_legal_cell(macro, cell, o)) ++fallback_steps_;
  canvas_.place_at_cell(macro, cell, o);
  const Point p = canvas_.cell_center(cell);
  placement_.x[macro] = p.x;
  placement_.y[macro] = p.y;
  add_occupancy(macro, 1.0);
  ++step_;
}

ProxyCostResult ChipRlEpisode::finish() {
  if (!done()) throw Error("chip rl: finish() before every macro is placed");
  if (env_->options().run_fd)
    force_directed_place(env_->netlist(), env_->task().spec, placement_, env_->options().fd);
  return env_->cost().evaluate(placement_);
}

}  // namespace tessera::chip
