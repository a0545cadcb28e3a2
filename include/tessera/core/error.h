#pragma once
// Typed exceptions of Tessera. Library code throws; only main() decides to exit.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace tessera {

/// Base of every Tessera exception.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input data: names the source (usually a file), the 1-based line (0 when not line-based)
/// and what was expected. what() reads "source:line: message".
class InputError : public Error {
 public:
  InputError(std::string source, int64_t line, const std::string& message);
  const std::string& source() const { return source_; }
  int64_t line() const { return line_; }

 private:
  std::string source_;
  int64_t line_;
};

/// Bad option or argument value given by the user (k <= 0, negative imbalance, ...).
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace tessera
