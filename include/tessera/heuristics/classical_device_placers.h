#pragma once
// The classical device placers (registered by add_classical_placers in device_placer.h):
//  single       all ops on the device with the most memory (ties: fastest, lowest index)
//  expert       the human-expert split shipped with the input (msr_dnn_partitioning); S pipeline
//               stages on D devices: stage s -> device floor(s·D/S)
//  rule-expert  layer-wise split of RNN/Transformer stacks (ops carry layer indices) into D
//               contiguous chunks of equal compute; CNNs (no layers): pipeline split of the forward
//               ops by cumulative compute in topological order. Backward/update ops follow their
//               co-location group; a chunking that overflows a device's memory is redone by memory.
//  metis        METIS k-way partition of the co-location-group graph, node weights = compute time
//               (+ memory as a 2nd constraint), edge weights = bytes; balance tolerance 5%
//  metis-sweep  the metis partition with each balance tolerance of kMetisSweepImbalances and two seeds,
//               the one the simulator scores best (one simulation per distinct partition)
//  m-topo       Baechi m-TOPO: topological order, next device once the current one holds 1/D of
//               the compute or is full
//  m-etf        Baechi m-ETF: list scheduling, the (ready op, device) pair with the earliest start
//               time (communication delays included), memory-aware
//  m-sct        Baechi m-SCT: m-ETF plus favourite children (the child with the largest transfer
//               time; Baechi picks them with an LP relaxation, here greedily) kept on the parent's
//               device when that delays them less than the transfer would
//  heft         HEFT: decreasing upward rank, each op on the device with the earliest finish time
//  anneal       simulated annealing on the simulator's score over co-location-group moves and swaps,
//               starting from the best of the placers above
// Memory awareness: a placer keeps Σ (param_bytes + forward output_bytes) of each device below 90%
// of its capacity when it can (a static estimate; the simulator has the final word).
#include <memory>

#include "tessera/heuristics/device_placer.h"

namespace tessera::devices {

/// The memory-aware placers fill a device up to this fraction of its memory before moving on.
inline constexpr double kPlacerMemorySlack = 0.9;
/// METIS's balance tolerance in the metis placer (5%: every part within 1.05 of the average weight).
inline constexpr double kMetisImbalance = 0.05;
/// The tolerances metis-sweep tries (with the seed and the seed + 1 each, by default).
inline constexpr double kMetisSweepImbalances[] = {0.05, 0.03, 0.1, 0.2, 0.3, 0.5};

std::unique_ptr<Placer> make_single_placer();
std::unique_ptr<Placer> make_expert_placer();
std::unique_ptr<Placer> make_rule_expert_placer();
std::unique_ptr<Placer> make_metis_placer();
std::unique_ptr<Placer> make_metis_sweep_placer();
std::unique_ptr<Placer> make_mtopo_placer();
std::unique_ptr<Placer> make_metf_placer();
std::unique_ptr<Placer> make_msct_placer();
std::unique_ptr<Placer> make_heft_placer();
std::unique_ptr<Placer> make_anneal_placer();

/// Simulated annealing over co-location-group moves, swaps and (optionally) block moves, from a given
/// placement. Used by the anneal placer and as the refinement of learned placements.
struct AnnealOptions {
  double time_budget = 0;      ///< seconds (0 = no limit; then `iterations` alone decides)
  int64_t iterations = 3000;   ///< upper bound on moves; the temperature follows the larger of the
                               ///< iteration and time fractions, so either limit ends a full schedule
  double t0 = 0.03, t1 = 1e-4; ///< start / end temperature as fractions of the start score
  /// Probability of a block move: a run of consecutive co-location groups (groups ordered by their
  /// first op's topological position, run length uniform in [2, max_block]) moves to one device. Single
  /// group moves cannot turn a mostly-one-device placement into a pipeline split; block moves can.
  double block_moves = 0;
  int max_block = 64;
  uint64_t seed = 1;
  bool progress = false;
  /// Reads iterations, t0, t1, block_moves and max_block from a placer's --extra object (UsageError
  /// naming the field when a value is out of range). With time_budget > 0 and no "iterations", the
  /// iterations are unbounded: the budget decides.
  static AnnealOptions from_extra(const Json& extra, double time_budget, uint64_t seed, bool progress);
};

struct AnnealResult {
  std::vector<int> placement;  ///< the best placement seen (never worse than the start)
  double score = 0, start_score = 0;
  int64_t iterations = 0, accepted = 0, improvements = 0;
  int64_t iterations_to_best = 0;  ///< moves made when the best placement was found (0 = the start)
  double seconds_to_best = 0;
};

AnnealResult anneal_placement(const DeviceGraph& graph, const Cluster& cluster, const SimOptions& sim,
                              std::vector<int> start, const AnnealOptions& options);

/// Static memory estimate of op v used by the placers: param_bytes, plus output_bytes for forward ops.
double placer_memory_need(const Op& op);

/// Memory repair of a placement the simulator found out of memory (the learned placers' samples): while
/// a device's peak (`peak`, per device, bytes) is above 97% of its capacity, moves one of its co-location
/// groups to another device with room: the move with the largest communication gain (bytes to groups on
/// the target minus bytes to groups left behind, as in Fiduccia–Mattheyses) per byte of memory freed.
/// Memory moved is the static estimate (placer_memory_need). Returns false when nothing could move.
bool spill_overfull_devices(const DeviceGraph& graph, const Cluster& cluster, const std::vector<double>& peak,
                            std::vector<int>& placement);

/// Up to `rounds` times while `result` is out of memory: spill_overfull_devices, then simulate on `sim`.
/// `placement` and `result` end as the best by score seen (never worse than on entry). Returns the
/// simulator evaluations made (0 when `result` is feasible or rounds is 0).
int repair_out_of_memory(DeviceSimulator& sim, const DeviceGraph& graph, const Cluster& cluster,
                         std::vector<int>& placement, SimResult& result, int rounds);

}  // namespace tessera::devices
