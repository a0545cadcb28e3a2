#pragma once
// Readers of model graphs for device placement. Every reader returns a finalized DeviceGraph.
//
//  - ONNX (.onnx, structure only is enough: initializers need dims, not data). Shapes come from
//    value_info; when some are missing ONNX shape inference runs first. Per-op costs come from the op
//    type and shapes (see docs/devices.md for the table); an op type without a rule gets
//    flops = number of output elements, bytes = inputs + outputs, and one warning naming the type.
//  - msr_dnn_partitioning JSON (Tarnawski et al. 2020): profiled GPU ("fpgaLatency") and CPU times,
//    memory, co-location classes, edge sizes; forward/backward roles from "isBackwardNode".
//    Time unit: milliseconds (the LayerGraphs equal PipeDream's ms profiles; SOURCES.md) -> seconds.
//    The matching human-expert split (human-experts/<model>_<task>_expert.json) is attached as an
//    expert placement when found beside the file's data tree.
//  - PipeDream profile graph.txt: forward_compute_time / backward_compute_time in milliseconds per
//    minibatch (PipeDream's profiler writes ms; SOURCES.md), activation and parameter sizes in bytes.
//    The Input node's time (data loading) is set to 0. A forward graph; with training = true the
//    backward ops take the profiled backward times (instead of the derived ones).
#include <string>

#include "tessera/problems/device_graph.h"
#include "tessera/problems/training_graph.h"

namespace tessera::devices {

enum class ModelFormat { kAuto, kOnnx, kMsrJson, kPipeDream };

struct ModelOptions {
  ModelFormat format = ModelFormat::kAuto;  ///< kAuto: by extension / content
  bool training = false;   ///< expand to forward + backward + update (ONNX, PipeDream); MSR training
                           ///< files are already training graphs
  int batch = 0;           ///< batch size (0 = as exported). ONNX / PipeDream: activation costs scale
                           ///< linearly with batch / file batch; parameters do not
  int file_batch = 0;      ///< batch size the file was made with (0 = detect: ONNX dim 0 of the first
                           ///< input, PipeDream from the Input node's activation size)
  TrainingOptions train;   ///< optimizer and expansion options (used when training)
  void validate() const;
};

/// Reads any supported model file (dispatch on format). InputError names the file and the field.
DeviceGraph read_device_model(const std::string& path, const ModelOptions& options = {});

DeviceGraph read_onnx_model(const std::string& path, const ModelOptions& options = {});
DeviceGraph read_msr_model(const std::string& path, const ModelOptions& options = {});
DeviceGraph read_pipedream_model(const std::string& path, const ModelOptions& options = {});

/// Batch size the ONNX file was exported with: dim 0 of the first graph input that is not an
/// initializer (sequence-first models such as torch.nn.Transformer: the caller can override).
int onnx_file_batch(const std::string& path);

}  // namespace tessera::devices
