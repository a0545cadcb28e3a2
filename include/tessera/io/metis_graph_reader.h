#pragma once
// METIS / Chaco `.graph` files (the format of the Walshaw archive and of METIS 5.1, manual §4.1.1).
//
// Header "n m [fmt [ncon]]" (first non-comment line): n nodes, m undirected edges; fmt is three binary
// digits "sve": s = node sizes present, v = node weights (ncon per node) present, e = edge weights
// present (0, 1, 10, 11, 100, 101, 110, 111). Then exactly n node lines (an empty line is a node
// without neighbours): [size] [w_1 .. w_ncon] then the 1-based neighbours, each followed by its edge
// weight when e = 1. Lines whose first character is '%' are comments. Plain or gzip (by content).
//
// The reader checks everything and throws InputError("file:line: ...") at the first problem: a
// malformed header, a non-numeric or negative field, a neighbour out of 1..n, a self-loop, a neighbour
// listed twice, an adjacency that is not symmetric (or whose two directions carry different weights),
// a number of node lines or of edges that does not match the header. Node sizes (s = 1) are read
// and checked but not kept: the graph model has no communication volume.
#include <string>

#include "tessera/graph/graph.h"

namespace tessera::partition {

/// Reads a METIS graph file (plain or gzip).
graph::Graph read_metis_graph(const std::string& path);

/// Writes g in METIS format (atomically). fmt is chosen from the data: node weights when g has any
/// (ncon written when > 1), edge weights when g has any. Weights must be integers (METIS' rule);
/// throws tessera::Error otherwise or when g is directed.
void write_metis_graph(const std::string& path, const graph::Graph& g);

}  // namespace tessera::partition
