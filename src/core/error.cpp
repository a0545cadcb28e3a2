#include "tessera/core/error.h"

namespace tessera {
namespace {
std::string locate(const std::string& source, int64_t line, const std::string& message) {
  std::string out = source;
  if (line > 0) out += ":" + std::to_string(line);
  if (!out.empty()) out += ": ";
  return out + message;
}
}  // namespace

InputError::InputError(std::string source, int64_t line, const std::string& message)
    : Error(locate(source, line, message)), source_(std::move(source)), line_(line) {}

}  // namespace tessera
