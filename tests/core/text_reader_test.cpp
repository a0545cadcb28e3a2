#include "tessera/core/text_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "../testing.h"
#include "tessera/core/error.h"

namespace tessera {
namespace {

TEST(TextReader, ReadsLinesWithNumbers) {
  auto path = testing::write_temp("a.txt", "first\r\nsecond\nthird");
  TextReader r(path);
  std::string line;
  ASSERT_TRUE(r.next_line(line));
  EXPECT_EQ(line, "first");
  ASSERT_TRUE(r.next_line(line));
  EXPECT_EQ(line, "second");
  ASSERT_TRUE(r.next_line(line));
  EXPECT_EQ(line, "third");
  EXPECT_EQ(r.line_number(), 3);
  EXPECT_FALSE(r.next_line(line));
}

TEST(TextReader, ReadsGzip) {
  auto dir = testing::scratch_dir();
  std::string path = dir + "/b.txt.gz";
  gzFile f = gzopen(path.c_str(), "wb");
  gzputs(f, "x 1\ny 2\n");
  gzclose(f);
  TextReader r(path);
  std::string line;
  ASSERT_TRUE(r.next_line(line));
  EXPECT_EQ(line, "x 1");
  ASSERT_TRUE(r.next_line(line));
  EXPECT_EQ(line, "y 2");
  EXPECT_FALSE(r.next_line(line));
}

TEST(TextReader, MissingFileNamesThePath) {
  try {
    TextReader r("/nonexistent/file.graph");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/file.graph"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos);
  }
}

TEST(TextReader, FailNamesLine) {
  auto path = testing::write_temp("c.txt", "a\nb\n");
  TextReader r(path);
  std::string line;
  r.next_line(line);
  r.next_line(line);
  try {
    r.fail("bad thing");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find(":2: bad thing"), std::string::npos);
  }
}

TEST(TextReader, ParsesNumbersStrictly) {
  int64_t i;
  double d;
  EXPECT_TRUE(parse_int("42", i));
  EXPECT_EQ(i, 42);
  EXPECT_FALSE(parse_int("4x", i));
  EXPECT_FALSE(parse_int("", i));
  EXPECT_TRUE(parse_double("1.5e3", d));
  EXPECT_DOUBLE_EQ(d, 1500);
  EXPECT_FALSE(parse_double("1.5q", d));
  std::vector<std::string_view> f;
  split_ws("  a\tb  c ", f);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[2], "c");
}

}  // namespace
}  // namespace tessera
