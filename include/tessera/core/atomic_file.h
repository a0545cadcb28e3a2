#pragma once
// Writing files so that a reader never sees a partial one: write to "<path>.tmp.<pid>" beside the
// target, flush, then rename() over the target (atomic on POSIX). On any exception the temporary is
// removed and the old file, if any, is untouched.
#include <functional>
#include <ostream>
#include <string>

namespace tessera {

/// Writes through a stream. Throws tessera::Error when the directory is not writable.
void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer);

/// For libraries that write a path themselves (torch::save): `writer(tmp_path)` fills tmp_path.
void replace_file_atomic(const std::string& path, const std::function<void(const std::string&)>& writer);

/// Reads a whole file (gzip-compressed if it starts with the gzip magic). Throws InputError if missing.
std::string read_file(const std::string& path);

}  // namespace tessera
