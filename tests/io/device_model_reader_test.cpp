#include "tessera/io/device_model_reader.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "../testing.h"

namespace tessera::devices {
namespace {

std::string onnx_path(const std::string& name) { return testing::shared_data("devplace/onnx/" + name + ".onnx"); }

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(OnnxReader, ResNet50CostsMatchTheArchitecture) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  DeviceGraph g = read_onnx_model(onnx_path("resnet50"));
  EXPECT_GT(g.num_ops(), 100);
  EXPECT_EQ(g.batch_size(), 1);
  // ResNet-50: 4.1 GMAC = ~8.2 GFLOP per image; 25.6 M parameters = ~102 MB fp32.
  EXPECT_GT(g.total_flops(), 7.5e9);
  EXPECT_LT(g.total_flops(), 9.0e9);
  EXPECT_GT(g.total_param_bytes(), 98e6);
  EXPECT_LT(g.total_param_bytes(), 106e6);
  ModelOptions o;
  o.batch = 8;
  DeviceGraph g8 = read_onnx_model(onnx_path("resnet50"), o);
  EXPECT_NEAR(g8.total_flops() / g.total_flops(), 8.0, 1e-6);
  EXPECT_DOUBLE_EQ(g8.total_param_bytes(), g.total_param_bytes());
}

TEST(OnnxReader, ReadsAllShippedModelsAndExpandsTraining) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  for (const char* name : {"vgg16", "inception_v3", "googlenet", "mobilenet_v2", "transformer", "wavenet", "gnmt2"}) {
    DeviceGraph g = read_onnx_model(onnx_path(name));
    EXPECT_GT(g.num_ops(), 40) << name;
    EXPECT_GT(g.total_flops(), 0) << name;
    ModelOptions o;
    o.training = true;
    DeviceGraph t = read_onnx_model(onnx_path(name), o);
    EXPECT_TRUE(t.training());
    EXPECT_GT(t.num_ops(), g.num_ops() * 3 / 2) << name;
    EXPECT_GT(t.total_flops(), 2 * g.total_flops()) << name;
  }
}

TEST(OnnxReader, RejectsTruncatedAndNonOnnxFiles) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  std::string bytes = read_file(onnx_path("resnet50"));
  const std::string cut = testing::write_temp("cut.onnx", bytes.substr(0, bytes.size() / 3));
  EXPECT_NE(message_of([&] { read_onnx_model(cut); }).find("cut.onnx"), std::string::npos);
  const std::string text = testing::write_temp("text.onnx", "this is not a protobuf at all\n");
  EXPECT_NE(message_of([&] { read_onnx_model(text); }).find("ONNX"), std::string::npos);
  const std::string empty = testing::write_temp("empty.onnx", "");
  EXPECT_THROW(read_onnx_model(empty), InputError);
  EXPECT_THROW(read_onnx_model("/nonexistent/model.onnx"), InputError);
}

// Small hand-built ONNX models for the structural error cases.
std::string save_model(const std::string& name, const onnx::ModelProto& m) {
  return testing::write_temp(name, m.SerializeAsString());
}

onnx::ModelProto relu_chain(bool with_value_info) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("chain");
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int d : {2, 8}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  auto* n1 = g->add_node();
  n1->set_op_type("Relu");
  n1->set_name("r1");
  n1->add_input("x");
  n1->add_output("y");
  auto* n2 = g->add_node();
  n2->set_op_type("Sigmoid");
  n2->set_name("s1");
  n2->add_input("y");
  n2->add_output("z");
  if (with_value_info) {
    for (const char* t : {"y", "z"}) {
      auto* vi = g->add_value_info();
      vi->set_name(t);
      *vi->mutable_type() = in->type();
    }
  }
  *g->add_output() = *g->mutable_input(0);
  g->mutable_output(0)->set_name("z");
  return m;
}

TEST(OnnxReader, ShapeInferenceFillsMissingValueInfo) {
  DeviceGraph g = read_onnx_model(save_model("noinfo.onnx", relu_chain(false)));
  ASSERT_EQ(g.num_ops(), 2);
  EXPECT_DOUBLE_EQ(g.op(0).output_bytes, 2 * 8 * 4);
  EXPECT_DOUBLE_EQ(g.op(1).flops, 4 * 16);  // transcendental: 4 FLOPs per element
}

TEST(OnnxReader, RejectsDanglingTensorsCyclesAndMissingShapes) {
  onnx::ModelProto m = relu_chain(true);
  m.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
  EXPECT_NE(message_of([&] { read_onnx_model(save_model("dangling.onnx", m)); }).find("dangling"), std::string::npos);

  m = relu_chain(true);
  // r1 reads z (produced by s1), s1 reads y: a cycle.
  m.mutable_graph()->mutable_node(0)->set_input(0, "z");
  EXPECT_NE(message_of([&] { read_onnx_model(save_model("cycle.onnx", m)); }).find("cycle"), std::string::npos);

  m = relu_chain(false);
  m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  auto* opset = m.add_opset_import();
  opset->set_domain("com.example");
  opset->set_version(1);
  m.mutable_graph()->mutable_node(1)->set_op_type("MysteryOp");
  m.mutable_graph()->mutable_node(1)->set_domain("com.example");
  const std::string msg = message_of([&] { read_onnx_model(save_model("noshape.onnx", m)); });
  EXPECT_NE(msg.find("no shape"), std::string::npos) << msg;
}

