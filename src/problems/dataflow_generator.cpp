#include "tessera/problems/dataflow_generator.h"

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"
#include "tessera/core/random.h"

namespace tessera::devices {
namespace {

constexpr double kFloat = 4;  // bytes per element (float32, as the importer assumes)

/// Adds ops with the importer's cost rules: bytes read = activations in + weights, written = output.
class GraphBuilder {
 public:
  GraphBuilder(std::string name, int max_ops) : g_(std::move(name)), max_ops_(max_ops) {}

  /// An op reading the outputs of `inputs` (edges carry each producer's output), producing
  /// `out_elems` elements, holding `param_elems` weights.
  int op(const std::string& type, double flops, double out_elems, const std::vector<int>& inputs,
         double param_elems = 0, int layer = -1, bool view = false) {
    Op o;
    o.name = type + "_" + std::to_string(g_.num_ops());
    o.type = type;
    double act_in = 0;
    for (int u : inputs) act_in += g_.op(u).output_bytes;
    o.flops = flops;
    o.output_bytes = out_elems * kFloat;
    o.param_bytes = param_elems * kFloat;
    o.bytes_read = view ? 0 : act_in + o.param_bytes;
    o.bytes_written = view ? 0 : o.output_bytes;
    o.layer = layer;
    const int id = g_.add_op(std::move(o));
    for (int u : inputs) g_.add_edge(u, id, g_.op(u).output_bytes);
    return id;
  }
  /// The output head: a projection ("MatMul", or "Gemm" with a bias) of `rows` rows of `width` features
  /// to `classes`, then Softmax.
  void softmax_head(const std::string& type, int x, double rows, double width, double classes, int layer) {
    const double bias = type == "Gemm" ? 1 : 0;
    const int v = op(type, 2 * rows * width * classes + bias * rows * classes, rows * classes, {x},
                     (width + bias) * classes, layer);
    op("Softmax", 5 * rows * classes, rows * classes, {v}, 0, layer);
  }
  int num_ops() const { return g_.num_ops(); }
  /// True when `more` ops still fit under the limit (with room for a head of a few ops).
  bool room_for(int more) const { return g_.num_ops() + more + 8 <= max_ops_; }
  DeviceGraph finish(int batch) {
    g_.set_batch_size(batch);
    g_.finalize(g_.name());
    return std::move(g_);
  }

