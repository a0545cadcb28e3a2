#include "tessera/core/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../testing.h"
#include "tessera/core/error.h"

namespace tessera {
namespace {

TEST(AtomicFile, WritesAndReplaces) {
  auto path = testing::scratch_dir() + "/out.txt";
  write_file_atomic(path, [](std::ostream& o) { o << "one"; });
  EXPECT_EQ(read_file(path), "one");
  write_file_atomic(path, [](std::ostream& o) { o << "two"; });
  EXPECT_EQ(read_file(path), "two");
}

TEST(AtomicFile, FailureLeavesOldFileIntact) {
  auto dir = testing::scratch_dir();
  auto path = dir + "/out.txt";
  write_file_atomic(path, [](std::ostream& o) { o << "old"; });
  EXPECT_THROW(write_file_atomic(path,
                                 [](std::ostream& o) {
                                   o << "partial";
                                   throw Error("boom");
                                 }),
               Error);
  EXPECT_EQ(read_file(path), "old");
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1) << "temporary file left behind";
}

TEST(AtomicFile, UnwritableDirectoryThrows) {
  EXPECT_THROW(write_file_atomic("/nonexistent_dir/x.txt", [](std::ostream& o) { o << "x"; }), Error);
}

}  // namespace
}  // namespace tessera
