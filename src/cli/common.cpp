#include "tessera/cli/common.h"

#include "tessera/core/log.h"
#include "tessera/core/parallel.h"

namespace tessera::cli {

void add_common_options(CLI::App* cmd, CommonOptions& o, const std::vector<std::string>& methods,
                        const std::string& method_help, bool with_model) {
  auto* m = cmd->add_option("--method", o.method, method_help)->capture_default_str();
  if (!methods.empty()) m->check(CLI::IsMember(methods));
  cmd->add_option("--seed", o.seed, "Random seed; equal seeds and thread counts give equal results")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Worker threads (0 = all cores)")->capture_default_str()->check(
      CLI::NonNegativeNumber);
  cmd->add_option("--out", o.out, "Output file (written atomically: temp file, then rename)");
  cmd->add_flag("--json", o.json, "Print the result as one JSON object on stdout");
  if (with_model) cmd->add_option("--model", o.model, "Trained model file (default: the shipped model)");
}

void start(const GlobalOptions& global, const CommonOptions& common) {
  log::init(global.verbosity);
  configure_torch_threads(common.threads);
}

}  // namespace tessera::cli
