#pragma once
// Generated dataflow graphs for pre-training device-placement policies on many more graphs than the
// model zoo holds (Placeto and GDP pre-train on generated or many real graphs).
//
// The six ONNX training graphs of the zoo barely gain from splitting over devices (0.3–4 % on
// p100x4), so a policy pre-trained on them learns to stay on one device. The generated graphs vary
// width, depth, sizes and batch so that splitting pays on some (wide parallel branches, heavy ops on
// small tensors) and not on others. Op types, FLOP and byte rules are those of the ONNX importer
// (io/onnx_model_reader.cpp: 2·out·k FLOPs for Conv/MatMul, 4·out for normalization, views move no
// data, float32 tensors), so the policy's features look like those of imported models.
//
// Families:
//  - "cnn": a stem, then cells of 2–5 parallel branches (chains of Conv + BatchNormalization + Relu, or
//    a pooling branch) joined by Concat; reduction cells halve the resolution (Inception / NASNet style).
//  - "transformer": token embedding, encoder layers (Q/K/V projections, MatMul–Softmax–MatMul attention,
//    output projection, residual Add + LayerNormalization, feed-forward), and for half the graphs a
//    decoder with cross attention.
//  - "rnn": GNMT-style stacked LSTM encoder and decoder with residual connections from the third layer,
//    attention and a vocabulary projection.
//  - "towers": 2–6 independent towers (MatMul + Relu stacks or Conv stacks) joined by Concat + Gemm.
// Graphs are forward graphs; devices::expand_training turns them into training steps.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/problems/device_graph.h"

namespace tessera::devices {

/// The family names generate_dataflow_graph accepts.
const std::vector<std::string>& dataflow_families();

struct DataflowGeneratorOptions {
  std::string family = "cnn";  ///< one of dataflow_families()
  int batch = 0;               ///< batch size; 0 = drawn from {16, 32, 64, 128}
  int max_ops = 4000;          ///< upper bound on the forward graph's op count (>= 50)
  void validate() const;       ///< UsageError on an unknown family, batch < 0 or max_ops < 50
};

/// A finalized forward graph named "<family>-<seed>" with batch_size() set. Deterministic in (options,
/// seed). Sizes are drawn so that the forward graph holds at most options.max_ops ops.
DeviceGraph generate_dataflow_graph(const DataflowGeneratorOptions& options, uint64_t seed);

}  // namespace tessera::devices
