#include "tessera/io/idx_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../testing.h"
#include "tessera/core/error.h"

namespace tessera::cluster {
namespace {

std::string be32(uint32_t v) {
  return std::string{char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
}

std::string write_bytes(const std::string& name, const std::string& bytes) {
  // One scratch directory per test (scratch_dir() starts a fresh one on every call).
  static std::string test_name, dir;
  const std::string current = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  if (current != test_name) {
    test_name = current;
    dir = testing::scratch_dir();
  }
  auto path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string images_2x2x3() {
  std::string s = be32(0x00000803) + be32(2) + be32(2) + be32(3);
  for (int i = 0; i < 12; ++i) s.push_back(char(i * 20));
  return s;
}

TEST(IdxReader, ReadsUint8Images) {
  auto t = read_idx(write_bytes("img.idx", images_2x2x3()));
  ASSERT_EQ(t.sizes(), (std::vector<int64_t>{2, 2, 3}));
  EXPECT_EQ(t.scalar_type(), torch::kUInt8);
  EXPECT_EQ(t[1][1][2].item<int>(), 220);
}

TEST(IdxReader, ReadsBigEndianInt32) {
  auto t = read_idx(write_bytes("i.idx", be32(0x00000C01) + be32(2) + be32(1) + be32(0x01020304)));
  EXPECT_EQ(t[0].item<int>(), 1);
  EXPECT_EQ(t[1].item<int>(), 0x01020304);
}

TEST(IdxReader, DatasetWithLabelsFlattensAndScales) {
  auto labels = write_bytes("lab.idx", be32(0x00000801) + be32(2) + std::string{char(3), char(7)});
  auto d = read_idx_dataset(write_bytes("img2.idx", images_2x2x3()), labels, 255.0);
  EXPECT_EQ(d.size(), 2);
  EXPECT_EQ(d.dim(), 6);
  EXPECT_NEAR(d.features()[1][5].item<float>(), 220.0f / 255.0f, 1e-6);
  EXPECT_EQ(d.labels(), (std::vector<int64_t>{3, 7}));
}

TEST(IdxReader, WrongMagicIsAnError) {
  auto path = write_bytes("bad.idx", be32(0x12340803) + be32(1) + be32(1) + be32(1) + "x");
  try {
    read_idx(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("magic"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.idx"), std::string::npos);
  }
  EXPECT_THROW(read_idx(write_bytes("type.idx", be32(0x00000701) + be32(1) + "x")), InputError);
  EXPECT_THROW(read_idx(write_bytes("short.idx", std::string(2, char(0)))), InputError);
}

TEST(IdxReader, TruncatedBodyIsAnError) {
  auto full = images_2x2x3();
  try {
    read_idx(write_bytes("trunc.idx", full.substr(0, full.size() - 1)));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_idx(write_bytes("hdr.idx", be32(0x00000803) + be32(2))), InputError);
  EXPECT_THROW(read_idx(write_bytes("extra.idx", full + "zz")), InputError);
}

TEST(IdxReader, LabelCountMismatch) {
  auto labels = write_bytes("lab3.idx", be32(0x00000801) + be32(3) + std::string(3, char(1)));
  EXPECT_THROW(read_idx_dataset(write_bytes("img3.idx", images_2x2x3()), labels), InputError);
}

TEST(IdxReader, ReadsSharedFashionLabelsGzip) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  auto t = read_idx(testing::shared_data("cluster/t10k-labels-idx1-ubyte.gz"));
  ASSERT_EQ(t.dim(), 1);
  EXPECT_EQ(t.size(0), 10000);
  EXPECT_EQ(t.max().item<int>(), 9);
}

}  // namespace
}  // namespace tessera::cluster
