#pragma once
// Features of a DeviceGraph for the learned device placers (feature set "devplace-v1"):
//  - per op (GDP): op-type vocabulary id; log-scaled FLOPs, output bytes, parameter bytes, profiled
//    GPU time; topological position; in/out degree; backward/update role flags;
//  - per group (2017 seq2seq placer): ops grouped by co-location, merged by METIS into at most
//    max_groups groups when there are more; groups in topological order with the dominant op type,
//    summed sizes and adjacency (log bytes exchanged with the groups at relative positions ±1..±5).
// A model records the feature-set id; a model built on another feature set is refused on load.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/nn/gdp_policy.h"
#include "tessera/nn/seq2seq_placer.h"
#include "tessera/problems/device_graph.h"

namespace tessera::devices {

inline constexpr const char* kPlacementFeatureSet = "devplace-v1";
inline constexpr int64_t kNumOpTypeIds = 64;
inline constexpr int64_t kOpNumericFeatures = 9;
inline constexpr int64_t kGroupNumericFeatures = 4;
inline constexpr int64_t kGroupAdjacencyFeatures = 10;

/// Vocabulary id in [0, kNumOpTypeIds) of an op type ("Grad:Conv" maps to the id of "Conv"; the role
/// is a separate feature). Unknown types hash into the last 24 ids.
int64_t op_type_id(const std::string& type);

/// Per-op tensors for the GDP policy. `context`: the cluster context (see learned placers).
nn::OpGraphTensors op_graph_tensors(const DeviceGraph& g, const std::vector<float>& context);

/// A grouping of ops for the 2017 placer: op_group[v] in [0, num_groups), groups numbered in
/// topological order (by the smallest topological rank of their ops).
struct OpGrouping {
  std::vector<int> op_group;
  int num_groups = 0;
  /// Per-op placement from one device per group.
  std::vector<int> expand(const std::vector<int>& group_device) const;
};

/// Co-location groups; merged with METIS (compute as node weight, bytes as edge weight) into at most
/// max_groups groups when there are more. Ops of one co-location group always stay together.
OpGrouping group_ops(const DeviceGraph& g, int max_groups, uint64_t seed);

/// Group sequence tensors for the seq2seq placer.
nn::GroupSequenceTensors group_sequence_tensors(const DeviceGraph& g, const OpGrouping& grouping);

}  // namespace tessera::devices
