#pragma once
// JSON for results, configs and model metadata (nlohmann::json), and the one place that writes
// machine-readable results to stdout.
#include <nlohmann/json.hpp>

#include <string>

namespace tessera {

using Json = nlohmann::json;

/// Prints `value` as one JSON document on stdout (pretty when indent >= 0).
void print_json(const Json& value, int indent = 2);

/// Writes JSON to `path` atomically.
void write_json_file(const std::string& path, const Json& value, int indent = 2);

/// Parses a JSON file; InputError names the file and the parser's line/column on syntax errors.
Json read_json_file(const std::string& path);

}  // namespace tessera
