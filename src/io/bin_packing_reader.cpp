#include "tessera/io/bin_packing_reader.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <filesystem>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"

namespace tessera::binpack {
namespace {

/// Whitespace-separated tokens of a file with their line numbers.
class TokenStream {
 public:
  explicit TokenStream(const std::string& path) : reader_(path) {}
  /// False at end of file.
  bool next(std::string& token, int64_t& line) {
    while (pos_ >= fields_.size()) {
      std::string text;
      if (!reader_.next_line(text)) return false;
      fields_.clear();
      std::vector<std::string_view> views;
      split_ws(text, views);
      for (auto v : views) fields_.emplace_back(v);
      pos_ = 0;
    }
    token = fields_[pos_++];
    line = reader_.line_number();
    return true;
  }
  const std::string& path() const { return reader_.path(); }
  int64_t line() const { return reader_.line_number(); }

 private:
  TextReader reader_;
  std::vector<std::string> fields_;
  size_t pos_ = 0;
};

/// A non-negative or negative decimal number as mantissa * 10^-decimals.
struct Decimal {
  int64_t mantissa = 0;
  int decimals = 0;
  int64_t line = 0;
};

bool parse_decimal(const std::string& s, Decimal& out) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  int64_t m = 0;
  int digits = 0, decimals = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '.' && !dot) {
      dot = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    if (m > (int64_t{1} << 52)) return false;  // absurdly large
    m = m * 10 + (ch - '0');
    ++digits;
    if (dot) ++decimals;
  }
  if (digits == 0) return false;
  out.mantissa = negative ? -m : m;
  out.decimals = decimals;
  return true;
}

Decimal expect_number(TokenStream& ts, const std::string& what) {
  std::string tok;
  int64_t line;
  if (!ts.next(tok, line))
    throw InputError(ts.path(), ts.line(), fmt::format("unexpected end of file: expected {}", what));
  Decimal d;
  if (!parse_decimal(tok, d))
    throw InputError(ts.path(), line, fmt::format("{}: expected a number, got '{}'", what, tok));
  d.line = line;
  return d;
}

int64_t expect_count(TokenStream& ts, const std::string& what) {
  Decimal d = expect_number(ts, what);
  if (d.decimals != 0 || d.mantissa < 0)
    throw InputError(ts.path(), d.line, fmt::format("{}: expected a non-negative integer", what));
  return d.mantissa;
}

int64_t pow10(int e) {
  int64_t p = 1;
  while (e-- > 0) p *= 10;
  return p;
}

/// Reads capacity (already parsed) and n weights; checks them and scales decimals to integers.
void read_weights(TokenStream& ts, const Decimal& capacity, int64_t n, BinPackingInstance& inst) {
  if (capacity.mantissa <= 0)
    throw InputError(ts.path(), capacity.line, "capacity: expected a positive number");
  if (n <= 0) throw InputError(ts.path(), ts.line(), "empty instance: the item count is 0");
  if (n > 100000000) throw InputError(ts.path(), ts.line(), fmt::format("item count {} is absurd", n));
  std::vector<Decimal> w;
  w.reserve(n);
  int decimals = capacity.decimals;
  for (int64_t j = 0; j < n; ++j) {
    Decimal d = expect_number(ts, fmt::format("weight of item {} of {}", j + 1, n));
    if (d.mantissa <= 0)
      throw InputError(ts.path(), d.line,
                       fmt::format("weight of item {}: expected a positive number, got a {} value", j + 1,
                                   d.mantissa < 0 ? "negative" : "zero"));
    decimals = std::max(decimals, d.decimals);
    w.push_back(d);
  }
  if (decimals > 6) throw InputError(ts.path(), ts.line(), "more than 6 decimals in the weights");
  auto scaled = [&](const Decimal& d) { return d.mantissa * pow10(decimals - d.decimals); };
  inst.capacity = scaled(capacity);
  inst.scale = static_cast<double>(pow10(decimals));
  inst.weights.resize(n);
  for (int64_t j = 0; j < n; ++j) {
    inst.weights[j] = scaled(w[j]);
    if (inst.weights[j] > inst.capacity)
      throw InputError(ts.path(), w[j].line,
                       fmt::format("weight of item {} ({}) is larger than the bin capacity ({})", j + 1,
                                   inst.weights[j], inst.capacity));
  }
}

}  // namespace

BinPackingInstance read_bpplib(const std::string& path) {
  TokenStream ts(path);
  BinPackingInstance inst;
  inst.source = path;
  inst.name = std::filesystem::path(path).stem().string();
  std::string tok;
  int64_t line;
  // An empty file is an empty instance.
  int64_t n = expect_count(ts, "item count n (line 1 of the BPPLIB format)");
  Decimal c = expect_number(ts, "bin capacity c (line 2 of the BPPLIB format)");
  read_weights(ts, c, n, inst);
  if (ts.next(tok, line))
    throw InputError(path, line, fmt::format("counts do not match: the header says n = {} items but more "
                                             "values follow ('{}')", n, tok));
  inst.validate();
  return inst;
}

std::vector<BinPackingInstance> read_orlib_binpack(const std::string& path) {
  TokenStream ts(path);
  const int64_t count = expect_count(ts, "number of instances P (OR-Library binpack format)");
  if (count <= 0) throw InputError(path, ts.line(), "empty file: the number of instances is 0");
  std::vector<BinPackingInstance> out;
  std::string tok;
  int64_t line;
  for (int64_t k = 0; k < count; ++k) {
    if (!ts.next(tok, line))
      throw InputError(path, ts.line(), fmt::format("counts do not match: the file announces {} instances but "
                                                    "ends after {}", count, k));
    BinPackingInstance inst;
    inst.source = path;
    inst.name = tok;
    Decimal c = expect_number(ts, fmt::format("capacity of instance '{}'", tok));
    int64_t n = expect_count(ts, fmt::format("item count of instance '{}'", tok));
    int64_t best = expect_count(ts, fmt::format("best-known bin count of instance '{}'", tok));
    read_weights(ts, c, n, inst);
    if (best > 0) inst.best_known = best;
    inst.validate();
    out.push_back(std::move(inst));
  }
  if (ts.next(tok, line))
    throw InputError(path, line, fmt::format("counts do not match: the file announces {} instances but more "
                                             "data follows ('{}')", count, tok));
  return out;
}

std::vector<BinPackingInstance> read_bin_packing_file(const std::string& path) {
  // OR-Library: "P" / identifier / "c n best" on the first three non-empty lines; anything else is
  // read as BPPLIB (whose reader then names what is wrong).
  TextReader reader(path);
  std::vector<std::vector<std::string>> head;
  std::string text;
  while (head.size() < 3 && reader.next_line(text)) {
    std::vector<std::string_view> views;
    split_ws(text, views);
    if (views.empty()) continue;
    head.emplace_back(views.begin(), views.end());
  }
  if (head.empty()) throw InputError(path, 0, "empty file: expected a bin-packing instance");
  Decimal d;
  bool orlib = head.size() == 3 && head[0].size() == 1 && head[1].size() == 1 && !parse_decimal(head[1][0], d) &&
               head[2].size() == 3;
  if (orlib) return read_orlib_binpack(path);
  return {read_bpplib(path)};
}

void write_bpplib(const std::string& path, const BinPackingInstance& instance) {
  write_file_atomic(path, [&](std::ostream& os) {
    os << instance.weights.size() << '\n' << instance.capacity << '\n';
    for (int64_t w : instance.weights) os << w << '\n';
  });
}

}  // namespace tessera::binpack
