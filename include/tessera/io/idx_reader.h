#pragma once
// IDX files (the MNIST / Fashion-MNIST format), plain or gzip: a big-endian magic 0x0000TTDD (TT the
// element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64; DD the number
// of dimensions), DD big-endian int32 sizes, then the elements row-major. A wrong magic, absurd sizes, a
// truncated body or trailing bytes are errors naming the file.
#include <torch/torch.h>

#include <string>

#include "tessera/problems/cluster_dataset.h"

namespace tessera::cluster {

/// The whole array, in the element type of the file (uint8 stays uint8).
torch::Tensor read_idx(const std::string& path);

/// Images [n, ...] flattened to [n, features] float32, divided by `scale` (255 for pixels), with
/// labels from a 1-D IDX labels file when `labels_path` is not empty (counts must match).
Dataset read_idx_dataset(const std::string& images_path, const std::string& labels_path = "", double scale = 255.0);

}  // namespace tessera::cluster
