#pragma once
// Event-driven, deterministic simulator of one step of a placed dataflow graph on a cluster: the cost
// (and the reward of every learned placer) of a device placement.
//
// Model
//  - Op time on device d: the profiled time for d's kind when the graph has one, else the roofline
//      t = launch_overhead + max(flops / (peak_flops · compute_efficiency),
//                                (bytes_read + bytes_written) / (mem_bandwidth · memory_efficiency)).
//  - Each device runs one op at a time. An op is ready when all its inputs are present on its device;
//    among ready ops the policy picks: kFifo = earliest ready time (ties: topological rank), kPriority
//    = highest SimOptions::priority (ties: ready time, then topological rank). Work-conserving.
//  - When an op finishes, each output tensor is sent once to every other device that consumes it.
//    A transfer occupies every link of the route; it starts when the tensor is done and all those links
//    are free (links serve transfers in the order they were issued) and lasts
//    Σ latency + bytes / min bandwidth.
//  - Memory per device: param_bytes of its ops resident from t = 0; an op's output_bytes allocated
//    when it starts and freed once its last local consumer finished and its outgoing transfers ended;
//    a received copy is allocated when its transfer is issued and freed after its last consumer on
//    that device finished. Outputs nobody consumes are freed when the op finishes.
//  - A device whose peak exceeds its capacity makes the placement infeasible; execution is still
//    simulated so that the step time stays meaningful.
//
// Penalized score (what learners minimise):
//   score = step_time                                         if feasible
//   score = step_time · (1 + oom_penalty · Σ_d max(0, peak_d − cap_d) / cap_d)   otherwise
// with oom_penalty = 10 by default: 10% over one device's memory costs as much as doubling the time.
//
// Speed: construct one DeviceSimulator per (graph, cluster, thread) and call run() repeatedly; all
// buffers are preallocated, run() does not allocate unless tracing. Not thread-safe: one object per
// thread. Debug builds (!NDEBUG) check step_time >= max(critical path, total work / devices) and, on a
// single-device placement, step_time == Σ op times, on every run.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/json.h"
#include "tessera/problems/cluster.h"
#include "tessera/problems/device_graph.h"

namespace tessera::devices {

enum class SchedulePolicy { kFifo, kPriority };

struct SimOptions {
  SchedulePolicy policy = SchedulePolicy::kFifo;
  /// kPriority: one value per op, larger runs first (e.g. an upward rank). Ignored for kFifo.
  std::vector<double> priority;
  double oom_penalty = 10.0;    ///< see the score formula above; >= 0
  bool record_trace = false;    ///< fill SimResult::ops / transfers (Gantt chart, JSON)
  bool critical_path = true;    ///< compute SimResult::critical_path (O(V + E))
  bool check_memory = true;     ///< track memory (false: ~20% faster, feasible always true)
#ifdef NDEBUG
  bool check_bounds = false;    ///< check the sanity bounds on every run (throws Error when violated)
#else
  bool check_bounds = true;     ///< on by default in debug builds
#endif
  void validate(int num_ops) const;
  /// Whether these settings give every placement the same score as `other` (the fields the score depends
  /// on; tracing, critical paths and bound checks do not change it). A new field that changes the score
  /// belongs here.
  bool scores_like(const SimOptions& other) const {
    return policy == other.policy && priority == other.priority && oom_penalty == other.oom_penalty &&
           check_memory == other.check_memory;
  }
};

struct OpTrace {
  int op = -1;
  int device = -1;
  double ready = 0, start = 0, end = 0;
};
struct TransferTrace {
  int src_op = -1;
  int tensor = 0;
  int from = -1, to = -1;  ///< devices
  double bytes = 0;
  double issue = 0, start = 0, end = 0;
};

/// The op and device at which the memory of an infeasible placement overflowed first.
struct OomDetail {
  int device = -1;
  double peak = 0;      ///< bytes at the device's peak
  double capacity = 0;  ///< bytes
  int op = -1;          ///< op whose allocation (output or received input) produced the peak
};

struct SimResult {
  double step_time = 0;   ///< seconds: last op end
  bool feasible = true;   ///< every device's peak memory <= capacity
  double score = 0;       ///< penalized step time (see above)
  std::vector<double> busy;         ///< per device: Σ op times (seconds)
  std::vector<double> peak_memory;  ///< per device: bytes
  std::vector<double> link_bytes;   ///< per link: bytes carried
  std::vector<double> link_busy;    ///< per link: seconds occupied
  double bytes_moved = 0;           ///< Σ bytes of all transfers (each counted once)
  int num_transfers = 0;
  double total_work = 0;            ///< Σ op times on their devices
  double critical_path_time = 0;    ///< longest path of op times + uncontended transfer times
  std::vector<int> critical_path;   ///< ops on it, in order (when SimOptions::critical_path)
  OomDetail oom;                    ///< the worst-overflowing device (device = -1 when feasible)
  std::vector<OpTrace> ops;         ///< when record_trace: one per op (index = op)
  std::vector<TransferTrace> transfers;  ///< when record_trace, in issue order

