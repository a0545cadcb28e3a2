#include "tessera/problems/bin_packing_instance.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/problems/bin_packing_generator.h"
#include "../problems/bin_packing_test_instance.h"

namespace tessera::binpack {
namespace {

TEST(BinPackingInstance, Validate) {
  EXPECT_NO_THROW(make_instance(10, {1, 10}).validate());
  EXPECT_THROW(make_instance(10, {}).validate(), InputError);
  EXPECT_THROW(make_instance(10, {0}).validate(), InputError);
  EXPECT_THROW(make_instance(10, {11}).validate(), InputError);
  EXPECT_THROW(make_instance(0, {1}).validate(), InputError);
}

TEST(BinPackingInstance, PackingFromAssignmentRenumbers) {
  auto inst = make_instance(10, {3, 4, 5});
  Packing p = packing_from_assignment(inst, {7, 2, 7});
  EXPECT_EQ(p.bin_of, (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(p.loads, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(check_packing(inst, p), "");
  EXPECT_THROW(packing_from_assignment(inst, {0, 1}), Error);
}

TEST(BinPackingInstance, CheckPackingFindsViolations) {
  auto inst = make_instance(10, {6, 5});
  EXPECT_NE(check_packing(inst, Packing{{0, 0}, {11}}), "");        // over capacity
  EXPECT_NE(check_packing(inst, Packing{{0, 1}, {6, 4}}), "");       // wrong load
  EXPECT_NE(check_packing(inst, Packing{{0, 2}, {6, 5}}), "");       // bin out of range
  EXPECT_NE(check_packing(inst, Packing{{0, 0}, {11, 0}}), "");
  Packing with_gap{{0, 2}, {6, 0, 5}};
  EXPECT_NE(check_packing(inst, with_gap), "");  // empty bin
  compact_packing(with_gap);
  EXPECT_EQ(check_packing(inst, with_gap), "");
  EXPECT_EQ(with_gap.bins(), 2);
}

TEST(BinPackingGenerator, FamiliesAreValidAndTripletsFillBins) {
  Rng rng(5);
  for (const auto& f : generator_families()) {
    auto inst = generate_instance(f, 90, rng);
    EXPECT_NO_THROW(inst.validate()) << f;
  }
  auto t = generate_instance("triplet", 60, rng);
  EXPECT_EQ(t.size(), 60);
  EXPECT_EQ(t.total_weight(), 20 * 1000);
  EXPECT_THROW(generate_instance("nope", 10, rng), UsageError);
}

}  // namespace
}  // namespace tessera::binpack
