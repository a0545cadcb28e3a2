#include "tessera/io/bookshelf_reader.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

TEST(BookshelfReader, ReadsIbm01) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Netlist nl = read_bookshelf(testing::shared_data("chip/bookshelf/ibm01/ibm01.aux"));
  NetlistStats s = nl.stats();
  EXPECT_EQ(s.ports, 246);
  EXPECT_EQ(s.hard_macros, 246);
  EXPECT_EQ(s.stdcells, 12260);
  EXPECT_GT(s.nets, 13000);
  EXPECT_DOUBLE_EQ(nl.spec().width, 2295.0);
  EXPECT_DOUBLE_EQ(nl.spec().height, 144 * 16.0);
}

TEST(BookshelfReader, BadInput) {
  const std::string dir = testing::scratch_dir();
  auto aux = testing::write_temp("x.aux", "RowBasedPlacement : x.nodes x.nets x.pl\n");
  EXPECT_THROW(read_bookshelf(aux), InputError);
}

}  // namespace
}  // namespace tessera::chip
