#pragma once
// Line-oriented reader for text formats (plain or gzip, detected by content), keeping the line
// number so that every parse error can name file and line. Streaming: memory stays O(line length).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera {

class TextReader {
 public:
  /// Throws InputError when the file is missing or unreadable.
  explicit TextReader(std::string path);
  ~TextReader();
  TextReader(const TextReader&) = delete;
  TextReader& operator=(const TextReader&) = delete;

  /// Next line without the trailing newline (and '\r'); false at end of file.
  bool next_line(std::string& line);
  /// 1-based number of the line last returned.
  int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  /// Throws InputError("path:line: message") at the current line.
  [[noreturn]] void fail(const std::string& message) const;

 private:
  bool fill();

  std::string path_;
  void* gz_ = nullptr;  // gzFile
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  int64_t line_number_ = 0;
};

/// Splits on blanks (space, tab); empty fields are dropped.
void split_ws(std::string_view line, std::vector<std::string_view>& out);
/// Parses a whole field as a number; false when it is not one.
bool parse_int(std::string_view s, int64_t& out);
bool parse_double(std::string_view s, double& out);

}  // namespace tessera
