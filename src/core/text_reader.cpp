#include "tessera/core/text_reader.h"

#include <zlib.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "tessera/core/error.h"

namespace tessera {

TextReader::TextReader(std::string path) : path_(std::move(path)) {
  if (!std::filesystem::exists(path_)) throw InputError(path_, 0, "file not found");
  if (std::filesystem::is_directory(path_)) throw InputError(path_, 0, "is a directory, expected a file");
  gz_ = gzopen(path_.c_str(), "rb");
  if (gz_ == nullptr) throw InputError(path_, 0, "cannot open file");
  gzbuffer(static_cast<gzFile>(gz_), 1 << 17);
}

TextReader::~TextReader() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
}

bool TextReader::fill() {
  if (eof_) return false;
  buffer_.erase(0, pos_);
  pos_ = 0;
  char chunk[1 << 16];
  int got = gzread(static_cast<gzFile>(gz_), chunk, sizeof chunk);
  if (got < 0) {
    int err = 0;
    throw InputError(path_, line_number_ + 1,
                     std::string("read error (truncated or corrupt gzip?): ") +
                         gzerror(static_cast<gzFile>(gz_), &err));
  }
  if (got == 0) {
    eof_ = true;
    int err = 0;
    gzerror(static_cast<gzFile>(gz_), &err);
    if (err != Z_OK && err != Z_STREAM_END)
      throw InputError(path_, line_number_ + 1, "unexpected end of compressed data (truncated file?)");
    return false;
  }
  buffer_.append(chunk, got);
  return true;
}

bool TextReader::next_line(std::string& line) {
  while (true) {
    size_t nl = buffer_.find('\n', pos_);
    if (nl != std::string::npos) {
      line.assign(buffer_, pos_, nl - pos_);
      pos_ = nl + 1;
      break;
    }
    if (!fill()) {
      if (pos_ >= buffer_.size()) return false;
      line.assign(buffer_, pos_, std::string::npos);
      pos_ = buffer_.size();
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_number_;
  return true;
}

void TextReader::fail(const std::string& message) const { throw InputError(path_, line_number_, message); }

void split_ws(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t i = 0, n = line.size();
  while (i < n) {
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < n && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
}

bool parse_int(std::string_view s, int64_t& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto res = std::from_chars(s.data(), s.data() + s.size(), out);
  return res.ec == std::errc() && res.ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size();
}

}  // namespace tessera
