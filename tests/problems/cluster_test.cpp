#include "tessera/problems/cluster.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "tessera/core/error.h"
#include "../testing.h"

namespace tessera::devices {
namespace {

TEST(Cluster, PcieTreeRoutesShareHostLinks) {
  Cluster c = cluster_preset("p100x4");
  ASSERT_EQ(c.num_devices(), 4);
  EXPECT_EQ(c.route(0, 1).size(), 2u);  // same switch: peer to peer
  EXPECT_EQ(c.route(0, 2).size(), 4u);  // across the host
  // gpu0->gpu2 and gpu1->gpu3 share the switch-0 host uplink.
  const auto& a = c.route(0, 2);
  const auto& b = c.route(1, 3);
  EXPECT_EQ(a[1], b[1]);
  EXPECT_NEAR(c.transfer_time(0, 1, 12e9), 1.0 + 20e-6, 1e-9);
  EXPECT_DOUBLE_EQ(c.transfer_time(2, 2, 1e9), 0.0);
  EXPECT_GT(c.device(0).memory, 16e9);
}

TEST(Cluster, PresetsValidateAndRoundTripThroughJson) {
  for (const auto& name : cluster_preset_names()) {
    Cluster c = cluster_preset(name);
    Cluster back = read_cluster_json(c.to_json(), name);
    ASSERT_EQ(back.num_devices(), c.num_devices());
    for (int a = 0; a < c.num_devices(); ++a)
      for (int b = 0; b < c.num_devices(); ++b)
        EXPECT_DOUBLE_EQ(back.transfer_time(a, b, 1e6), c.transfer_time(a, b, 1e6)) << name;
  }
  EXPECT_THROW(cluster_preset("tpu-pod"), UsageError);
}

Json topo_cluster() {
  return Json::parse(R"({"name": "mine", "devices": [
    {"name": "g0", "peak_flops": 1e13, "mem_bandwidth": 1e12, "memory": 1e10},
    {"name": "g1", "peak_flops": 1e13, "mem_bandwidth": 1e12, "memory": 1e10}],
    "topology": {"type": "all_to_all", "link_bandwidth": 1e11, "link_latency": 1e-6}})");
}

TEST(Cluster, ReadsTopologyJson) {
  Cluster c = read_cluster_json(topo_cluster(), "mine.json");
  EXPECT_EQ(c.num_devices(), 2);
  EXPECT_NEAR(c.transfer_time(0, 1, 1e11), 1.0 + 2e-6, 1e-12);
}

TEST(Cluster, RejectsZeroOrNegativeCapacityAndBandwidth) {
  Json j = topo_cluster();
  j["devices"][1]["memory"] = 0;
  try {
    read_cluster_json(j, "mine.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("devices[1].memory"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("mine.json"), std::string::npos);
  }
  j = topo_cluster();
  j["topology"]["link_bandwidth"] = -5;
  EXPECT_THROW(read_cluster_json(j, "x"), InputError);
  j = topo_cluster();
  j["devices"][0]["peak_flops"] = -1;
  EXPECT_THROW(read_cluster_json(j, "x"), InputError);
  j = topo_cluster();
  j["devices"][0].erase("mem_bandwidth");
  EXPECT_THROW(read_cluster_json(j, "x"), InputError);
  Json links = Json::parse(R"({"devices": [
    {"name": "a", "peak_flops": 1, "mem_bandwidth": 1, "memory": 1},
    {"name": "b", "peak_flops": 1, "mem_bandwidth": 1, "memory": 1}],
    "links": [{"name": "l", "bandwidth": 0}], "routes": [{"src": "a", "dst": "b", "links": ["l"]},
                                                        {"src": "b", "dst": "a", "links": ["l"]}]})");
  EXPECT_THROW(read_cluster_json(links, "x"), InputError);
  links["links"][0]["bandwidth"] = 1e9;
  EXPECT_NO_THROW(read_cluster_json(links, "x"));
  links["routes"].erase(1);
  EXPECT_THROW(read_cluster_json(links, "x"), InputError);  // no route b -> a
}

TEST(Cluster, ReadsExprimoDeviceGraphs) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  Cluster c = load_cluster(testing::shared_data("devplace/exprimo/device_graphs/colocrl-4.json"));
  EXPECT_EQ(c.num_devices(), 5);
  EXPECT_EQ(c.device(0).kind, DeviceKind::kCpu);
  EXPECT_DOUBLE_EQ(c.device(1).peak_flops, 5600e9);
  EXPECT_NEAR(c.route_bandwidth(1, 2), 128e9 / 8, 1);

  // colocrl-2.json lists device 2 as its own neighbour: the self-link is ignored, every pair still has a route.
  Cluster c2 = load_cluster(testing::shared_data("devplace/exprimo/device_graphs/colocrl-2.json"));
  ASSERT_EQ(c2.num_devices(), 3);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      if (a != b) EXPECT_GT(c2.route_bandwidth(a, b), 0) << a << " -> " << b;
}

TEST(Cluster, ExprimoNeighbourErrorsNameTheField) {
  const std::string head =
      R"({"comm_channels": [{"type": "pcie3", "bandwidth": 128}], "devices": [)"
      R"({"type": "gpu", "peak_gflops": 5600, "memory": 24, "mem_bandwidth": 480, "neighbours": [{"comm_channel": 0, "device": 1}]},)"
      R"({"type": "gpu", "peak_gflops": 5600, "memory": 24, "mem_bandwidth": 480, "neighbours": [)";
  const std::string ok = testing::write_temp("ok.json", head + R"({"comm_channel": 0, "device": 0}]}]})");
  EXPECT_EQ(read_exprimo_cluster(ok).num_devices(), 2);
  for (const auto& [name, neighbour, field] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"device.json", R"({"comm_channel": 0, "device": 5})", "devices[1].neighbours: device 5"},
           {"channel.json", R"({"comm_channel": 3, "device": 0})", "devices[1].neighbours: comm_channel 3"}}) {
    const std::string bad = testing::write_temp(name, head + neighbour + "]}]}");
    try {
      read_exprimo_cluster(bad);
      ADD_FAILURE() << name << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tessera::devices
