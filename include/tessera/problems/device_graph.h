#pragma once
// The dataflow graph of one ML model step, as the device-placement problem sees it: ops with their
// costs (FLOPs, bytes moved, output and parameter sizes, optional profiled times), tensor edges with
// their sizes, co-location groups and the forward/backward/update role of each op.
//
// Life cycle: add ops and edges, then finalize() (validates, builds CSR adjacency, the topological
// order and the dense co-location groups). Every accessor below the "after finalize()" line requires
// a finalized graph; readers (io/device_model_reader.h) always return finalized graphs.
//
// Units everywhere: FLOPs, bytes, seconds.
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/graph/graph.h"

namespace tessera::devices {

/// Kinds of device for which a graph may carry profiled op times.
enum class DeviceKind : uint8_t { kGpu = 0, kCpu = 1 };
inline constexpr int kNumDeviceKinds = 2;
const char* device_kind_name(DeviceKind kind);

/// What part of a training step an op belongs to.
enum class OpRole : uint8_t { kForward = 0, kBackward = 1, kUpdate = 2 };
const char* op_role_name(OpRole role);

struct Op {
  std::string name;          ///< unique within the graph
  std::string type;          ///< ONNX op type ("Conv", "MatMul"), layer type, or "Grad:<type>"/"Update"
  double flops = 0;          ///< floating-point operations of one execution
  double bytes_read = 0;     ///< bytes read from device memory (inputs + weights)
  double bytes_written = 0;  ///< bytes written to device memory (outputs)
  double output_bytes = 0;   ///< size of all outputs: allocated when the op starts, freed after the
                             ///< last consumer (and the last outgoing transfer) finished
  double param_bytes = 0;    ///< resident bytes on the op's device for the whole step (weights,
                             ///< optimizer state); 0 for most ops
  /// Measured execution time in seconds per device kind (index = DeviceKind); < 0 = not profiled,
  /// in which case the roofline estimate of cost/device_simulator.h is used.
  std::array<double, kNumDeviceKinds> profiled_time{-1.0, -1.0};
  int colocation = -1;       ///< input co-location label (-1 = none); ops with equal labels must share
                             ///< a device. finalize() maps labels to dense groups (group()).
  OpRole role = OpRole::kForward;
  int forward_op = -1;       ///< for backward/update ops of an expanded training graph: the forward op
  int layer = -1;            ///< optional layer / block index (rule-based expert placer), -1 = unknown
};

/// A tensor flowing from src to dst. Several edges with equal (src, tensor) are the same tensor
/// consumed by several ops: the simulator sends it once per destination device.
struct Edge {
  int src = -1;
  int dst = -1;
  double bytes = 0;  ///< tensor size
  int tensor = 0;    ///< output index of src (distinguishes several outputs of one op)
};

/// How to turn a DeviceGraph into the project's graph::Graph (for METIS, GNN message passing).
struct GraphConversion {
  enum class NodeWeight { kFlops, kTime, kUnit };
  NodeWeight node_weight = NodeWeight::kTime;  ///< kTime: profiled GPU time, else FLOPs / 1e13 + 5 µs
  bool directed = false;  ///< false: undirected (METIS), parallel edges merged, weights = bytes summed
  bool memory_constraint = false;  ///< adds a 2nd node weight: param_bytes + output_bytes
};

class DeviceGraph {
 public:
  DeviceGraph() = default;
  explicit DeviceGraph(std::string name) : name_(std::move(name)) {}

  // ---- building ----
  /// Adds an op and returns its index. Throws InputError(source, 0, ...) on a duplicate name or a
  /// negative/NaN cost.
  int add_op(Op op);
  /// Adds an edge; throws on out-of-range indices, self loops or negative bytes.
  void add_edge(int src, int dst, double bytes, int tensor = 0);
  /// Validates (acyclic: InputError naming an op on the cycle; costs finite and >= 0), builds the
  /// CSR adjacency, the topological order and the dense co-location groups. `source` names the file
  /// in error messages.
  void finalize(const std::string& source = "");
  bool finalized() const { return finalized_; }

