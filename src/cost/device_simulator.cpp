#include "tessera/cost/device_simulator.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "tessera/core/error.h"

namespace tessera::devices {

namespace {
constexpr int kOpDone = 0, kTransferDone = 1, kOpReady = 2, kDispatch = 3;
}  // namespace

void SimOptions::validate(int num_ops) const {
  if (!std::isfinite(oom_penalty) || oom_penalty < 0) throw UsageError("simulator: oom_penalty must be >= 0");
  if (policy == SchedulePolicy::kPriority && static_cast<int>(priority.size()) != num_ops)
    throw UsageError("simulator: the priority policy needs one priority per op (" + std::to_string(num_ops) +
                     "), got " + std::to_string(priority.size()));
}

double estimate_op_time(const Op& op, const Device& d) {
  const double profiled = op.profiled_time[static_cast<int>(d.kind)];
  if (profiled >= 0) return profiled;
  const double compute = op.flops / (d.peak_flops * d.compute_efficiency);
  const double memory = (op.bytes_read + op.bytes_written) / (d.mem_bandwidth * d.memory_efficiency);
  return d.launch_overhead + std::max(compute, memory);
}

DeviceSimulator::DeviceSimulator(const DeviceGraph& graph, const Cluster& cluster, SimOptions options)
    : graph_(graph), cluster_(cluster), options_(std::move(options)) {
  if (!graph.finalized()) throw UsageError("simulator: the device graph is not finalized");
  options_.validate(graph.num_ops());
  const int n = graph.num_ops();
  num_devices_ = cluster.num_devices();
  const int D = num_devices_;
  op_time_.resize(static_cast<size_t>(n) * D);
  for (int v = 0; v < n; ++v)
    for (int d = 0; d < D; ++d) op_time_[static_cast<size_t>(v) * D + d] = estimate_op_time(graph.op(v), cluster.device(d));
  // Tensors: distinct (src, output index) pairs among the out-edges of each op, with deduplicated
  // consumer lists. Tensor size = largest edge size of that tensor.
  tensor_xadj_.assign(n + 1, 0);
  consumer_xadj_.assign(1, 0);
  std::vector<int> tensor_of_edge(graph.num_edges(), -1);
  std::vector<int> seen_consumer(n, -1);
  for (int v = 0; v < n; ++v) {
    std::vector<int> idx;
    for (const int* e = graph.out_begin(v); e != graph.out_end(v); ++e) idx.push_back(graph.edges()[*e].tensor);
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    for (int t : idx) {
      const int tid = static_cast<int>(tensor_bytes_.size());
      double bytes = 0;
      for (const int* e = graph.out_begin(v); e != graph.out_end(v); ++e) {
        const Edge& ed = graph.edges()[*e];
        if (ed.tensor != t) continue;
        tensor_of_edge[*e] = tid;
        bytes = std::max(bytes, ed.bytes);
        if (seen_consumer[ed.dst] != tid) {
          seen_consumer[ed.dst] = tid;
          consumer_.push_back(ed.dst);
        }
      }
      tensor_bytes_.push_back(bytes);
      tensor_index_.push_back(t);
      consumer_xadj_.push_back(static_cast<int>(consumer_.size()));
    }
    tensor_xadj_[v + 1] = static_cast<int>(tensor_bytes_.size());
  }
  const int T = static_cast<int>(tensor_bytes_.size());
  tensor_src_.resize(T);
  for (int v = 0; v < n; ++v)
    for (int t = tensor_xadj_[v]; t < tensor_xadj_[v + 1]; ++t) tensor_src_[t] = v;
  // Inputs per op (distinct tensors) and the initial count of missing inputs.
  input_xadj_.assign(n + 1, 0);
  remaining_init_.assign(n, 0);
  for (int t = 0; t < T; ++t)
    for (int s = consumer_xadj_[t]; s < consumer_xadj_[t + 1]; ++s) ++input_xadj_[consumer_[s] + 1];
  for (int v = 0; v < n; ++v) {
    remaining_init_[v] = input_xadj_[v + 1];
    input_xadj_[v + 1] += input_xadj_[v];
  }
  input_tensor_.assign(input_xadj_[n], 0);
  {
    std::vector<int> pos(input_xadj_.begin(), input_xadj_.end() - 1);
    for (int t = 0; t < T; ++t)
      for (int s = consumer_xadj_[t]; s < consumer_xadj_[t + 1]; ++s) input_tensor_[pos[consumer_[s]]++] = t;
  }
  param_bytes_.resize(n);
  output_bytes_.resize(n);
  for (int v = 0; v < n; ++v) {
    param_bytes_[v] = graph.op(v).param_bytes;
    output_bytes_[v] = graph.op(v).output_bytes;
  }
  // Per-run buffers.
  remaining_.resize(n);
  ready_time_.resize(n);
  start_.resize(n);
  end_.resize(n);
  refs_.resize(n);
  device_free_.resize(D);
  device_busy_.resize(D);
  dispatch_pending_.resize(D);
  link_free_.resize(cluster.num_links());
  mem_.resize(D);
  peak_op_.resize(D);
  copy_refs_.resize(static_cast<size_t>(T) * D);
  stamp_.assign(D, -1);
  arrive_.assign(D, 0.0);
  cp_dist_.resize(n);
  cp_pred_.resize(n);
  events_.reserve(static_cast<size_t>(4) * n + 16);
  ready_heap_.assign(D, {});
  for (auto& h : ready_heap_) h.reserve(64);
}

void DeviceSimulator::set_options(SimOptions options) {
  options.validate(graph_.num_ops());
  options_ = std::move(options);
}

namespace {

struct EventLater {
  template <class E>
  bool operator()(const E& a, const E& b) const {
    if (a.time != b.time) return a.time > b.time;
    return a.order > b.order;
  }
};

// Events pushed in one run: the sequence number shares 32 bits with the kind.
constexpr uint32_t kMaxEvents = uint32_t{1} << 30;

struct ReadyLater {
  template <class R>
  bool operator()(const R& a, const R& b) const {
    if (a.key1 != b.key1) return a.key1 > b.key1;
    if (a.key2 != b.key2) return a.key2 > b.key2;
    return a.rank > b.rank;
  }
};

}  // namespace

const SimResult& DeviceSimulator::run(const std::vector<int>& placement) {
  const int n = graph_.num_ops();
  const int D = num_devices_;
  if (static_cast<int>(placement.size()) != n)
    throw UsageError("simulator: placement has " + std::to_string(placement.size()) + " entries, expected " +
                     std::to_string(n) + " (one per op)");
  for (int v = 0; v < n; ++v)
    if (placement[v] < 0 || placement[v] >= D)
      throw UsageError("simulator: op '" + graph_.op(v).name + "' placed on device " + std::to_string(placement[v]) +
                       ", expected 0.." + std::to_string(D - 1));
  const bool track_mem = options_.check_memory;
  const bool trace = options_.record_trace;
  const bool by_priority = options_.policy == SchedulePolicy::kPriority;
  SimResult& r = result_;
  r.busy.assign(D, 0.0);
  r.peak_memory.assign(D, 0.0);
  r.link_bytes.assign(cluster_.num_links(), 0.0);
  r.link_busy.assign(cluster_.num_links(), 0.0);
  r.bytes_moved = 0;
  r.num_transfers = 0;
  r.critical_path.clear();
  r.critical_path_time = 0;
  r.oom = OomDetail{};
  r.ops.clear();
  r.transfers.clear();
  if (trace) r.ops.assign(n, OpTrace{});

  std::copy(remaining_init_.begin(), remaining_init_.end(), remaining_.begin());
  std::fill(ready_time_.begin(), ready_time_.end(), 0.0);
  std::fill(device_free_.begin(), device_free_.end(), 0.0);
  std::fill(device_busy_.begin(), device_busy_.end(), 0);
  std::fill(dispatch_pending_.begin(), dispatch_pending_.end(), 0);
  std::fill(link_free_.begin(), link_free_.end(), 0.0);
  std::fill(mem_.begin(), mem_.end(), 0.0);
  std::fill(peak_op_.begin(), peak_op_.end(), -1);
  std::fill(stamp_.begin(), stamp_.end(), -1);
  for (auto& h : ready_heap_) h.clear();
  events_.clear();
  transfers_.clear();
  uint32_t seq = 0;

  if (track_mem) {
    for (int v = 0; v < n; ++v) mem_[placement[v]] += param_bytes_[v];
    for (int d = 0; d < D; ++d) r.peak_memory[d] = mem_[d];
  }
  auto alloc = [&](int d, double bytes, int op) {
    mem_[d] += bytes;
    if (mem_[d] > r.peak_memory[d]) {
      r.peak_memory[d] = mem_[d];
      peak_op_[d] = op;
    }
  };
  auto push = [&](double time, int kind, int id) {
    if (seq == kMaxEvents) throw Error("simulator: more than 2^30 events in one run");
    events_.push_back(Event{time, static_cast<uint32_t>(kind) << 30 | seq++, id});
    std::push_heap(events_.begin(), events_.end(), EventLater{});
  };
  // Events of the current time skip the heap where their order allows it. A dispatch is always requested
  // for the current time and comes after every other event of its time; an op that becomes ready now
  // comes after the ops done and transfers done now, and after the ops that became ready for now at an
  // earlier time (they are in the heap). Each waits in a FIFO (the push order, as the heap's sequence).
  double now = 0;
  ready_queue_.clear();
  dispatch_queue_.clear();
  size_t ready_head = 0, dispatch_head = 0;
  auto request_dispatch = [&](int d) {
    if (!dispatch_pending_[d] && !device_busy_[d]) {
      dispatch_pending_[d] = 1;
      dispatch_queue_.push_back(d);
    }
  };
  auto input_arrived = [&](int c, double time) {
    ready_time_[c] = std::max(ready_time_[c], time);
    if (--remaining_[c] != 0) return;
    if (ready_time_[c] == now)
      ready_queue_.push_back(c);
    else
      push(ready_time_[c], kOpReady, c);
  };
  auto release_output = [&](int u) {
    if (--refs_[u] == 0 && track_mem) mem_[placement[u]] -= output_bytes_[u];
  };

  for (int v = 0; v < n; ++v)
    if (remaining_[v] == 0) ready_queue_.push_back(v);

  while (true) {
    Event ev;
    const bool heap_now = !events_.empty() && events_.front().time == now;
    if (!heap_now && ready_head < ready_queue_.size()) {
      ev = Event{now, static_cast<uint32_t>(kOpReady) << 30, ready_queue_[ready_head++]};
      if (ready_head == ready_queue_.size()) ready_queue_.clear(), ready_head = 0;
    } else if (!heap_now && dispatch_head < dispatch_queue_.size()) {
      ev = Event{now, static_cast<uint32_t>(kDispatch) << 30, dispatch_queue_[dispatch_head++]};
      if (dispatch_head == dispatch_queue_.size()) dispatch_queue_.clear(), dispatch_head = 0;
    } else if (!events_.empty()) {
      std::pop_heap(events_.begin(), events_.end(), EventLater{});
      ev = events_.back();
      events_.pop_back();
      now = ev.time;
    } else {
      break;
    }
    switch (static_cast<int>(ev.order >> 30)) {
      case kOpReady: {
        const int v = ev.id;
        const int d = placement[v];
        ReadyEntry entry;
        entry.op = v;
        entry.rank = graph_.topological_rank()[v];
        if (by_priority) {
          entry.key1 = -options_.priority[v];
          entry.key2 = ready_time_[v];
        } else {
          entry.key1 = ready_time_[v];
          entry.key2 = 0;
        }
        ready_heap_[d].push_back(entry);
        std::push_heap(ready_heap_[d].begin(), ready_heap_[d].end(), ReadyLater{});
        request_dispatch(d);
        break;
      }
      case kDispatch: {
        const int d = ev.id;
        dispatch_pending_[d] = 0;
        if (device_busy_[d] || ready_heap_[d].empty()) break;
        std::pop_heap(ready_heap_[d].begin(), ready_heap_[d].end(), ReadyLater{});
        const int v = ready_heap_[d].back().op;
        ready_heap_[d].pop_back();
        const double t = op_time(v, d);
        start_[v] = now;
        end_[v] = now + t;
        device_busy_[d] = 1;
        r.busy[d] += t;
        if (track_mem) alloc(d, output_bytes_[v], v);
        if (trace) r.ops[v] = OpTrace{v, d, ready_time_[v], now, now + t};
        push(now + t, kOpDone, v);
        break;
      }
      case kOpDone: {
        const int v = ev.id;
        const int d = placement[v];
        device_busy_[d] = 0;
        device_free_[d] = now;
        // Inputs consumed: drop a reference on the producer's output or on the received copy.
        for (int i = input_xadj_[v]; i < input_xadj_[v + 1]; ++i) {
          const int t = input_tensor_[i];
          const int u = tensor_src_[t];
          if (placement[u] == d) {
            release_output(u);
          } else {
            int& cr = copy_refs_[static_cast<size_t>(t) * D + d];
            if (--cr == 0 && track_mem) mem_[d] -= tensor_bytes_[t];
          }
        }
        // Outputs: local consumers get them now; each other consuming device gets one transfer.
        int refs = 0;
        for (int t = tensor_xadj_[v]; t < tensor_xadj_[v + 1]; ++t) {
          for (int s = consumer_xadj_[t]; s < consumer_xadj_[t + 1]; ++s) {
            const int c = consumer_[s];
            const int dc = placement[c];
            if (dc == d) {
              ++refs;
              input_arrived(c, now);
              continue;
            }
            if (stamp_[dc] != t) {  // first consumer of t on dc: issue the transfer
              stamp_[dc] = t;
              ++refs;
              double& arrival = arrive_[dc];
              const std::vector<int>& route = cluster_.route(d, dc);
              double start = now;
              for (int l : route) start = std::max(start, link_free_[l]);
              const double bytes = tensor_bytes_[t];
              const double dur = cluster_.route_latency(d, dc) + bytes / cluster_.route_bandwidth(d, dc);
              const double end = start + dur;
              for (int l : route) {
                link_free_[l] = end;
                r.link_bytes[l] += bytes;
                r.link_busy[l] += dur;
              }
              r.bytes_moved += bytes;
              ++r.num_transfers;
              copy_refs_[static_cast<size_t>(t) * D + dc] = 0;
              if (track_mem) alloc(dc, bytes, v);
              arrival = end;
              transfers_.push_back(PendingTransfer{v, end});
              push(end, kTransferDone, static_cast<int>(transfers_.size()) - 1);
              if (trace) r.transfers.push_back(TransferTrace{v, tensor_index_[t], d, dc, bytes, now, start, end});
            }
            ++copy_refs_[static_cast<size_t>(t) * D + dc];
            input_arrived(c, arrive_[dc]);
          }
        }
        refs_[v] = refs + 1;  // +1 held until here so that the output is freed exactly once
        release_output(v);
        request_dispatch(d);
        break;
      }
      case kTransferDone: {
        release_output(transfers_[ev.id].src);
        break;
      }
    }
  }
  double step = 0;
  for (int v = 0; v < n; ++v) step = std::max(step, end_[v]);
  r.step_time = n > 0 ? step : 0.0;
  r.total_work = 0;
  for (int d = 0; d < D; ++d) r.total_work += r.busy[d];
  r.feasible = true;
  double excess = 0, worst = 0;
  if (track_mem) {
    for (int d = 0; d < D; ++d) {
      const double cap = cluster_.device(d).memory;
      if (r.peak_memory[d] > cap) {
        r.feasible = false;
        const double frac = (r.peak_memory[d] - cap) / cap;
        excess += frac;
        if (frac > worst) {
          worst = frac;
          r.oom = OomDetail{d, r.peak_memory[d], cap, peak_op_[d]};
        }
      }
    }
  }
  r.score = r.feasible ? r.step_time : r.step_time * (1.0 + options_.oom_penalty * excess);
  if (options_.critical_path) compute_critical_path(placement);
  if (options_.check_bounds) check_bounds(placement);
  return r;
}

void DeviceSimulator::compute_critical_path(const std::vector<int>& placement) {
  const int n = graph_.num_ops();
  int last = -1;
  double best = -1;
  for (int v : graph_.topological_order()) {
    const int d = placement[v];
    double in = 0;
    int pred = -1;
    for (int i = input_xadj_[v]; i < input_xadj_[v + 1]; ++i) {
      const int t = input_tensor_[i];
      const int u = tensor_src_[t];
      const double arrive = cp_dist_[u] + cluster_.transfer_time(placement[u], d, tensor_bytes_[t]);
      if (arrive > in) {
        in = arrive;
        pred = u;
      }
    }
    cp_dist_[v] = in + op_time(v, d);
    cp_pred_[v] = pred;
    if (cp_dist_[v] > best) {
      best = cp_dist_[v];
      last = v;
    }
  }
  result_.critical_path_time = n > 0 ? best : 0.0;
  for (int v = last; v >= 0; v = cp_pred_[v]) result_.critical_path.push_back(v);
  std::reverse(result_.critical_path.begin(), result_.critical_path.end());
}

void DeviceSimulator::check_bounds(const std::vector<int>& placement) const {
  const SimResult& r = result_;
  const double tol = 1e-9 * (1.0 + r.step_time);
  if (options_.critical_path && r.step_time + tol < r.critical_path_time)
    throw Error("simulator sanity bound violated: step time " + std::to_string(r.step_time) + " < critical path " +
                std::to_string(r.critical_path_time));
  if (r.step_time + tol < r.total_work / num_devices_)
    throw Error("simulator sanity bound violated: step time < total work / devices");
  bool single = true;
  for (int p : placement) single &= (p == placement[0]);
  if (single && !placement.empty() && std::fabs(r.step_time - r.total_work) > 1e-9 * (1.0 + r.total_work))
    throw Error("simulator sanity bound violated: single-device step time " + std::to_string(r.step_time) +
                " != sum of op times " + std::to_string(r.total_work));
}

StepTimeBound step_time_lower_bound(const DeviceGraph& graph, const Cluster& cluster) {
  const int n = graph.num_ops(), D = cluster.num_devices();
  std::vector<double> fastest(n, 0.0), finish(n, 0.0);
  StepTimeBound b;
  double work = 0;
  for (int v = 0; v < n; ++v) {
    double t = std::numeric_limits<double>::infinity();
    for (int d = 0; d < D; ++d) t = std::min(t, estimate_op_time(graph.op(v), cluster.device(d)));
    fastest[v] = D > 0 ? t : 0.0;
    work += fastest[v];
  }
  for (int v : graph.topological_order()) {
    double start = 0;
    for (const int* e = graph.in_begin(v); e != graph.in_end(v); ++e)
      start = std::max(start, finish[graph.edges()[*e].src]);
    finish[v] = start + fastest[v];
    b.critical_path = std::max(b.critical_path, finish[v]);
  }
  b.work_per_device = D > 0 ? work / D : 0.0;
  b.step_time = std::max(b.critical_path, b.work_per_device);
  return b;
}

Json StepTimeBound::to_json() const {
  Json j;
  j["step_time"] = step_time;
  j["critical_path"] = critical_path;
  j["work_per_device"] = work_per_device;
  return j;
}

SimResult simulate(const DeviceGraph& graph, const Cluster& cluster, const std::vector<int>& placement,
                   const SimOptions& options) {
  DeviceSimulator sim(graph, cluster, options);
  return sim.run(placement);
}

}  // namespace tessera::devices
