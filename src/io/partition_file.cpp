#include "tessera/io/partition_file.h"

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"

namespace tessera::partition {

void write_partition(const std::string& path, const std::vector<int>& part) {
  write_file_atomic(path, [&](std::ostream& os) {
    std::string buf;
    buf.reserve(part.size() * 3);
    for (int b : part) {
      buf += std::to_string(b);
      buf += '\n';
    }
    os << buf;
  });
}

std::vector<int> read_partition(const std::string& path, int64_t num_nodes, int k) {
  TextReader in(path);
  std::string line;
  std::vector<std::string_view> f;
  std::vector<int> part;
  part.reserve(num_nodes);
  while (in.next_line(line)) {
    if (!line.empty() && line[0] == '%') continue;
    split_ws(line, f);
    if (f.empty()) {
      if (static_cast<int64_t>(part.size()) >= num_nodes) continue;  // trailing blank lines
      in.fail("empty line: expected the block id of node " + std::to_string(part.size() + 1));
    }
    if (f.size() != 1) in.fail("expected one block id per line, got " + std::to_string(f.size()) + " fields");
    if (static_cast<int64_t>(part.size()) >= num_nodes)
      in.fail("more lines than the graph's " + std::to_string(num_nodes) + " nodes");
    int64_t b = 0;
    if (!parse_int(f[0], b) || b < 0) in.fail("expected a non-negative integer block id, got '" + std::string(f[0]) + "'");
    if (k > 0 && b >= k) in.fail("block id " + std::to_string(b) + " out of range 0.." + std::to_string(k - 1));
    if (b > (1 << 30)) in.fail("absurd block id " + std::to_string(b));
    part.push_back(static_cast<int>(b));
  }
  if (static_cast<int64_t>(part.size()) != num_nodes)
    throw InputError(path, in.line_number(), "has " + std::to_string(part.size()) + " block ids, expected one per node (" +
                                                 std::to_string(num_nodes) + ")");
  return part;
}

}  // namespace tessera::partition
