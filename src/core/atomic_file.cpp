#include "tessera/core/atomic_file.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tessera/core/error.h"

namespace tessera {

namespace {
std::string temp_name(const std::string& path) {
  return path + ".tmp." + std::to_string(::getpid());
}
}  // namespace

void replace_file_atomic(const std::string& path, const std::function<void(const std::string&)>& writer) {
  const std::string tmp = temp_name(path);
  try {
    writer(tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot write '" + path + "': rename of the temporary file failed");
  }
}

void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  replace_file_atomic(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot open '" + path + "' for writing (is the directory writable?)");
    writer(out);
    out.flush();
    if (!out) throw Error("error while writing '" + path + "'");
  });
}

std::string read_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path, 0, "file not found");
  if (std::filesystem::is_directory(path)) throw InputError(path, 0, "is a directory, expected a file");
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw InputError(path, 0, "cannot open file");
  std::string data;
  char buf[1 << 16];
  int got;
  while ((got = gzread(f, buf, sizeof buf)) > 0) data.append(buf, got);
  int err = 0;
  const char* msg = gzerror(f, &err);
  gzclose(f);
  if (got < 0 || (err != Z_OK && err != Z_STREAM_END))
    throw InputError(path, 0, std::string("read error (truncated gzip?): ") + msg);
  return data;
}

}  // namespace tessera
