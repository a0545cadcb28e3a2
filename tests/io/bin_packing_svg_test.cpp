#include "tessera/io/bin_packing_svg.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"

namespace tessera::binpack {
namespace {

BinPackingInstance small() {
  BinPackingInstance inst;
  inst.name = "small";
  inst.capacity = 10;
  inst.weights = {6, 4, 5, 3};
  inst.optimum = 2;
  return inst;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(BinPackingSvg, OneBlockPerItemAndTheCountsInTheHeader) {
  auto inst = small();
  Packing p = packing_from_assignment(inst, {0, 0, 1, 1});  // loads 10 and 8
  const std::string s = packing_svg(inst, p, "").str();
  for (const char* t : {"bin 0: item 0 weight 6", "bin 0: item 1 weight 4", "bin 1: item 2 weight 5",
                        "bin 1: item 3 weight 3"})
    EXPECT_EQ(count(s, t), 1u) << t;
  EXPECT_NE(s.find("2 bins (L2 lower bound 2, optimum 2)"), std::string::npos);
  EXPECT_NE(s.find("free space 0.20 bins"), std::string::npos);
}

TEST(BinPackingSvg, RejectsAnInfeasiblePackingAndWritesNothing) {
  auto inst = small();
  Packing bad = packing_from_assignment(inst, {0, 0, 0, 1});  // load 15 > 10
  const std::string path = (std::filesystem::temp_directory_path() / "tessera_bad_packing.svg").string();
  std::filesystem::remove(path);
  EXPECT_THROW(write_packing_svg(inst, bad, "", path), Error);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace tessera::binpack
