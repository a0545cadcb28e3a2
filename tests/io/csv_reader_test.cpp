#include "tessera/io/csv_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../testing.h"
#include "tessera/core/error.h"
#include "tessera/core/text_reader.h"

namespace tessera::cluster {
namespace {

// Expects an InputError whose message contains each of `parts`.
template <typename F>
void expect_input_error(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

TEST(CsvReader, ReadsHeaderFeaturesAndNamedLabels) {
  auto path = testing::write_temp("a.csv", "x,y,class\n1,2,cat\n3.5,-4,dog\n\n5,6e1,cat\n");
  CsvOptions o;
  o.label_column = "class";
  auto d = read_csv_dataset(path, o);
  ASSERT_EQ(d.size(), 3);
  ASSERT_EQ(d.dim(), 2);
  EXPECT_FLOAT_EQ(d.features()[1][0].item<float>(), 3.5f);
  EXPECT_FLOAT_EQ(d.features()[2][1].item<float>(), 60.0f);
  EXPECT_EQ(d.labels(), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(d.feature_names(), (std::vector<std::string>{"x", "y"}));
}

TEST(CsvReader, HeaderlessFileWithLastColumnLabels) {
  auto path = testing::write_temp("b.csv", "0,1,7\n2,3,9\n");
  CsvOptions o;
  o.label_column = "last";
  auto d = read_csv_dataset(path, o);
  EXPECT_EQ(d.size(), 2);
  EXPECT_EQ(d.dim(), 2);
  EXPECT_EQ(d.labels(), (std::vector<int64_t>{7, 9}));
}

TEST(CsvReader, NoLabelColumnKeepsAllFeatures) {
  auto d = read_csv_dataset(testing::write_temp("c.csv", "a,b,c\n1,2,3\n"));
  EXPECT_EQ(d.dim(), 3);
  EXPECT_FALSE(d.has_labels());
}

TEST(CsvReader, ReadsSharedDigitsGzip) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  CsvOptions o;
  o.label_column = "last";
  auto d = read_csv_dataset(testing::shared_data("cluster/digits.csv.gz"), o);
  EXPECT_EQ(d.size(), 1797);
  EXPECT_EQ(d.dim(), 64);
  EXPECT_EQ(d.num_classes(), 10);
}

TEST(CsvReader, RaggedRowNamesLine) {
  auto path = testing::write_temp("r.csv", "a,b\n1,2\n3\n");
  expect_input_error([&] { read_csv_dataset(path); }, {"r.csv:3", "ragged", "expected 2"});
}

TEST(CsvReader, NonNumericFieldNamesLineAndColumn) {
  auto path = testing::write_temp("n.csv", "a,b\n1,2\n3,abc\n");
  expect_input_error([&] { read_csv_dataset(path); }, {"n.csv:3", "'b'", "not a number"});
}

TEST(CsvReader, NanFeatureIsAnError) {
  auto path = testing::write_temp("nan.csv", "a,b\n1,nan\n");
  expect_input_error([&] { read_csv_dataset(path); }, {"nan.csv:2", "finite"});
  auto inf = testing::write_temp("inf.csv", "a,b\n1,2\ninf,1\n");
  expect_input_error([&] { read_csv_dataset(inf); }, {"inf.csv:3", "finite"});
}

TEST(CsvReader, EmptyFileAndHeaderOnly) {
  expect_input_error([&] { read_csv_dataset(testing::write_temp("e.csv", "")); }, {"empty"});
  expect_input_error([&] { read_csv_dataset(testing::write_temp("h.csv", "a,b\n")); }, {"no data rows"});
}

TEST(CsvReader, UnknownLabelColumn) {
  CsvOptions o;
  o.label_column = "nope";
  expect_input_error([&] { read_csv_dataset(testing::write_temp("l.csv", "a,b\n1,2\n"), o); }, {"nope"});
}

TEST(CsvReader, MissingFile) {
  EXPECT_THROW(read_csv_dataset("/nonexistent/file.csv"), InputError);
}

TEST(CsvReader, WriteLabelsOnePerLine) {
  auto dir = testing::scratch_dir();
  write_labels(dir + "/l.txt", {2, 0, 1});
  std::ifstream in(dir + "/l.txt");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "2\n0\n1\n");
}

}  // namespace
}  // namespace tessera::cluster
