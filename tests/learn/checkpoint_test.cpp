#include "tessera/learn/checkpoint.h"

#include <gtest/gtest.h>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/nn/mlp.h"

namespace tessera::learn {
namespace {

TEST(Checkpoint, RoundTripWithMeta) {
  auto path = testing::scratch_dir() + "/m.pt";
  nn::Mlp a(nn::MlpOptions({3, 8, 2}));
  save_checkpoint(path, *a, {{"kind", "test"}, {"config", {{"hidden", 8}}}});
  Json meta = read_checkpoint_meta(path, "test");
  EXPECT_EQ(meta["config"]["hidden"], 8);
  nn::Mlp b(nn::MlpOptions({3, 8, 2}));
  load_checkpoint(path, *b);
  auto x = torch::randn({5, 3});
  EXPECT_TRUE(torch::allclose(a->forward(x), b->forward(x)));
}

TEST(Checkpoint, WrongKindIsRejected) {
  auto path = testing::scratch_dir() + "/m.pt";
  nn::Mlp a(nn::MlpOptions({3, 2}));
  save_checkpoint(path, *a, {{"kind", "gap"}});
  EXPECT_THROW(read_checkpoint_meta(path, "gdp"), InputError);
}

TEST(Checkpoint, NotAModelIsRejected) {
  auto path = testing::write_temp("junk.pt", "this is not a model");
  EXPECT_THROW(read_checkpoint_meta(path, "gap"), InputError);
  nn::Mlp a(nn::MlpOptions({3, 2}));
  EXPECT_THROW(load_checkpoint(path, *a), InputError);
}

TEST(Checkpoint, ShapeMismatchIsRejected) {
  auto path = testing::scratch_dir() + "/m.pt";
  nn::Mlp a(nn::MlpOptions({3, 2}));
  save_checkpoint(path, *a, {{"kind", "test"}});
  nn::Mlp b(nn::MlpOptions({4, 2}));
  EXPECT_THROW(load_checkpoint(path, *b), InputError);
}

}  // namespace
}  // namespace tessera::learn