  /// Summary JSON (step_time, feasible, score, per-device busy/peak/capacity, per-link bytes, OOM
  /// detail, critical path as op names; with trace: "ops" and "transfers").
  Json to_json(const DeviceGraph& g, const Cluster& c, bool with_trace = false) const;
};

/// Roofline (or profiled) time of op `op` on device `d`; see the model above.
double estimate_op_time(const Op& op, const Device& d);

/// A lower bound on the step time of every placement of `graph` on `cluster`, feasible or not, so that a
/// result can be judged against it ("how far from any placement's best?"). With t(v) = the op's time on its
/// fastest device:
///   critical_path   = the longest path of t(v) with free transfers (no op starts before its inputs end);
///   work_per_device = Σ t(v) / devices (the busiest device runs at least the average).
/// step_time = the larger. Co-location groups and memory are ignored, so the bound can be far below the
/// best placement where they bind (a graph that does not fit on one device, a long chain of one group).
struct StepTimeBound {
  double critical_path = 0;
  double work_per_device = 0;
  double step_time = 0;
  Json to_json() const;
};
StepTimeBound step_time_lower_bound(const DeviceGraph& graph, const Cluster& cluster);

class DeviceSimulator {
 public:
  /// Precomputes op times per device and route data. The graph and cluster must outlive the object.
  DeviceSimulator(const DeviceGraph& graph, const Cluster& cluster, SimOptions options = {});

  /// Simulates one step. placement[op] in [0, num_devices). Throws UsageError on a wrong size or an
  /// out-of-range device. The reference stays valid until the next run().
  const SimResult& run(const std::vector<int>& placement);
  /// run(placement).score, the learner's cost.
  double score(const std::vector<int>& placement) { return run(placement).score; }

  /// Changes the options between runs (e.g. priorities).
  void set_options(SimOptions options);
  const SimOptions& options() const { return options_; }
  /// Precomputed time of op v on device d.
  double op_time(int v, int d) const { return op_time_[static_cast<size_t>(v) * num_devices_ + d]; }
  const DeviceGraph& graph() const { return graph_; }
  const Cluster& cluster() const { return cluster_; }

 private:
  void compute_critical_path(const std::vector<int>& placement);
  void check_bounds(const std::vector<int>& placement) const;

  const DeviceGraph& graph_;
  const Cluster& cluster_;
  SimOptions options_;
  int num_devices_ = 0;
  std::vector<double> op_time_;  // [op * D + d]
  // Tensors: (src op, output index) pairs with their deduplicated consumers, built once.
  std::vector<int> tensor_xadj_;      // op -> first tensor id
  std::vector<int> tensor_src_;       // per tensor: producing op
  std::vector<double> tensor_bytes_;  // per tensor
  std::vector<int> tensor_index_;     // per tensor: output index
  std::vector<int> consumer_xadj_;    // tensor -> first consumer slot
  std::vector<int> consumer_;         // consumer op per slot
  std::vector<int> input_xadj_;       // op -> first input slot
  std::vector<int> input_tensor_;     // distinct input tensors per op
  std::vector<int> remaining_init_;   // distinct input tensors per op
  std::vector<double> param_bytes_, output_bytes_;  // per op (Op::param_bytes, Op::output_bytes)
  // Per-run buffers.
  std::vector<int> remaining_;          // inputs still missing per op
  std::vector<double> ready_time_;      // per op
  std::vector<double> start_, end_;     // per op
  std::vector<int> refs_;               // per op: local consumers + transfers holding its output
  std::vector<double> device_free_, link_free_, mem_;
  std::vector<char> device_busy_, dispatch_pending_;
  std::vector<int> peak_op_;            // per device: op at the peak
  std::vector<int> copy_refs_;          // per (tensor, device): consumers of a received copy left
  std::vector<int> stamp_;              // per device: last tensor sent there
  std::vector<double> arrive_;          // per device: arrival of that tensor
  std::vector<double> cp_dist_;
  std::vector<int> cp_pred_;
  struct Event {
    double time;
    uint32_t order;  // kind << 30 | push sequence: kind 0 op done, 1 transfer done, 2 op ready, 3 dispatch
    int id;
  };
  std::vector<Event> events_;
  std::vector<int> ready_queue_;     // ops ready at the current time, in order
  std::vector<int> dispatch_queue_;  // devices to dispatch at the current time, in request order
  struct ReadyEntry {
    double key1, key2;
    int rank, op;
  };
  std::vector<std::vector<ReadyEntry>> ready_heap_;  // per device
  struct PendingTransfer {
    int src;
    double end;
  };
  std::vector<PendingTransfer> transfers_;
  SimResult result_;
};

/// One-shot convenience: builds a DeviceSimulator and runs it.
SimResult simulate(const DeviceGraph& graph, const Cluster& cluster, const std::vector<int>& placement,
                   const SimOptions& options = {});

/// Gantt chart of a traced run (one lane per device and one per link that carried data, ops coloured
/// by role, hover titles with op names and times). Throws UsageError when the result has no trace.
void write_gantt_svg(const std::string& path, const DeviceGraph& graph, const Cluster& cluster,
                     const SimResult& result);

}  // namespace tessera::devices