  // ---- metadata ----
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  /// Batch size the costs correspond to (0 = unknown).
  int batch_size() const { return batch_size_; }
  void set_batch_size(int batch) { batch_size_ = batch; }
  /// True when the graph holds forward, backward and update ops (a training step).
  bool training() const { return training_; }
  void set_training(bool training) { training_ = training; }
  /// Human-expert placements shipped with the input (name -> device index per op), e.g. MSR splits.
  struct ExpertPlacement {
    std::string name;
    std::vector<int> device;  ///< per op, in [0, num_devices)
    int num_devices = 0;
  };
  const std::vector<ExpertPlacement>& expert_placements() const { return experts_; }
  void add_expert_placement(ExpertPlacement p) { experts_.push_back(std::move(p)); }
  std::vector<ExpertPlacement>& mutable_expert_placements() { return experts_; }

  // ---- ops and edges ----
  int num_ops() const { return static_cast<int>(ops_.size()); }
  int num_edges() const { return static_cast<int>(edges_.size()); }
  const Op& op(int i) const { return ops_[i]; }
  Op& mutable_op(int i) { return ops_[i]; }  ///< costs may change; structure may not after finalize
  const std::vector<Op>& ops() const { return ops_; }
  const std::vector<Edge>& edges() const { return edges_; }
  /// Op index by name, -1 when absent.
  int find_op(const std::string& name) const;

  // ---- after finalize() ----
  /// Edge ids leaving / entering op v (into edges()).
  const int* out_begin(int v) const { return out_edge_.data() + out_xadj_[v]; }
  const int* out_end(int v) const { return out_edge_.data() + out_xadj_[v + 1]; }
  const int* in_begin(int v) const { return in_edge_.data() + in_xadj_[v]; }
  const int* in_end(int v) const { return in_edge_.data() + in_xadj_[v + 1]; }
  int out_degree(int v) const { return out_xadj_[v + 1] - out_xadj_[v]; }
  int in_degree(int v) const { return in_xadj_[v + 1] - in_xadj_[v]; }
  /// Ops in a topological order (stable: ties broken by op index).
  const std::vector<int>& topological_order() const { return topo_; }
  /// Position of each op in topological_order().
  const std::vector<int>& topological_rank() const { return topo_rank_; }
  /// Dense co-location group of op v in [0, num_groups()); ops without a label get their own group.
  int group(int v) const { return group_[v]; }
  int num_groups() const { return num_groups_; }
  /// Ops of each group (ascending op index).
  const std::vector<std::vector<int>>& groups() const { return group_ops_; }

  // ---- totals ----
  double total_flops() const;
  double total_param_bytes() const;
  double total_output_bytes() const;
  /// A lower bound on the memory the whole step needs summed over devices: parameters + the largest
  /// single output (every placement needs at least this much in total).
  double min_total_memory() const;

  /// The op graph as graph::Graph (node i = op i). Undirected by default, for METIS.
  graph::Graph to_graph(const GraphConversion& conversion = {}) const;

  /// Expands a placement of co-location groups (one device per group) to one device per op.
  std::vector<int> expand_group_placement(const std::vector<int>& group_device) const;
  /// Makes a per-op placement respect co-location: every op of a group moves to the device that holds
  /// the group's heaviest op (by param_bytes, then FLOPs).
  void enforce_colocation(std::vector<int>& placement) const;

 private:
  std::string name_;
  int batch_size_ = 0;
  bool training_ = false;
  bool finalized_ = false;
  std::vector<Op> ops_;
  std::unordered_map<std::string, int> index_;
  std::vector<Edge> edges_;
  std::vector<ExpertPlacement> experts_;
  std::vector<int> out_xadj_, out_edge_, in_xadj_, in_edge_;
  std::vector<int> topo_, topo_rank_;
  std::vector<int> group_;
  int num_groups_ = 0;
  std::vector<std::vector<int>> group_ops_;
};

/// `copies` copies of g in sequence (op names get a "#<i>" suffix; copy i's last op in topological
/// order feeds copy i+1's first op with a 4-byte edge), e.g. a longer unroll for scaling tests.
/// Co-location labels stay distinct per copy; expert placements are dropped.
DeviceGraph replicate_graph(const DeviceGraph& g, int copies);

}  // namespace tessera::devices
