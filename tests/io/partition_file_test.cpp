#include "tessera/io/partition_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tessera/core/error.h"
#include "../testing.h"

namespace tessera::partition {
namespace {

TEST(PartitionFile, RoundTrip) {
  std::string dir = tessera::testing::scratch_dir();
  std::vector<int> part{0, 1, 1, 3, 2, 0};
  write_partition(dir + "/p.part", part);
  EXPECT_EQ(read_partition(dir + "/p.part", 6, 4), part);
  std::ifstream in(dir + "/p.part");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "0");
}

TEST(PartitionFile, SkipsWalshawComments) {
  auto p = tessera::testing::write_temp("c.ptn", "% search=accelerated\n1\n0\n1\n");
  EXPECT_EQ(read_partition(p, 3, 2), (std::vector<int>{1, 0, 1}));
}

TEST(PartitionFile, RejectsBadFiles) {
  std::string dir = tessera::testing::scratch_dir();
  auto put = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  auto expect_line = [&](const std::string& path, int64_t n, int k, int line, const std::string& what) {
    try {
      read_partition(path, n, k);
      FAIL() << "no error for " << path;
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), line) << e.what();
      EXPECT_THAT(e.what(), ::testing::HasSubstr(what));
    }
  };
  expect_line(put("short", "0\n1\n"), 3, 2, 2, "expected one per node");
  expect_line(put("long", "0\n1\n0\n1\n"), 3, 2, 4, "more lines");
  expect_line(put("range", "0\n2\n1\n"), 3, 2, 2, "out of range");
  expect_line(put("neg", "0\n-1\n1\n"), 3, 2, 2, "non-negative integer");
  expect_line(put("two", "0 1\n1\n1\n"), 3, 2, 1, "one block id per line");
  EXPECT_THROW(read_partition(dir + "/missing", 3, 2), InputError);
}

}  // namespace
}  // namespace tessera::partition