 private:
  DeviceGraph g_;
  int max_ops_;
};

template <typename T>
T pick(Rng& rng, std::initializer_list<T> values) {
  return *(values.begin() + uniform_int(rng, static_cast<int64_t>(values.size())));
}
int between(Rng& rng, int lo, int hi) { return lo + static_cast<int>(uniform_int(rng, hi - lo + 1)); }

// ---- cnn: Inception / NASNet-like cells of parallel branches ----
struct Feature {
  int op;
  double c, h;  // channels, spatial side
};

DeviceGraph generate_cnn(const DataflowGeneratorOptions& o, Rng& rng, const std::string& name) {
  const double batch = o.batch;
  GraphBuilder b(name, o.max_ops);
  const bool bn = uniform01(rng) < 0.7;
  auto conv = [&](Feature x, double cout, int k, int stride, int layer) {
    const double h = std::ceil(x.h / stride);
    const double out = batch * cout * h * h;
    int v = b.op("Conv", 2 * out * x.c * k * k + out, out, {x.op}, cout * x.c * k * k + cout, layer);
    if (bn) v = b.op("BatchNormalization", 4 * out, out, {v}, 4 * cout, layer);
    v = b.op("Relu", out, out, {v}, 0, layer);
    return Feature{v, cout, h};
  };
  const double side = pick(rng, {32.0, 64.0, 112.0, 149.0, 224.0});
  const double c = pick(rng, {32.0, 64.0, 128.0});
  const int input = b.op("Identity", 0, batch * 3 * side * side, {}, 0, 0, true);
  Feature x = conv({input, 3, side}, c, 3, side >= 112 ? 2 : 1, 0);
  if (side >= 112) {
    const double h = std::ceil(x.h / 2);
    x = {b.op("MaxPool", batch * c * h * h * 9, batch * c * h * h, {x.op}, 0, 0), c, h};
  }
  const int cells = between(rng, 4, 14);
  const int reduce_every = between(rng, 2, 5);
  const double growth = pick(rng, {1.0, 1.5, 2.0});
  Feature prev = x;
  for (int cell = 1; cell <= cells; ++cell) {
    const int branches = between(rng, 2, 5);
    const int max_depth = between(rng, 1, 3);
    if (!b.room_for(branches * max_depth * 3 + 2)) break;
    const bool reduce = cell % reduce_every == 0 && x.h > 4;
    const int stride = reduce ? 2 : 1;
    const double width = reduce ? std::min(2048.0, x.c * growth) : x.c;
    // Branch widths split the cell's output width (so that Concat keeps it), in random shares.
    std::vector<double> share(branches);
    double share_sum = 0;
    for (double& w : share) share_sum += (w = 0.5 + uniform01(rng));
    std::vector<int> outs;
    double cout_total = 0, h_out = std::ceil(x.h / stride);
    for (int br = 0; br < branches; ++br) {
      // Inputs: mostly the previous cell; NASNet cells also read the one before (when same size).
      Feature in = (br % 2 == 1 && prev.h == x.h && prev.op != x.op) ? prev : x;
      const double bw = std::max(8.0, std::round(width * share[br] / share_sum / 8) * 8);
      Feature f = in;
      if (br == branches - 1 && uniform01(rng) < 0.4) {  // pooling branch, then a 1x1 projection
        const double out = batch * in.c * h_out * h_out;
        const std::string type = uniform01(rng) < 0.5 ? "MaxPool" : "AveragePool";
        f = {b.op(type, out * 9, out, {in.op}, 0, cell), in.c, h_out};
        f = conv(f, bw, 1, 1, cell);
      } else {
        const int depth = between(rng, 1, max_depth);
        for (int d = 0; d < depth; ++d) {
          const int k = d == 0 ? pick(rng, {1, 1, 3}) : pick(rng, {3, 3, 5, 7});
          f = conv(f, bw, k, d == 0 ? stride : 1, cell);
        }
      }
      outs.push_back(f.op);
      cout_total += f.c;
    }
    const double out = batch * cout_total * h_out * h_out;
    const int cat = b.op("Concat", 0, out, outs, 0, cell);
    prev = x;
    x = {cat, cout_total, h_out};
  }
  const double gap = batch * x.c;
  int v = b.op("GlobalAveragePool", batch * x.c * x.h * x.h, gap, {x.op}, 0, cells + 1);
  v = b.op("Flatten", 0, gap, {v}, 0, cells + 1, true);
  const double classes = pick(rng, {10.0, 100.0, 1000.0});
  b.softmax_head("Gemm", v, batch, x.c, classes, cells + 1);
  return b.finish(o.batch);
}

// ---- transformer: encoder (+ decoder) layers ----
DeviceGraph generate_transformer(const DataflowGeneratorOptions& o, Rng& rng, const std::string& name) {
  const double batch = o.batch;
  GraphBuilder b(name, o.max_ops);
  const double seq = pick(rng, {32.0, 64.0, 128.0, 256.0});
  const double d = pick(rng, {256.0, 512.0, 768.0, 1024.0});
  const double ff = d * pick(rng, {2.0, 4.0});
  const double heads = d / 64;
  const double vocab = pick(rng, {8000.0, 16000.0, 32000.0});
  const double tok = batch * seq;
  const int per_layer = 20;
  auto matmul = [&](int x, double in, double out, int layer) {
    return b.op("MatMul", 2 * tok * in * out, tok * out, {x}, in * out, layer);
  };
  auto attention = [&](int q_in, int kv_in, int layer) {
    const int q = matmul(q_in, d, d, layer);
    const int k = matmul(kv_in, d, d, layer);
    const int v = matmul(kv_in, d, d, layer);
    const int kt = b.op("Transpose", 0, tok * d, {k}, 0, layer);
    const double scores = batch * heads * seq * seq;
    int s = b.op("MatMul", 2 * scores * 64, scores, {q, kt}, 0, layer);
    s = b.op("Div", scores, scores, {s}, 0, layer);
    s = b.op("Softmax", 5 * scores, scores, {s}, 0, layer);
    int a = b.op("MatMul", 2 * scores * 64, tok * d, {s, v}, 0, layer);
    a = b.op("Reshape", 0, tok * d, {a}, 0, layer, true);
    return matmul(a, d, d, layer);
  };
  auto add_norm = [&](int x, int y, int layer) {
    const int s = b.op("Add", tok * d, tok * d, {x, y}, 0, layer);
    return b.op("LayerNormalization", 8 * tok * d, tok * d, {s}, 2 * d, layer);
  };
  auto feed_forward = [&](int x, int layer) {
    int h = matmul(x, d, ff, layer);
    h = b.op("Relu", tok * ff, tok * ff, {h}, 0, layer);
    return matmul(h, ff, d, layer);
  };
  const int ids = b.op("Identity", 0, tok / 2, {}, 0, 0, true);  // int32 token ids
  int x = b.op("Gather", 0, tok * d, {ids}, vocab * d, 0);
  const int enc_layers = between(rng, 2, 12);
  int layer = 1;
  for (int l = 0; l < enc_layers && b.room_for(per_layer); ++l, ++layer) {
    const int a = attention(x, x, layer);
    x = add_norm(x, a, layer);
    x = add_norm(x, feed_forward(x, layer), layer);
  }
  int y = x;
  if (uniform01(rng) < 0.5) {  // decoder with cross attention
    const int dec_ids = b.op("Identity", 0, tok / 2, {}, 0, layer, true);
    y = b.op("Gather", 0, tok * d, {dec_ids}, vocab * d, layer);
    const int dec_layers = between(rng, 2, 8);
    for (int l = 0; l < dec_layers && b.room_for(2 * per_layer); ++l, ++layer) {
      y = add_norm(y, attention(y, y, layer), layer);
      y = add_norm(y, attention(y, x, layer), layer);
      y = add_norm(y, feed_forward(y, layer), layer);
    }
  }
  b.softmax_head("MatMul", y, tok, d, vocab, layer);
  return b.finish(o.batch);
}

// ---- rnn: GNMT-style LSTM encoder/decoder ----
DeviceGraph generate_rnn(const DataflowGeneratorOptions& o, Rng& rng, const std::string& name) {
  const double batch = o.batch;
  GraphBuilder b(name, o.max_ops);
  const double steps = pick(rng, {20.0, 30.0, 50.0, 80.0});
  const double hidden = pick(rng, {256.0, 512.0, 1024.0});
  const double vocab = pick(rng, {8000.0, 16000.0, 32000.0});
  const double tok = batch * steps;
  // The importer's LSTM rule: 2·steps·dirs·4H·(in + H) + 10·steps·dirs·H FLOPs, weights dirs·4H·(in + H + 2).
  auto lstm = [&](int x, double in, int dirs, int layer) {
    const double flops = 2 * tok * dirs * 4 * hidden * (in + hidden) + 10 * tok * dirs * hidden;
    return b.op("LSTM", flops, tok * dirs * hidden, {x}, dirs * 4 * hidden * (in + hidden + 2), layer);
  };
  auto stack = [&](int x, int layers, bool bidirectional_first, int& layer) {
    double in = hidden;
    for (int l = 0; l < layers && b.room_for(4); ++l, ++layer) {
      const int dirs = l == 0 && bidirectional_first ? 2 : 1;
      int h = lstm(x, in, dirs, layer);
      if (dirs == 2) h = b.op("Reshape", 0, tok * 2 * hidden, {h}, 0, layer, true);
      in = dirs * hidden;
      if (l >= 2) h = b.op("Add", tok * hidden, tok * hidden, {x, h}, 0, layer);  // residual
      x = h;
    }
    return x;
  };
  int layer = 0;
  const int src_ids = b.op("Identity", 0, tok / 2, {}, 0, layer, true);
  int x = b.op("Gather", 0, tok * hidden, {src_ids}, vocab * hidden, layer);
  const int layers = between(rng, 2, 8);
  const int enc = stack(x, layers, uniform01(rng) < 0.5, layer);
  const int tgt_ids = b.op("Identity", 0, tok / 2, {}, 0, layer, true);
  int y = b.op("Gather", 0, tok * hidden, {tgt_ids}, vocab * hidden, layer);
  y = stack(y, 1, false, layer);
  // Attention of the first decoder layer over the encoder states.
  const double scores = batch * steps * steps;
  int s = b.op("MatMul", 2 * scores * hidden, scores, {y, enc}, 0, layer);
  s = b.op("Softmax", 5 * scores, scores, {s}, 0, layer);
  const int ctx = b.op("MatMul", 2 * scores * hidden, tok * hidden, {s, enc}, 0, layer);
  y = b.op("Concat", 0, tok * 2 * hidden, {y, ctx}, 0, layer);
  y = b.op("MatMul", 2 * tok * 2 * hidden * hidden, tok * hidden, {y}, 2 * hidden * hidden, layer);
  y = stack(y, layers - 1, false, ++layer);
  b.softmax_head("MatMul", y, tok, hidden, vocab, layer);
  return b.finish(o.batch);
}

// ---- towers: independent stacks joined at the end ----
DeviceGraph generate_towers(const DataflowGeneratorOptions& o, Rng& rng, const std::string& name) {
  const double batch = o.batch;
  GraphBuilder b(name, o.max_ops);
  const int towers = between(rng, 2, 6);
  const bool convolutional = uniform01(rng) < 0.5;
  const double in_features = pick(rng, {256.0, 1024.0, 4096.0});
  const int input = b.op("Identity", 0, batch * in_features, {}, 0, 0, true);
  std::vector<int> outs;
  double joined = 0;
  for (int t = 0; t < towers; ++t) {
    const int depth = between(rng, 3, 12);
    if (!b.room_for(3 * depth)) break;
    int x = input;
    if (convolutional) {
      double c = pick(rng, {32.0, 64.0, 128.0});
      const double side = pick(rng, {16.0, 32.0});
      const double elems = batch * c * side * side;
      x = b.op("Reshape", 0, batch * in_features, {x}, 0, t, true);
      x = b.op("Conv", 2 * elems * 9 * std::max(1.0, in_features / (side * side)), elems, {x},
               c * 9 * std::max(1.0, in_features / (side * side)), t);
      for (int l = 1; l < depth; ++l) {
        const int v = b.op("Conv", 2 * elems * c * 9 + elems, elems, {x}, c * c * 9 + c, t);
        x = b.op("Relu", elems, elems, {v}, 0, t);
      }
      x = b.op("GlobalAveragePool", elems, batch * c, {x}, 0, t);
      joined += c;
    } else {
      double width = pick(rng, {512.0, 1024.0, 2048.0, 4096.0});
      double in = in_features;
      for (int l = 0; l < depth; ++l) {
        const int v = b.op("MatMul", 2 * batch * in * width, batch * width, {x}, in * width, t);
        x = b.op("Relu", batch * width, batch * width, {v}, 0, t);
        in = width;
      }
      joined += width;
    }
    outs.push_back(x);
  }
  const int cat = b.op("Concat", 0, batch * joined, outs, 0, towers);
  const double classes = pick(rng, {10.0, 1000.0});
  b.softmax_head("Gemm", cat, batch, joined, classes, towers);
  return b.finish(o.batch);
}

}  // namespace

const std::vector<std::string>& dataflow_families() {
  static const std::vector<std::string> families = {"cnn", "transformer", "rnn", "towers"};
  return families;
}

void DataflowGeneratorOptions::validate() const {
  const auto& f = dataflow_families();
  if (std::find(f.begin(), f.end(), family) == f.end())
    throw UsageError("dataflow generator: unknown family '" + family + "' (expected cnn, transformer, rnn or towers)");
  if (batch < 0) throw UsageError("dataflow generator: batch must be >= 0 (0 = drawn), got " + std::to_string(batch));
  if (max_ops < 50) throw UsageError("dataflow generator: max_ops must be >= 50, got " + std::to_string(max_ops));
}

DeviceGraph generate_dataflow_graph(const DataflowGeneratorOptions& options, uint64_t seed) {
  options.validate();
  Rng rng(derive_seed(seed, 0xDA7AF10));
  DataflowGeneratorOptions o = options;
  if (o.batch == 0) o.batch = pick(rng, {16, 32, 64, 128});
  const std::string name = o.family + "-" + std::to_string(seed);
  if (o.family == "cnn") return generate_cnn(o, rng, name);
  if (o.family == "transformer") return generate_transformer(o, rng, name);
  if (o.family == "rnn") return generate_rnn(o, rng, name);
  return generate_towers(o, rng, name);
}

}  // namespace tessera::devices
