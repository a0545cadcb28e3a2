#include "tessera/io/idx_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"

namespace tessera::cluster {
namespace {

uint32_t read_be32(const std::string& s, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + at;
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

struct ElementType {
  torch::Dtype dtype;
  int64_t bytes;
};

ElementType element_type(const std::string& path, int code, uint32_t magic) {
  switch (code) {
    case 0x08: return {torch::kUInt8, 1};
    case 0x09: return {torch::kInt8, 1};
    case 0x0B: return {torch::kInt16, 2};
    case 0x0C: return {torch::kInt32, 4};
    case 0x0D: return {torch::kFloat32, 4};
    case 0x0E: return {torch::kFloat64, 8};
    default:
      throw InputError(path, 0,
                       fmt::format("wrong IDX magic number 0x{:08X}: unknown element type 0x{:02X} (expected "
                                   "0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)",
                                   magic, code));
  }
}

}  // namespace

torch::Tensor read_idx(const std::string& path) {
  const std::string data = read_file(path);
  if (data.size() < 4)
    throw InputError(path, 0, fmt::format("truncated IDX file: {} bytes, expected at least a 4-byte magic number",
                                          data.size()));
  const uint32_t magic = read_be32(data, 0);
  const int dims = static_cast<int>(magic & 0xFF);
  if ((magic >> 16) != 0 || dims < 1 || dims > 8)
    throw InputError(path, 0,
                     fmt::format("wrong IDX magic number 0x{:08X}: expected 0x0000TTDD with 1 to 8 dimensions "
                                 "(e.g. 0x00000803 for images, 0x00000801 for labels)",
                                 magic));
  const ElementType type = element_type(path, static_cast<int>((magic >> 8) & 0xFF), magic);
  const size_t header = 4 + 4 * static_cast<size_t>(dims);
  if (data.size() < header)
    throw InputError(path, 0, fmt::format("truncated IDX header: {} bytes, expected {} for {} dimension sizes",
                                          data.size(), header, dims));
  std::vector<int64_t> sizes;
  __int128 count = 1;
  for (int d = 0; d < dims; ++d) {
    const uint32_t s = read_be32(data, 4 + 4 * d);
    if (s > 0x7FFFFFFFu) throw InputError(path, 0, fmt::format("absurd IDX size {} in dimension {}", s, d));
    sizes.push_back(static_cast<int64_t>(s));
    count *= s;
  }
  const __int128 expected = count * type.bytes;
  const __int128 body = static_cast<__int128>(data.size() - header);
  if (body < expected)
    throw InputError(path, 0,
                     fmt::format("truncated IDX body: sizes {} need {} bytes of data, the file has {}",
                                 fmt::join(sizes, "x"), static_cast<long long>(expected),
                                 static_cast<long long>(body)));
  if (body > expected)
    throw InputError(path, 0,
                     fmt::format("IDX file has {} trailing bytes after the {} bytes that sizes {} describe",
                                 static_cast<long long>(body - expected), static_cast<long long>(expected),
                                 fmt::join(sizes, "x")));
  auto out = torch::empty(sizes, torch::TensorOptions().dtype(type.dtype));
  auto* dst = static_cast<unsigned char*>(out.data_ptr());
  const auto* src = reinterpret_cast<const unsigned char*>(data.data()) + header;
  const auto n = static_cast<size_t>(count);
  if (type.bytes == 1) {
    std::memcpy(dst, src, n);
  } else {  // big-endian → host (little-endian) byte order
    for (size_t i = 0; i < n; ++i)
      for (int64_t b = 0; b < type.bytes; ++b) dst[i * type.bytes + b] = src[i * type.bytes + (type.bytes - 1 - b)];
  }
  return out;
}

Dataset read_idx_dataset(const std::string& images_path, const std::string& labels_path, double scale) {
  auto images = read_idx(images_path);
  if (images.dim() < 2)
    throw InputError(images_path, 0,
                     fmt::format("expected an IDX array of points with at least 2 dimensions, found {}",
                                 images.dim()));
  const int64_t n = images.size(0);
  if (n == 0) throw InputError(images_path, 0, "the IDX file holds no points");
  auto x = images.reshape({n, -1}).to(torch::kFloat32);
  if (!torch::isfinite(x).all().item<bool>())
    throw InputError(images_path, 0, "the IDX file holds NaN or infinite values");
  if (scale != 1.0) x = x / scale;
  std::vector<int64_t> labels;
  if (!labels_path.empty()) {
    auto l = read_idx(labels_path);
    if (l.dim() != 1)
      throw InputError(labels_path, 0, fmt::format("expected a 1-D IDX labels file, found {} dimensions", l.dim()));
    if (l.size(0) != n)
      throw InputError(labels_path, 0,
                       fmt::format("{} labels for the {} points of {}", l.size(0), n, images_path));
    auto l64 = l.to(torch::kInt64);
    if (l64.numel() > 0 && l64.min().item<int64_t>() < 0)
      throw InputError(labels_path, 0, "negative class label");
    labels.assign(l64.data_ptr<int64_t>(), l64.data_ptr<int64_t>() + n);
  }
  return Dataset(images_path, x, std::move(labels));
}

}  // namespace tessera::cluster
