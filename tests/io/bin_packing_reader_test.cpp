#include "tessera/io/bin_packing_reader.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "../testing.h"

namespace tessera::binpack {
namespace {

using tessera::testing::write_temp;

/// Expects InputError whose message contains `needle`.
template <class F>
void expect_input_error(F f, const std::string& needle) {
  try {
    f();
    FAIL() << "expected InputError containing '" << needle << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(BpplibReader, ReadsSmallInstance) {
  auto path = write_temp("small.txt", "4\n10\n7\n3\n5\n5\n");
  auto inst = read_bpplib(path);
  EXPECT_EQ(inst.name, "small");
  EXPECT_EQ(inst.capacity, 10);
  EXPECT_EQ(inst.weights, (std::vector<int64_t>{7, 3, 5, 5}));
}

TEST(BpplibReader, ReadsSharedBenchmarkFile) {
  if (!tessera::testing::have_shared_data()) GTEST_SKIP();
  auto inst = read_bpplib(tessera::testing::shared_data("binpack/bpplib/Falkenauer_T/Falkenauer_t60_00.txt"));
  EXPECT_EQ(inst.size(), 60);
  EXPECT_EQ(inst.capacity, 1000);
  EXPECT_EQ(inst.total_weight(), 20000);  // 20 exactly full triplets
  EXPECT_EQ(inst.weights[0], 495);
}

TEST(BpplibReader, EmptyFile) { expect_input_error([] { read_bpplib(write_temp("e.txt", "")); }, "end of file"); }
TEST(BpplibReader, ZeroItems) {
  expect_input_error([] { read_bpplib(write_temp("z.txt", "0\n10\n")); }, "empty instance");
}
TEST(BpplibReader, NegativeWeight) {
  expect_input_error([] { read_bpplib(write_temp("n.txt", "2\n10\n4\n-3\n")); }, ":4: weight of item 2");
}
TEST(BpplibReader, NonNumericWeight) {
  expect_input_error([] { read_bpplib(write_temp("a.txt", "2\n10\n4\nabc\n")); }, "expected a number, got 'abc'");
}
TEST(BpplibReader, ItemLargerThanCapacity) {
  expect_input_error([] { read_bpplib(write_temp("l.txt", "2\n10\n11\n3\n")); }, "larger than the bin capacity");
}
TEST(BpplibReader, TooFewWeights) {
  expect_input_error([] { read_bpplib(write_temp("f.txt", "3\n10\n1\n2\n")); }, "weight of item 3 of 3");
}
TEST(BpplibReader, TooManyWeights) {
  expect_input_error([] { read_bpplib(write_temp("m.txt", "2\n10\n1\n2\n3\n")); }, "counts do not match");
}
TEST(BpplibReader, BadCapacity) {
  expect_input_error([] { read_bpplib(write_temp("c.txt", "2\n0\n1\n2\n")); }, "capacity");
}
TEST(BpplibReader, MissingFile) {
  EXPECT_THROW(read_bpplib("/nonexistent/dir/x.txt"), InputError);
}

const char* kOrlib =
    " 2\n u_a\n 10 3 2\n 7\n 5\n 5\n t_b\n 100.0 3 1\n 42.1\n 25.5\n 32.4\n";

TEST(OrlibReader, ReadsSeveralInstancesWithBestKnown) {
  auto all = read_orlib_binpack(write_temp("binpack1.txt", kOrlib));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "u_a");
  EXPECT_EQ(all[0].capacity, 10);
  EXPECT_EQ(all[0].best_known.value(), 2);
  EXPECT_EQ(all[0].weights, (std::vector<int64_t>{7, 5, 5}));
  // Decimals are scaled to integers: capacity 100.0 -> 1000.
  EXPECT_EQ(all[1].capacity, 1000);
  EXPECT_EQ(all[1].weights, (std::vector<int64_t>{421, 255, 324}));
  EXPECT_DOUBLE_EQ(all[1].scale, 10.0);
}

TEST(OrlibReader, FormatDetection) {
  EXPECT_EQ(read_bin_packing_file(write_temp("binpack2.txt", kOrlib)).size(), 2u);
  EXPECT_EQ(read_bin_packing_file(write_temp("one.txt", "2\n10\n4\n6\n")).size(), 1u);
}

TEST(OrlibReader, FewerInstancesThanAnnounced) {
  expect_input_error([] { read_orlib_binpack(write_temp("o.txt", " 3\n a\n 10 2 1\n 5\n 5\n")); },
                     "announces 3 instances but ends after 1");
}
TEST(OrlibReader, MoreDataThanAnnounced) {
  expect_input_error([] { read_orlib_binpack(write_temp("o.txt", " 1\n a\n 10 2 1\n 5\n 5\n 5\n")); },
                     "counts do not match");
}
TEST(OrlibReader, ItemCountMismatch) {
  // Announces 3 items, gives 2, then the next identifier is not a number.
  expect_input_error([] { read_orlib_binpack(write_temp("o.txt", " 2\n a\n 10 3 1\n 5\n 5\n b\n 10 1 1\n 5\n")); },
                     "expected a number, got 'b'");
}
TEST(OrlibReader, NegativeAndOversizedWeights) {
  expect_input_error([] { read_orlib_binpack(write_temp("o.txt", " 1\n a\n 10 2 1\n -5\n 5\n")); }, "negative");
  expect_input_error([] { read_orlib_binpack(write_temp("o.txt", " 1\n a\n 10.0 2 1\n 10.5\n 5\n")); },
                     "larger than the bin capacity");
}
TEST(OrlibReader, EmptyInstance) {
  expect_input_error([] { read_orlib_binpack(write_temp("o.txt", " 1\n a\n 10 0 0\n")); }, "empty instance");
  expect_input_error([] { read_orlib_binpack(write_temp("o.txt", " 0\n")); }, "number of instances is 0");
}

TEST(BpplibWriter, RoundTrip) {
  BinPackingInstance inst;
  inst.capacity = 9;
  inst.weights = {1, 8, 4};
  std::string path = tessera::testing::scratch_dir() + "/rt.txt";
  write_bpplib(path, inst);
  auto back = read_bpplib(path);
  EXPECT_EQ(back.capacity, 9);
  EXPECT_EQ(back.weights, inst.weights);
}

}  // namespace
}  // namespace tessera::binpack
