#include "tessera/core/json.h"

#include <iostream>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"

namespace tessera {

void print_json(const Json& value, int indent) {
  std::cout << value.dump(indent) << std::endl;
}

void write_json_file(const std::string& path, const Json& value, int indent) {
  write_file_atomic(path, [&](std::ostream& out) { out << value.dump(indent) << "\n"; });
}

Json read_json_file(const std::string& path) {
  std::string text = read_file(path);
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // Locate the byte offset as a line number for the message.
    int64_t line = 1;
    for (size_t i = 0; i < std::min<size_t>(e.byte, text.size()); ++i) line += text[i] == '\n';
    throw InputError(path, line, std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace tessera
