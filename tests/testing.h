#pragma once
// Helpers for every test: the shared benchmark data beside the project and scratch directories.
#include <string>

namespace tessera::testing {

/// Path of a file under ../shared/data (or $TESSERA_SHARED_DATA). Tests run from the source root.
std::string shared_data(const std::string& relative);
/// True when the shared data folder exists (tests that need it skip cleanly otherwise).
bool have_shared_data();
/// A fresh empty directory under the system temp dir, unique per test.
std::string scratch_dir();
/// Writes text to a file in a scratch dir and returns the path.
std::string write_temp(const std::string& name, const std::string& content);

}  // namespace tessera::testing
