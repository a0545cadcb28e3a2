#include "tessera/problems/dataflow_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"
#include "tessera/cost/device_simulator.h"
#include "tessera/heuristics/classical_device_placers.h"
#include "tessera/problems/cluster.h"
#include "tessera/problems/training_graph.h"

namespace tessera::devices {
namespace {

DataflowGeneratorOptions family(const std::string& f, int max_ops = 4000) {
  DataflowGeneratorOptions o;
  o.family = f;
  o.max_ops = max_ops;
  return o;
}

TEST(DataflowGenerator, EveryFamilyGivesAValidDeterministicGraph) {
  for (const auto& f : dataflow_families()) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      DeviceGraph g = generate_dataflow_graph(family(f), seed);
      SCOPED_TRACE(g.name());
      EXPECT_TRUE(g.finalized());
      EXPECT_EQ(g.name(), f + "-" + std::to_string(seed));
      EXPECT_GE(g.num_ops(), 10);
      EXPECT_LE(g.num_ops(), 4000);
      EXPECT_GT(g.total_flops(), 0);
      EXPECT_GT(g.total_param_bytes(), 0);
      const int b = g.batch_size();
      EXPECT_TRUE(b == 16 || b == 32 || b == 64 || b == 128) << b;
      // Edges carry their producer's whole output, as the importer's do.
      for (const auto& e : g.edges()) EXPECT_DOUBLE_EQ(e.bytes, g.op(e.src).output_bytes);
      // Same seed, same graph; another seed, another graph.
      DeviceGraph again = generate_dataflow_graph(family(f), seed);
      ASSERT_EQ(again.num_ops(), g.num_ops());
      for (int v = 0; v < g.num_ops(); ++v) {
        EXPECT_EQ(again.op(v).type, g.op(v).type);
        EXPECT_DOUBLE_EQ(again.op(v).flops, g.op(v).flops);
      }
      // Expands to a training step like an imported model.
      DeviceGraph train = expand_training(g);
      EXPECT_TRUE(train.training());
      EXPECT_GT(train.num_ops(), g.num_ops());
    }
  }
  EXPECT_NE(generate_dataflow_graph(family("cnn"), 1).total_flops(),
            generate_dataflow_graph(family("cnn"), 2).total_flops());
}

TEST(DataflowGenerator, CostRulesMatchTheImporter) {
  int checked = 0;
  for (const char* f : {"towers", "transformer"})
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      DataflowGeneratorOptions o = family(f);
      o.batch = 32;
      DeviceGraph g = generate_dataflow_graph(o, seed);
      EXPECT_EQ(g.batch_size(), 32);
      for (int v = 0; v < g.num_ops(); ++v) {
        const Op& op = g.op(v);
        if (op.type == "Reshape" || op.type == "Flatten" || op.type == "Identity") {
          EXPECT_EQ(op.bytes_read, 0);
          EXPECT_EQ(op.bytes_written, 0);
        }
        if (op.type != "MatMul" || op.param_bytes == 0) continue;
        // A dense layer [rows, in] x [in, out]: 2 · rows · in · out FLOPs, in · out float weights.
        const double in_elems = g.edges()[*g.in_begin(v)].bytes / 4;
        const double out_elems = op.output_bytes / 4;
        const double weights = op.param_bytes / 4;
        // rows · in = in_elems and rows · out = out_elems, so rows² = in_elems · out_elems / (in · out).
        const double rows = std::sqrt(in_elems * out_elems / weights);
        EXPECT_NEAR(op.flops, 2 * rows * weights, 1e-9 * op.flops) << op.name;
        double act_in = 0;
        for (auto e = g.in_begin(v); e != g.in_end(v); ++e) act_in += g.edges()[*e].bytes;
        EXPECT_DOUBLE_EQ(op.bytes_read, act_in + op.param_bytes);
        EXPECT_DOUBLE_EQ(op.bytes_written, op.output_bytes);
        ++checked;
      }
    }
  EXPECT_GT(checked, 10);
}

TEST(DataflowGenerator, OpLimitIsKept) {
  for (const auto& f : dataflow_families()) {
    for (uint64_t seed = 1; seed <= 6; ++seed) EXPECT_LE(generate_dataflow_graph(family(f, 60), seed).num_ops(), 60) << f;
  }
}

TEST(DataflowGenerator, SplittingPaysOnSomeGraphsAndNotOnOthers) {
  // The point of the generator: a training set where the best classical placement is sometimes much
  // faster than one device. Over 8 towers and 8 transformer training graphs on 4 P100s, at least one
  // gains > 30 % and at least one gains < 5 %.
  Cluster c = cluster_preset("p100x4");
  PlacerRegistry r;
  add_classical_placers(r);
  PlaceOptions po;
  po.progress = false;
  double best_gain = 0, least_gain = 1;
  for (const char* f : {"towers", "transformer"})
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      DeviceGraph g = expand_training(generate_dataflow_graph(family(f, 400), seed));
      const double single = simulate(g, c, run_placer(*r.create("single"), g, c, po).device).score;
      double best = single;
      for (const char* m : {"m-topo", "m-etf", "m-sct"})
        best = std::min(best, simulate(g, c, run_placer(*r.create(m), g, c, po).device).score);
      best_gain = std::max(best_gain, 1 - best / single);
      least_gain = std::min(least_gain, 1 - best / single);
    }
  EXPECT_GT(best_gain, 0.3);
  EXPECT_LT(least_gain, 0.05);
}

TEST(DataflowGenerator, BadOptionsAreErrors) {
  EXPECT_THROW(generate_dataflow_graph(family("mlp"), 1), UsageError);
  DataflowGeneratorOptions o = family("cnn");
  o.batch = -1;
  EXPECT_THROW(generate_dataflow_graph(o, 1), UsageError);
  EXPECT_THROW(generate_dataflow_graph(family("cnn", 10), 1), UsageError);
}

}  // namespace
}  // namespace tessera::devices
