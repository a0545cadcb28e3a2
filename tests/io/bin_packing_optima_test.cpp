#include "tessera/io/bin_packing_optima.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "../testing.h"

namespace tessera::binpack {
namespace {

TEST(OptimaTable, ReadsSharedTable) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP();
  auto t = OptimaTable::read(tessera::testing::shared_data("binpack/bpplib_optima.csv"));
  EXPECT_EQ(t.size(), 1615u);
  EXPECT_EQ(t.optimum("Falkenauer_t60_00").value(), 20);
  EXPECT_EQ(t.set_of("Falkenauer_t60_00"), "Falkenauer_T");
  EXPECT_FALSE(t.optimum("nonexistent").has_value());
}

TEST(OptimaTable, FindsTableNearInstance) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP();
  auto t = OptimaTable::find_near(tessera::testing::shared_data("binpack/bpplib/Hard28/Hard28_BPP13.txt"));
  EXPECT_EQ(t.optimum("Hard28_BPP13").value(), 67);
}

TEST(OptimaTable, BadRows) {
  auto p = tessera::testing::write_temp("o.csv", "set,instance,optimum\nA,x,notanumber\n");
  EXPECT_THROW(OptimaTable::read(p), InputError);
  auto q = tessera::testing::write_temp("q.csv", "set,instance\nA,x\n");
  EXPECT_THROW(OptimaTable::read(q), InputError);
  auto r = tessera::testing::write_temp("r.csv", "set,instance,optimum\nA,x\n");
  EXPECT_THROW(OptimaTable::read(r), InputError);
}

}  // namespace
}  // namespace tessera::binpack
