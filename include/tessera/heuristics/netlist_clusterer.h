#pragma once
// Clustering of a flat netlist (std cells) into soft macros with the project's METIS wrapper, like
// CT's hMETIS grouping: std cells are partitioned (nets as cliques/stars, cell area as node weight),
// each block becomes a soft macro "Grp_<k>" (area = sum of its cells, square, at the area-weighted
// mean of its cells' positions) with one input pin and one output pin per distinct sink set; nets
// are re-mapped onto macros/pins/ports, nets inside one block vanish, parallel nets merge (weight =
// count). Hard macros, their pins and ports are kept.
#include <cstdint>

#include "tessera/problems/netlist.h"

namespace tessera::chip {

struct ClusterOptions {
  int clusters = 0;          ///< 0 = min(stdcells, clamp(stdcells / 100, 16, 1000))
  double imbalance = 0.05;
  uint64_t seed = 1;
  int clique_limit = 8;      ///< nets up to this many cells become cliques, larger ones stars
  int max_net_cells = 500;   ///< nets with more cells are ignored for partitioning (clock, reset)
};

/// Returns the clustered netlist; its spec() is the flat netlist's (FP bbox canvas when present).
Netlist cluster_netlist(const Netlist& flat, const ClusterOptions& options = {});

}  // namespace tessera::chip
