#pragma once
// One logger for the whole program: spdlog's default logger, writing to stderr so that stdout stays
// free for machine-readable output (--json). Use spdlog::info/warn/error/debug everywhere.
#include <spdlog/spdlog.h>

#include <string>

namespace tessera::log {

/// Installs the stderr logger. verbosity: -1 quiet (warnings and errors), 0 info, 1 debug, 2 trace.
void init(int verbosity);

}  // namespace tessera::log
