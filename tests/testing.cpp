#include "testing.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tessera::testing {

std::string shared_data(const std::string& relative) {
  const char* env = std::getenv("TESSERA_SHARED_DATA");
  std::string root = env != nullptr ? env : "../shared/data";
  return root + "/" + relative;
}

bool have_shared_data() { return std::filesystem::exists(shared_data("")); }

std::string scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name() : "tessera";
  auto dir = std::filesystem::temp_directory_path() / ("tessera_test_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string write_temp(const std::string& name, const std::string& content) {
  std::string path = scratch_dir() + "/" + name;
  std::ofstream(path) << content;
  return path;
}

}  // namespace tessera::testing
