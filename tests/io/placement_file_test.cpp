#include "tessera/io/placement_file.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "../testing.h"

namespace tessera::devices {
namespace {

DeviceGraph two_ops() {
  DeviceGraph g("g");
  Op a;
  a.name = "a";
  Op b;
  b.name = "b";
  g.add_op(a);
  g.add_op(b);
  g.add_edge(0, 1, 8);
  g.finalize();
  return g;
}

TEST(PlacementFile, RoundTrip) {
  DeviceGraph g = two_ops();
  Cluster c = cluster_preset("p100x2");
  const std::string path = testing::scratch_dir() + "/p.json";
  write_placement_file(path, g, c, {1, 0}, "test");
  EXPECT_EQ(read_placement_file(path, g, c), (std::vector<int>{1, 0}));
}

TEST(PlacementFile, RejectsUnknownOpsDevicesAndMissingOps) {
  DeviceGraph g = two_ops();
  Cluster c = cluster_preset("p100x2");
  EXPECT_THROW(placement_from_json(Json::parse(R"({"placement": {"a": "gpu0", "zz": "gpu1"}})"), g, c, "p"), InputError);
  EXPECT_THROW(placement_from_json(Json::parse(R"({"placement": {"a": "gpu0", "b": "gpu7"}})"), g, c, "p"), InputError);
  EXPECT_THROW(placement_from_json(Json::parse(R"({"placement": {"a": "gpu0", "b": 5}})"), g, c, "p"), InputError);
  EXPECT_THROW(placement_from_json(Json::parse(R"({"placement": {"a": "gpu0"}})"), g, c, "p"), InputError);
  EXPECT_THROW(placement_from_json(Json::parse(R"({"nothing": 1})"), g, c, "p"), InputError);
  EXPECT_EQ(placement_from_json(Json::parse(R"({"placement": {"a": 1, "b": "gpu0"}})"), g, c, "p"),
            (std::vector<int>{1, 0}));
}

}  // namespace
}  // namespace tessera::devices
