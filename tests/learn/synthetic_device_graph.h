#pragma once
// Small hand-built device graphs shared by the devices_rl tests.
#include <string>

#include "tessera/problems/device_graph.h"

namespace tessera::devices::testing_graphs {

/// in -> two independent chains of `per_branch` heavy ops -> out. Splitting the branches over two
/// devices halves the step time; ops of one chain exchange 4 MB tensors. With `paired`, ops 2i and 2i+1
/// of each chain form a co-location group.
inline DeviceGraph two_branches(int per_branch = 8, const std::string& name = "two_branches", bool paired = false) {
  DeviceGraph g(name);
  auto add = [&](const std::string& n, const std::string& type, double flops, double params) {
    Op op;
    op.name = n;
    op.type = type;
    op.flops = flops;
    op.bytes_read = 4e6 + params;
    op.bytes_written = 4e6;
    op.output_bytes = 4e6;
    op.param_bytes = params;
    return g.add_op(op);
  };
  int in = add("in", "Identity", 1e6, 0);
  int prev_a = in, prev_b = in;
  for (int i = 0; i < per_branch; ++i) {
    int a = add("a" + std::to_string(i), "MatMul", 2e11, 4e7);
    int b = add("b" + std::to_string(i), "Conv", 2e11, 4e7);
    if (paired) {
      g.mutable_op(a).colocation = 2 * (i / 2);
      g.mutable_op(b).colocation = 2 * (i / 2) + 1;
    }
    g.add_edge(prev_a, a, 4e6);
    g.add_edge(prev_b, b, 4e6);
    prev_a = a;
    prev_b = b;
  }
  int out = add("out", "Add", 1e6, 0);
  g.add_edge(prev_a, out, 4e6);
  g.add_edge(prev_b, out, 4e6);
  g.finalize(name);
  return g;
}

}  // namespace tessera::devices::testing_graphs
