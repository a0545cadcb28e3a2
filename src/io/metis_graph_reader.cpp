#include "tessera/io/metis_graph_reader.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"

namespace tessera::partition {
namespace {

bool is_comment(const std::string& line) { return !line.empty() && line[0] == '%'; }

int64_t field_int(const TextReader& in, std::string_view s, const char* what) {
  int64_t v = 0;
  if (!parse_int(s, v)) in.fail(std::string("expected an integer ") + what + ", got '" + std::string(s) + "'");
  return v;
}

}  // namespace

graph::Graph read_metis_graph(const std::string& path) {
  // hMETIS hypergraphs share the header's shape ("hyperedges nodes [fmt]") and would be misread as a graph.
  const auto dot = path.find_last_of('.');
  if (dot != std::string::npos && path.substr(dot) == ".hgr")
    throw InputError(path, 0,
                     "an hMETIS hypergraph (.hgr): partition reads METIS graph files (header 'n m [fmt [ncon]]', "
                     "one adjacency line per node); convert the hypergraph to a graph first");
  TextReader in(path);
  std::string line;
  std::vector<std::string_view> f;
  // Header: first line that is not a comment (blank lines before it are tolerated).
  bool have_header = false;
  while (in.next_line(line)) {
    if (is_comment(line)) continue;
    split_ws(line, f);
    if (f.empty()) continue;
    have_header = true;
    break;
  }
  if (!have_header) throw InputError(path, in.line_number(), "empty file: expected a header 'n m [fmt [ncon]]'");
  if (f.size() < 2 || f.size() > 4)
    in.fail("malformed header: expected 'n m [fmt [ncon]]' (2 to 4 fields), got " + std::to_string(f.size()) +
            " fields");
  const int64_t n = field_int(in, f[0], "node count n in the header");
  const int64_t m = field_int(in, f[1], "edge count m in the header");
  if (n < 0) in.fail("malformed header: node count n must be >= 0");
  if (m < 0) in.fail("malformed header: edge count m must be >= 0");
  if (n > (int64_t{1} << 40) || m > (int64_t{1} << 40)) in.fail("malformed header: absurd size n or m");
  int64_t fmt = 0, ncon = 1;
  if (f.size() >= 3) {
    fmt = field_int(in, f[2], "fmt in the header");
    const std::string s(f[2]);
    if (s.size() > 3 || s.find_first_not_of("01") != std::string::npos || fmt < 0)
      in.fail("malformed header: fmt must be up to three binary digits (0, 1, 10, 11, 100, 101, 110, 111), got '" +
              s + "'");
  }
  const bool has_sizes = (fmt / 100) % 10 == 1;
  const bool has_vwgt = (fmt / 10) % 10 == 1;
  const bool has_ewgt = fmt % 10 == 1;
  if (f.size() == 4) {
    ncon = field_int(in, f[3], "ncon in the header");
    if (ncon < 1 || ncon > 1000) in.fail("malformed header: ncon must be in 1..1000");
    if (!has_vwgt && ncon != 1) in.fail("malformed header: ncon > 1 needs node weights (fmt with v = 1)");
  }
  if (m > 0 && n == 0) in.fail("malformed header: m > 0 edges on a graph with no nodes");

  std::vector<int64_t> xadj{0}, adjncy;
  std::vector<double> vwgt, ewgt;
  std::vector<int64_t> node_line;
  xadj.reserve(n + 1);
  node_line.reserve(n);
  adjncy.reserve(std::min<int64_t>(2 * m, int64_t{1} << 28));
  if (has_vwgt) vwgt.reserve(n * ncon);
  if (has_ewgt) ewgt.reserve(std::min<int64_t>(2 * m, int64_t{1} << 28));
  int64_t v = 0;
  while (v < n && in.next_line(line)) {
    if (is_comment(line)) continue;
    split_ws(line, f);
    node_line.push_back(in.line_number());
    size_t i = 0;
    const size_t head = (has_sizes ? 1 : 0) + (has_vwgt ? static_cast<size_t>(ncon) : 0);
    if (f.size() < head)
      in.fail("node " + std::to_string(v + 1) + ": expected " + std::to_string(head) +
              " leading size/weight fields, got " + std::to_string(f.size()));
    if (has_sizes) {
      if (field_int(in, f[i++], "node size") < 0) in.fail("node " + std::to_string(v + 1) + ": negative node size");
    }
    if (has_vwgt) {
      for (int64_t c = 0; c < ncon; ++c) {
        int64_t w = field_int(in, f[i++], "node weight");
        if (w < 0) in.fail("node " + std::to_string(v + 1) + ": negative node weight " + std::to_string(w));
        vwgt.push_back(static_cast<double>(w));
      }
    }
    const size_t rest = f.size() - i;
    if (has_ewgt && rest % 2 != 0)
      in.fail("node " + std::to_string(v + 1) + ": expected (neighbour, edge weight) pairs, got an odd number of fields");
    while (i < f.size()) {
      int64_t u = field_int(in, f[i++], "neighbour id");
      if (u < 1 || u > n)
        in.fail("node " + std::to_string(v + 1) + ": neighbour " + std::to_string(u) + " out of range 1.." +
                std::to_string(n));
      if (u - 1 == v) in.fail("node " + std::to_string(v + 1) + ": self-loop (lists itself as neighbour)");
      adjncy.push_back(u - 1);
      if (has_ewgt) {
        int64_t w = field_int(in, f[i++], "edge weight");
        if (w < 0) in.fail("node " + std::to_string(v + 1) + ": negative edge weight " + std::to_string(w));
        ewgt.push_back(static_cast<double>(w));
      }
      if (static_cast<int64_t>(adjncy.size()) > 2 * m)
        in.fail("more adjacency entries than the header's 2*m = " + std::to_string(2 * m) +
                " (m = " + std::to_string(m) + " edges)");
    }
    xadj.push_back(static_cast<int64_t>(adjncy.size()));
    ++v;
  }
  if (v < n)
    throw InputError(path, in.line_number(), "file ends after " + std::to_string(v) + " node lines, header says n = " +
                                                 std::to_string(n));
  while (in.next_line(line)) {
    if (is_comment(line)) continue;
    split_ws(line, f);
    if (!f.empty()) in.fail("extra data after the " + std::to_string(n) + " node lines of the header");
  }
  if (static_cast<int64_t>(adjncy.size()) != 2 * m)
    throw InputError(path, node_line.empty() ? 1 : node_line.back(),
                     "edge count does not match the header: adjacency lists hold " + std::to_string(adjncy.size()) +
                         " entries = " + std::to_string(adjncy.size() / 2.0) + " edges, header says m = " +
                         std::to_string(m));

  // Duplicates and symmetry, reported at the line of the offending node.
  std::vector<std::pair<int64_t, double>> sorted(adjncy.size());
  for (size_t a = 0; a < adjncy.size(); ++a) sorted[a] = {adjncy[a], has_ewgt ? ewgt[a] : 1.0};
  for (int64_t x = 0; x < n; ++x) {
    std::sort(sorted.begin() + xadj[x], sorted.begin() + xadj[x + 1]);
    for (int64_t a = xadj[x] + 1; a < xadj[x + 1]; ++a)
      if (sorted[a].first == sorted[a - 1].first)
        throw InputError(path, node_line[x], "node " + std::to_string(x + 1) + ": neighbour " +
                                                 std::to_string(sorted[a].first + 1) + " listed twice");
  }
  for (int64_t x = 0; x < n; ++x) {
    for (int64_t a = xadj[x]; a < xadj[x + 1]; ++a) {
      auto [u, w] = sorted[a];
      auto first = sorted.begin() + xadj[u], last = sorted.begin() + xadj[u + 1];
      auto it = std::lower_bound(first, last, std::make_pair(x, -1e300));
      if (it == last || it->first != x)
        throw InputError(path, node_line[x], "asymmetric adjacency: node " + std::to_string(x + 1) + " lists " +
                                                 std::to_string(u + 1) + " but node " + std::to_string(u + 1) +
                                                 " (line " + std::to_string(node_line[u]) + ") does not list " +
                                                 std::to_string(x + 1));
      if (it->second != w)
        throw InputError(path, node_line[x], "asymmetric edge weight: edge " + std::to_string(x + 1) + "-" +
                                                 std::to_string(u + 1) + " has weight " + std::to_string(w) +
                                                 " here and " + std::to_string(it->second) + " on line " +
                                                 std::to_string(node_line[u]));
    }
  }
  return graph::Graph(std::move(xadj), std::move(adjncy), std::move(vwgt), std::move(ewgt), static_cast<int>(ncon));
}

void write_metis_graph(const std::string& path, const graph::Graph& g) {
  if (g.directed()) throw Error("write_metis_graph: " + path + ": METIS graphs are undirected");
  auto integral = [](double w) { return w >= 0 && std::floor(w) == w && w < 9.0e15; };
  for (double w : g.node_weights())
    if (!integral(w)) throw Error("write_metis_graph: " + path + ": node weights must be non-negative integers");
  for (double w : g.edge_weights())
    if (!integral(w)) throw Error("write_metis_graph: " + path + ": edge weights must be non-negative integers");
  const bool vw = g.has_node_weights(), ew = g.has_edge_weights();
  write_file_atomic(path, [&](std::ostream& os) {
    os << g.num_nodes() << ' ' << g.num_edges();
    if (vw || ew) os << ' ' << (vw ? "1" : "0") << (ew ? "1" : "0");
    if (vw && g.ncon() > 1) os << ' ' << g.ncon();
    os << '\n';
    std::string buf;
    for (int64_t v = 0; v < g.num_nodes(); ++v) {
      buf.clear();
      if (vw)
        for (int c = 0; c < g.ncon(); ++c) {
          if (!buf.empty()) buf += ' ';
          buf += std::to_string(static_cast<int64_t>(g.node_weight(v, c)));
        }
      for (int64_t a = g.begin(v); a < g.end(v); ++a) {
        if (!buf.empty()) buf += ' ';
        buf += std::to_string(g.neighbor(a) + 1);
        if (ew) {
          buf += ' ';
          buf += std::to_string(static_cast<int64_t>(g.edge_weight(a)));
        }
      }
      os << buf << '\n';
    }
  });
}

}  // namespace tessera::partition
