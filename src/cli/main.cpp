// The `tessera` command: one binary, one subcommand per problem.
#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include <cstdio>

#include "tessera/cli/commands.h"
#include "tessera/core/error.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Tessera: learned placement optimization.\n"
      "Puts the nodes of a graph onto limited resources (partitions, devices, a chip canvas, bins,\n"
      "clusters) with learned policies and the strongest classical baselines, side by side.\n"
      "Results go to --out (atomically) and, with --json, to stdout as one JSON object; logs go to stderr."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tessera 0.1.0");
  tessera::cli::GlobalOptions global;
  app.add_flag("-v,--verbose", global.verbosity, "More log output (-vv for trace)");
  app.add_flag_callback("-q,--quiet", [&] { global.verbosity = -1; }, "Only warnings and errors on stderr");

#ifdef TESSERA_WITH_PARTITION
  tessera::cli::register_partition_commands(app, global);
#endif
#ifdef TESSERA_WITH_DEVICES
  tessera::cli::register_devices_commands(app, global);
#endif
#ifdef TESSERA_WITH_DEVICES_RL
  tessera::cli::register_devices_rl_commands(app, global);
#endif
#ifdef TESSERA_WITH_CHIP
  tessera::cli::register_chip_commands(app, global);
#endif
#ifdef TESSERA_WITH_CHIP_RL
  tessera::cli::register_chip_rl_commands(app, global);
#endif
#ifdef TESSERA_WITH_BINPACK
  tessera::cli::register_binpack_commands(app, global);
#endif
#ifdef TESSERA_WITH_CLUSTER
  tessera::cli::register_cluster_commands(app, global);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const tessera::Error& e) {
    std::fprintf(stderr, "tessera: error: %s\n", e.what());
    return 1;
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "tessera: error: %s\n", e.what_without_backtrace());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tessera: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
