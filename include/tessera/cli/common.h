#pragma once
// Shared pieces of the `tessera` command line: the flags every subcommand has (same names as the
// option-struct fields they fill) and the start-up every subcommand does.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace tessera::cli {

/// Global flags, on the main app (before the subcommand).
struct GlobalOptions {
  int verbosity = 0;  ///< -v: debug, -vv: trace, -q: warnings only
};

/// Flags every problem subcommand accepts.
struct CommonOptions {
  std::string method;   ///< --method: algorithm by name
  uint64_t seed = 1;    ///< --seed: all randomness derives from it
  int threads = 2;      ///< --threads: worker threads (0 = all cores)
  std::string out;      ///< --out: result file (written atomically)
  bool json = false;    ///< --json: print the result as JSON on stdout
  std::string model;    ///< --model: trained model file
};

/// Adds --method (with the allowed names), --seed, --threads, --out, --json and --model.
void add_common_options(CLI::App* cmd, CommonOptions& options, const std::vector<std::string>& methods,
                        const std::string& method_help, bool with_model = true);

/// Initialises logging and threads; every subcommand callback calls it first.
void start(const GlobalOptions& global, const CommonOptions& common);

}  // namespace tessera::cli