TEST(OnnxReader, UnknownOpGetsTheFallbackCost) {
  onnx::ModelProto m = relu_chain(true);
  m.mutable_graph()->mutable_node(1)->set_op_type("MysteryOp");
  m.mutable_graph()->mutable_node(1)->set_domain("com.example");
  DeviceGraph g = read_onnx_model(save_model("mystery.onnx", m));
  EXPECT_DOUBLE_EQ(g.op(1).flops, 16);  // one FLOP per output element
  EXPECT_DOUBLE_EQ(g.op(1).bytes_read, 64);
}

TEST(MsrReader, ReadsTrainingLayerGraphWithExpertSplit) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  DeviceGraph g = read_device_model(
      testing::shared_data("devplace/msr_dnn_partitioning/throughput-inputs/LayerGraphs/gnmt_training.json"));
  EXPECT_EQ(g.num_ops(), 192);
  EXPECT_EQ(g.num_edges(), 244);
  EXPECT_TRUE(g.training());
  double total = 0;
  for (const auto& o : g.ops()) total += o.profiled_time[0];
  EXPECT_NEAR(total, 0.5205, 0.001);  // 520.5 ms (SOURCES.md)
  ASSERT_EQ(g.expert_placements().size(), 1u);
  EXPECT_EQ(g.expert_placements()[0].num_devices, 6);
  for (int d : g.expert_placements()[0].device) EXPECT_TRUE(d >= 0 && d < 6);
  EXPECT_EQ(g.num_groups(), 96);
}

TEST(MsrReader, RejectsUnknownEdgeEndpoints) {
  const std::string p = testing::write_temp("bad_msr.json", R"({"nodes": [{"id": 1, "fpgaLatency": 1, "cpuLatency": 1}],
     "edges": [{"sourceId": 1, "destId": 9, "size": 4}]})");
  EXPECT_NE(message_of([&] { read_msr_model(p); }).find("destId"), std::string::npos);
  const std::string q = testing::write_temp("bad_msr2.json", R"({"nodes": [{"id": 1, "fpgaLatency": -1, "cpuLatency": 1}],
     "edges": []})");
  EXPECT_NE(message_of([&] { read_msr_model(q); }).find("fpgaLatency"), std::string::npos);
}

TEST(MsrReader, NamesAPaleoNetworkSpecInsteadOfMisreadingIt) {
  const std::string p = testing::write_temp("paleo.json", R"({"name": "tiny", "layers": {"data": {"parents": [],
     "type": "Input", "tensor": [1, 28, 28, 1]}}})");
  const std::string m = message_of([&] { read_device_model(p); });
  EXPECT_NE(m.find("paleo.json"), std::string::npos) << m;
  EXPECT_NE(m.find("Paleo/Exprimo network spec"), std::string::npos) << m;
}

TEST(PipeDreamReader, ReadsVgg16AndScalesBatch) {
  if (!testing::have_shared_data()) GTEST_SKIP();
  const std::string p = testing::shared_data("devplace/pipedream_profiles/image_classification/vgg16/graph.txt");
  DeviceGraph g = read_pipedream_model(p);
  EXPECT_EQ(g.num_ops(), 41);
  EXPECT_EQ(g.batch_size(), 128);
  double fwd = 0;
  for (const auto& o : g.ops()) fwd += o.profiled_time[0];
  // 251.9 ms in SOURCES.md includes the Input node's 18 ms of data loading, which is set to 0.
  EXPECT_NEAR(fwd, 0.2339, 0.001);
  ModelOptions o;
  o.training = true;
  o.batch = 64;
  DeviceGraph t = read_pipedream_model(p, o);
  double all = 0;
  for (const auto& op : t.ops())
    if (op.role != OpRole::kUpdate) all += op.profiled_time[0];
  EXPECT_NEAR(all, (0.2339 + 0.4386) / 2, 0.002);
}

TEST(PipeDreamReader, RejectsMalformedLines) {
  const std::string p = testing::write_temp("graph.txt",
                                            "node1 -- Input0 -- forward_compute_time=0.0, backward_compute_time=0.0, "
                                            "activation_size=4.0, parameter_size=0.0\n"
                                            "node2 -- Conv -- forward_compute_time=abc, backward_compute_time=0.0, "
                                            "activation_size=4.0, parameter_size=0.0\n");
  const std::string msg = message_of([&] { read_pipedream_model(p); });
  EXPECT_NE(msg.find("graph.txt:2"), std::string::npos) << msg;
  const std::string q = testing::write_temp("graph2.txt",
                                            "node1 -- Input0 -- forward_compute_time=0.0, backward_compute_time=0.0, "
                                            "activation_size=4.0, parameter_size=0.0\n\tnode1 -- node7\n");
  EXPECT_NE(message_of([&] { read_pipedream_model(q); }).find("node7"), std::string::npos);
}

}  // namespace
}  // namespace tessera::devices
