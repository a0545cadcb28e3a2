#pragma once
// Registration of each module's subcommands on the main app. A module that is built defines
// TESSERA_WITH_<MODULE> for src/cli/main.cpp (see cmake/modules/<module>.cmake).
#include <CLI/CLI.hpp>

#include "tessera/cli/common.h"

namespace tessera::cli {

void register_partition_commands(CLI::App& app, const GlobalOptions& global);
void register_devices_commands(CLI::App& app, const GlobalOptions& global);
void register_chip_commands(CLI::App& app, const GlobalOptions& global);
/// Learned-placer modules extend the subcommand their base module created (found with
/// app.get_subcommand("devices") / ("chip")) and add their methods to its registry.
void register_devices_rl_commands(CLI::App& app, const GlobalOptions& global);
void register_chip_rl_commands(CLI::App& app, const GlobalOptions& global);
void register_binpack_commands(CLI::App& app, const GlobalOptions& global);
void register_cluster_commands(CLI::App& app, const GlobalOptions& global);

}  // namespace tessera::cli
