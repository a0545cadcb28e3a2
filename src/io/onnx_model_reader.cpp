// ONNX -> DeviceGraph: per-op FLOPs and bytes from op type and tensor shapes.
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <unordered_map>

#include "tessera/core/error.h"
#include "tessera/core/log.h"
#include "tessera/io/device_model_reader.h"

namespace tessera::devices {

namespace {

struct TensorInfo {
  std::vector<int64_t> dims;
  int elem_size = 4;
  bool known = false;
  double numel() const {
    double n = 1;
    for (int64_t d : dims) n *= static_cast<double>(std::max<int64_t>(d, 0));
    return n;
  }
  double bytes() const { return numel() * elem_size; }
};

int elem_size_of(int type) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::FLOAT: case T::INT32: case T::UINT32: return 4;
    case T::DOUBLE: case T::INT64: case T::UINT64: case T::COMPLEX64: return 8;
    case T::FLOAT16: case T::BFLOAT16: case T::INT16: case T::UINT16: return 2;
    case T::INT8: case T::UINT8: case T::BOOL: return 1;
    case T::COMPLEX128: return 16;
    default: return 4;
  }
}

onnx::ModelProto load_proto(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, "cannot open the ONNX file");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes))
    throw InputError(path, 0, "not a valid ONNX model (protobuf ModelProto parse failed: truncated or not ONNX)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw InputError(path, 0, "ONNX model has no graph nodes (expected a ModelProto with graph.node)");
  return model;
}

bool shape_from_type(const onnx::TypeProto& type, TensorInfo& info, bool& symbolic) {
  if (!type.has_tensor_type()) return false;
  const auto& tt = type.tensor_type();
  if (!tt.has_shape()) return false;
  info.elem_size = elem_size_of(tt.elem_type());
  info.dims.clear();
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value()) {
      info.dims.push_back(d.dim_value());
    } else {
      symbolic = true;
      info.dims.push_back(1);  // symbolic dimension (e.g. batch): taken as 1
    }
  }
  info.known = true;
  return true;
}

int64_t attr_int(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.i();
  return fallback;
}
std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  return {};
}

/// "/encoder/layers.3/self_attn/MatMul" -> "encoder/layers.3"; "/enc.0/Gemm" -> "enc.0"; "" if none.
std::string layer_key(const std::string& name) {
  size_t pos = 0;
  while (pos < name.size()) {
    size_t dot = name.find('.', pos);
    if (dot == std::string::npos) break;
    size_t k = dot + 1;
    while (k < name.size() && std::isdigit(static_cast<unsigned char>(name[k]))) ++k;
    if (k > dot + 1 && (k == name.size() || name[k] == '/' || name[k] == '.')) return name.substr(0, k);
    pos = dot + 1;
  }
  return "";
}

const std::set<std::string> kViews = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Shape",
                                      "Size"};
const std::set<std::string> kCopies = {"Transpose", "Concat", "Split", "Slice", "Gather", "Pad", "Expand", "Tile",
                                       "Cast", "Constant", "ConstantOfShape", "Range", "ScatterND", "GatherElements",
                                       "Where", "DepthToSpace", "SpaceToDepth", "NonZero", "Trilu"};
const std::set<std::string> kCheapElementwise = {"Relu", "LeakyRelu", "Clip", "Add", "Sub", "Mul", "Div", "Neg",
                                                 "Abs", "Max", "Min", "Sum", "Mean", "Equal", "Less", "Greater",
                                                 "LessOrEqual", "GreaterOrEqual", "And", "Or", "Not", "Xor",
                                                 "PRelu", "Floor", "Ceil", "Round", "Sign", "Mod", "HardSigmoid",
                                                 "HardSwish", "ThresholdedRelu", "Reciprocal", "BitShift"};
const std::set<std::string> kTranscendental = {"Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Pow", "Erf", "Elu",
                                               "Selu", "Softplus", "Softsign", "Gelu", "Sin", "Cos", "Celu",
                                               "Mish"};
const std::set<std::string> kReductions = {"GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum",
                                           "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceL1",
                                           "ReduceSumSquare", "ReduceLogSumExp", "ArgMax", "ArgMin", "TopK",
                                           "CumSum", "GlobalLpPool"};


// ---- fallback shape propagation --------------------------------------------------------------
// ONNX 1.12's inference stops at shapes computed at run time (Shape -> Gather -> Div -> Concat ->
// Reshape, as torch exports attention). This pass tracks the values of small integer tensors and
// applies the shape rules of the common ops, filling what inference left unknown.
using Values = std::unordered_map<std::string, std::vector<int64_t>>;

bool tensor_values(const onnx::TensorProto& t, std::vector<int64_t>& out) {
  out.clear();
  if (t.data_type() == onnx::TensorProto::INT64) {
    if (t.int64_data_size() > 0) out.assign(t.int64_data().begin(), t.int64_data().end());
    else if (t.has_raw_data()) {
      const std::string& r = t.raw_data();
      out.resize(r.size() / 8);
      std::memcpy(out.data(), r.data(), out.size() * 8);
    }
    return true;
  }
  if (t.data_type() == onnx::TensorProto::INT32) {
    if (t.int32_data_size() > 0) out.assign(t.int32_data().begin(), t.int32_data().end());
    else if (t.has_raw_data()) {
      const std::string& r = t.raw_data();
      std::vector<int32_t> v(r.size() / 4);
      std::memcpy(v.data(), r.data(), v.size() * 4);
      out.assign(v.begin(), v.end());
    }
    return true;
  }
  return false;
}

std::vector<int64_t> broadcast(std::vector<int64_t> a, std::vector<int64_t> b) {
  if (a.size() < b.size()) std::swap(a, b);
  const size_t off = a.size() - b.size();
  for (size_t i = 0; i < b.size(); ++i) a[off + i] = std::max(a[off + i], b[i]);
  return a;
}

int64_t norm_axis(int64_t axis, size_t rank) { return axis < 0 ? axis + static_cast<int64_t>(rank) : axis; }

void propagate_shapes(const onnx::GraphProto& g, std::unordered_map<std::string, TensorInfo>& info) {
  Values val;
  auto known = [&](const std::string& n) { return !n.empty() && info.count(n) && info[n].known; };
  auto set = [&](const std::string& n, std::vector<int64_t> dims, int elem_size) {
    TensorInfo t;
    t.dims = std::move(dims);
    t.elem_size = elem_size;
    t.known = true;
    info[n] = t;
  };
  auto getv = [&](const onnx::NodeProto& n, int i, std::vector<int64_t>& out) {
    if (i >= n.input_size() || !val.count(n.input(i))) return false;
    out = val[n.input(i)];
    return true;
  };
  for (int pass = 0; pass < 3; ++pass) {
    bool progress = false;
    for (const auto& n : g.node()) {
      const std::string& t = n.op_type();
      if (t == "Constant") {
        for (const auto& a : n.attribute())
          if (a.name() == "value" && a.has_t()) {
            std::vector<int64_t> v;
            if (tensor_values(a.t(), v)) val[n.output(0)] = v;
            if (!known(n.output(0))) set(n.output(0), {a.t().dims().begin(), a.t().dims().end()}, elem_size_of(a.t().data_type()));
          }
        continue;
      }
      if (n.output_size() == 0) continue;
      const std::string& out = n.output(0);
      const bool have_in0 = n.input_size() > 0 && known(n.input(0));
      const std::vector<int64_t> in0 = have_in0 ? info[n.input(0)].dims : std::vector<int64_t>{};
      const int es0 = have_in0 ? info[n.input(0)].elem_size : 4;
      std::vector<int64_t> a, b, c;
      // Values of integer shape arithmetic.
      if (!val.count(out)) {
        if (t == "Shape" && have_in0) val[out] = in0;
        else if (t == "Cast" || t == "Identity") { if (getv(n, 0, a)) val[out] = a; }
        else if ((t == "Unsqueeze" || t == "Squeeze") && getv(n, 0, a)) val[out] = a;
        else if (t == "Gather" && getv(n, 0, a) && getv(n, 1, b)) {
          std::vector<int64_t> r;
          for (int64_t i : b) r.push_back(a[norm_axis(i, a.size())]);
          val[out] = r;
        } else if (t == "Concat") {
          std::vector<int64_t> r;
          bool ok = true;
          for (int i = 0; i < n.input_size() && ok; ++i) {
            ok = getv(n, i, a);
            r.insert(r.end(), a.begin(), a.end());
          }
          if (ok) val[out] = r;
        } else if ((t == "Add" || t == "Sub" || t == "Mul" || t == "Div") && getv(n, 0, a) && getv(n, 1, b) &&
                   !a.empty() && !b.empty()) {
          const size_t m = std::max(a.size(), b.size());
          std::vector<int64_t> r(m);
          for (size_t i = 0; i < m; ++i) {
            int64_t x = a[a.size() == 1 ? 0 : i], y = b[b.size() == 1 ? 0 : i];
            r[i] = t == "Add" ? x + y : t == "Sub" ? x - y : t == "Mul" ? x * y : (y != 0 ? x / y : 0);
          }
          val[out] = r;
        } else if (t == "Slice" && getv(n, 0, a) && getv(n, 1, b) && getv(n, 2, c)) {
          int64_t st = norm_axis(b[0], a.size()), en = c[0] < 0 ? c[0] + static_cast<int64_t>(a.size()) : std::min<int64_t>(c[0], a.size());
          std::vector<int64_t> r;
          for (int64_t i = std::max<int64_t>(st, 0); i < en; ++i) r.push_back(a[i]);
          val[out] = r;
        }
      }
      if (known(out)) continue;
      // Shapes.
      bool done = true;
      static const std::set<std::string> kSame = {"Relu", "Sigmoid", "Tanh", "Erf", "Sqrt", "Softmax", "LogSoftmax",
                                                  "Dropout", "Identity", "LayerNormalization", "Cast", "Neg", "Exp",
                                                  "Log", "Abs", "Clip", "LeakyRelu", "Gelu", "BatchNormalization",
                                                  "Reciprocal", "Not", "Softplus", "HardSigmoid", "InstanceNormalization"};
      static const std::set<std::string> kBinary = {"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater",
                                                    "And", "Or", "Max", "Min", "Mod", "PRelu"};
      if (kSame.count(t) && have_in0) set(out, in0, t == "Cast" ? 4 : es0);
      else if (kBinary.count(t) && have_in0 && known(n.input(1)))
        set(out, broadcast(in0, info[n.input(1)].dims), t == "Equal" || t == "Less" || t == "Greater" ? 1 : es0);
      else if (t == "Where" && known(n.input(0)) && known(n.input(1)) && known(n.input(2)))
        set(out, broadcast(broadcast(in0, info[n.input(1)].dims), info[n.input(2)].dims), info[n.input(1)].elem_size);
      else if (t == "Shape" && have_in0) set(out, {static_cast<int64_t>(in0.size())}, 8);
      else if (t == "Transpose" && have_in0) {
        auto perm = attr_ints(n, "perm");
        std::vector<int64_t> r(in0.size());
        for (size_t i = 0; i < r.size(); ++i) r[i] = in0[perm.empty() ? r.size() - 1 - i : perm[i]];
        set(out, r, es0);
      } else if (t == "Reshape" && have_in0 && getv(n, 1, a)) {
        double total = 1;
        for (int64_t x : in0) total *= x;
        double prod = 1;
        int neg = -1;
        for (size_t i = 0; i < a.size(); ++i) {
          if (a[i] == 0 && i < in0.size()) a[i] = in0[i];
          if (a[i] == -1) neg = static_cast<int>(i);
          else prod *= a[i];
        }
        if (neg >= 0) a[neg] = prod > 0 ? static_cast<int64_t>(total / prod) : 0;
        set(out, a, es0);
      } else if ((t == "Unsqueeze" || t == "Squeeze") && have_in0) {
        std::vector<int64_t> axes = attr_ints(n, "axes");
        if (axes.empty()) getv(n, 1, axes);
        std::vector<int64_t> r = in0;
        if (t == "Unsqueeze") {
          const size_t rank = in0.size() + axes.size();
          for (auto& x : axes) x = norm_axis(x, rank);
          std::sort(axes.begin(), axes.end());
          for (int64_t x : axes) r.insert(r.begin() + std::min<int64_t>(x, r.size()), 1);
        } else {
          std::vector<int64_t> q;
          for (size_t i = 0; i < in0.size(); ++i) {
            bool drop = axes.empty() ? in0[i] == 1 : false;
            for (int64_t x : axes) drop |= norm_axis(x, in0.size()) == static_cast<int64_t>(i);
            if (!drop) q.push_back(in0[i]);
          }
          r = q;
        }
        set(out, r, es0);
      } else if (t == "Concat") {
        bool ok = true;
        std::vector<int64_t> r;
        int64_t axis = 0;
        for (int i = 0; i < n.input_size() && ok; ++i) {
          ok = known(n.input(i));
          if (!ok) break;
          const auto& d = info[n.input(i)].dims;
          if (i == 0) {
            r = d;
            axis = norm_axis(attr_int(n, "axis", 0), d.size());
          } else if (axis < static_cast<int64_t>(d.size())) {
            r[axis] += d[axis];
          }
        }
        if (ok) set(out, r, es0);
        else done = false;
      } else if (t == "Gather" && have_in0 && known(n.input(1))) {
        const int64_t axis = norm_axis(attr_int(n, "axis", 0), in0.size());
        std::vector<int64_t> r(in0.begin(), in0.begin() + axis);
        for (int64_t x : info[n.input(1)].dims) r.push_back(x);
        r.insert(r.end(), in0.begin() + axis + 1, in0.end());
        set(out, r, es0);
      } else if (t == "Slice" && have_in0 && getv(n, 1, a) && getv(n, 2, b)) {
        std::vector<int64_t> axes, steps;
        if (!getv(n, 3, axes)) for (size_t i = 0; i < a.size(); ++i) axes.push_back(i);
        if (!getv(n, 4, steps)) steps.assign(a.size(), 1);
        std::vector<int64_t> r = in0;
        for (size_t i = 0; i < a.size() && i < axes.size(); ++i) {
          const int64_t ax = norm_axis(axes[i], in0.size());
          const int64_t dim = in0[ax];
          auto clampi = [&](int64_t x) { return std::clamp<int64_t>(x < 0 ? x + dim : x, 0, dim); };
          const int64_t st = clampi(a[i]), en = clampi(b[i]), step = steps[i] == 0 ? 1 : steps[i];
          r[ax] = step > 0 ? std::max<int64_t>(0, (en - st + step - 1) / step) : std::max<int64_t>(0, (st - en - step - 1) / -step);
        }
        set(out, r, es0);
      } else if (t == "Gemm" && have_in0 && known(n.input(1))) {
        const auto& bd = info[n.input(1)].dims;
        if (in0.size() == 2 && bd.size() == 2)
          set(out, {attr_int(n, "transA", 0) ? in0[1] : in0[0], attr_int(n, "transB", 0) ? bd[0] : bd[1]}, es0);
        else done = false;
      } else if (t == "MatMul" && have_in0 && known(n.input(1))) {
        std::vector<int64_t> x = in0, y = info[n.input(1)].dims;
        if (x.size() == 1) x.insert(x.begin(), 1);
        if (y.size() == 1) y.push_back(1);
        std::vector<int64_t> bx(x.begin(), x.end() - 2), by(y.begin(), y.end() - 2);
        std::vector<int64_t> r = broadcast(bx, by);
        r.push_back(x[x.size() - 2]);
        r.push_back(y.back());
        set(out, r, es0);
      } else if (t == "Expand" && have_in0 && getv(n, 1, a)) {
        set(out, broadcast(in0, a), es0);
      } else if (t == "ConstantOfShape" && getv(n, 0, a)) {
        set(out, a, 4);
      } else if (t == "Split" && have_in0) {
        const int64_t axis = norm_axis(attr_int(n, "axis", 0), in0.size());
        std::vector<int64_t> parts = attr_ints(n, "split");
        if (parts.empty()) getv(n, 1, parts);
        for (int k = 0; k < n.output_size(); ++k) {
          std::vector<int64_t> r = in0;
          r[axis] = parts.empty() ? in0[axis] / n.output_size() : parts[k];
          set(n.output(k), r, es0);
        }
      } else if ((t == "ReduceMean" || t == "ReduceSum" || t == "ReduceMax") && have_in0) {
        std::vector<int64_t> axes = attr_ints(n, "axes");
        if (axes.empty()) getv(n, 1, axes);
        const bool keep = attr_int(n, "keepdims", 1) != 0;
        std::vector<int64_t> r;
        for (size_t i = 0; i < in0.size(); ++i) {
          bool red = axes.empty();
          for (int64_t x : axes) red |= norm_axis(x, in0.size()) == static_cast<int64_t>(i);
          if (!red) r.push_back(in0[i]);
          else if (keep) r.push_back(1);
        }
        set(out, r, es0);
      } else {
        done = false;
      }
      progress |= done;
    }
    if (!progress) break;
  }
}

}  // namespace

int onnx_file_batch(const std::string& path) {
  onnx::ModelProto model = load_proto(path);
  std::set<std::string> inits;
  for (const auto& t : model.graph().initializer()) inits.insert(t.name());
  for (const auto& in : model.graph().input()) {
    if (inits.count(in.name())) continue;
    TensorInfo info;
    bool symbolic = false;
    if (shape_from_type(in.type(), info, symbolic) && !info.dims.empty() && info.dims[0] > 0)
      return static_cast<int>(info.dims[0]);
  }
  return 0;
}

DeviceGraph read_onnx_model(const std::string& path, const ModelOptions& options) {
  options.validate();
  onnx::ModelProto model = load_proto(path);
  const auto& g0 = model.graph();

  // Shapes: graph inputs/outputs, value_info, initializers. Run ONNX shape inference when any node
  // output has no shape.
  std::unordered_map<std::string, TensorInfo> info;
  std::unordered_map<std::string, TensorInfo> symbolic_info;  // intermediate shapes with symbolic dims
  bool symbolic = false;
  auto collect = [&](const onnx::GraphProto& g) {
    info.clear();
    symbolic_info.clear();
    for (const auto& t : g.initializer()) {
      TensorInfo ti;
      ti.dims.assign(t.dims().begin(), t.dims().end());
      ti.elem_size = elem_size_of(t.data_type());
      ti.known = true;
      info[t.name()] = ti;
    }
    for (const auto& vi : g.input()) {
      TensorInfo ti;
      if (shape_from_type(vi.type(), ti, symbolic)) info[vi.name()] = ti;
    }
    // Intermediate tensors with symbolic dims are recomputed by propagation when possible.
    for (const auto* list : {&g.output(), &g.value_info()})
      for (const auto& vi : *list) {
        TensorInfo ti;
        bool sym = false;
        if (!shape_from_type(vi.type(), ti, sym)) continue;
        (sym ? symbolic_info : info)[vi.name()] = ti;
      }
  };
  collect(g0);
  auto missing = [&](const onnx::GraphProto& g) {
    for (const auto& n : g.node())
      for (const auto& o : n.output())
        if (!o.empty() && !info.count(o)) return true;
    return false;
  };
  if (missing(g0)) {
    spdlog::info("{}: value_info incomplete, running ONNX shape inference", path);
    try {
      // Data propagation lets Slice/Reshape whose parameters come from Shape ops get shapes too.
      onnx::ShapeInferenceOptions sio(false, 0, true);
      onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), sio);
    } catch (const std::exception& e) {
      throw InputError(path, 0, std::string("ONNX shape inference failed: ") + e.what());
    }
    collect(model.graph());
    if (missing(model.graph())) propagate_shapes(model.graph(), info);
    for (const auto& [name, ti] : symbolic_info)
      if (!info.count(name)) {
        info[name] = ti;
        symbolic = true;
      }
  }
  const auto& graph = model.graph();
  if (symbolic) spdlog::warn("{}: symbolic tensor dimensions taken as 1 (export with fixed shapes for exact costs)", path);

  // Producers of every tensor.
  std::unordered_map<std::string, std::pair<int, int>> producer;  // tensor -> (node, output index)
  for (int i = 0; i < graph.node_size(); ++i)
    for (int k = 0; k < graph.node(i).output_size(); ++k)
      if (!graph.node(i).output(k).empty()) {
        if (!producer.emplace(graph.node(i).output(k), std::make_pair(i, k)).second)
          throw InputError(path, 0, "tensor '" + graph.node(i).output(k) + "' is produced by two nodes");
      }
  std::set<std::string> graph_inputs;
  for (const auto& in : graph.input()) graph_inputs.insert(in.name());
  std::unordered_map<std::string, int> init_index;
  for (int i = 0; i < graph.initializer_size(); ++i) init_index[graph.initializer(i).name()] = i;
  // Consumers of every initializer (to decide: folded into its consumer or a Variable op).
  std::unordered_map<std::string, std::vector<int>> init_consumers;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& n = graph.node(i);
    std::set<std::string> seen;
    for (const auto& in : n.input()) {
      if (in.empty()) continue;
      if (!producer.count(in) && !graph_inputs.count(in) && !init_index.count(in))
        throw InputError(path, 0, "node '" + (n.name().empty() ? n.op_type() + "#" + std::to_string(i) : n.name()) +
                                      "' (" + n.op_type() + ") input '" + in +
                                      "' is dangling: not produced by any node, graph input or initializer");
      if (init_index.count(in) && !producer.count(in) && seen.insert(in).second) init_consumers[in].push_back(i);
    }
    for (const auto& o : n.output())
      if (!o.empty() && !info.count(o))
        throw InputError(path, 0, "node '" + n.name() + "' (" + n.op_type() + ") output '" + o +
                                      "' has no shape and ONNX shape inference could not infer one");
  }
  for (const auto& in : graph.input())
    if (!init_index.count(in.name()) && !info.count(in.name()))
      throw InputError(path, 0, "graph input '" + in.name() + "' has no shape (expected a tensor type with dims)");

  // Batch scaling of activations.
  double scale = 1.0;
  int file_batch = options.file_batch > 0 ? options.file_batch : onnx_file_batch(path);
  if (options.batch > 0) {
    if (file_batch <= 0) throw InputError(path, 0, "cannot scale to --batch: the file's batch size is unknown");
    scale = static_cast<double>(options.batch) / file_batch;
  }

  std::string base = path.substr(path.find_last_of('/') + 1);
  base = base.substr(0, base.rfind('.'));
  DeviceGraph dg(base);
  dg.set_batch_size(options.batch > 0 ? options.batch : file_batch);
  constexpr double kSmallConstant = 4096;  // bytes: constants this small are copied to every consumer
  std::unordered_map<std::string, int> var_op;  // shared initializer -> Variable op
  std::vector<int> node_op(graph.node_size(), -1);
  std::map<std::string, int> unknown_types;
  std::map<std::string, int> layer_ids;

  // Variable ops first (they are sources).
  for (int i = 0; i < graph.initializer_size(); ++i) {
    const auto& t = graph.initializer(i);
    auto it = init_consumers.find(t.name());
    if (it == init_consumers.end() || it->second.size() < 2) continue;
    const double bytes = info[t.name()].bytes();
    if (bytes <= kSmallConstant) continue;
    Op v;
    v.name = "var:" + t.name();
    v.type = "Variable";
    v.param_bytes = bytes;
    var_op[t.name()] = dg.add_op(std::move(v));
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& n = graph.node(i);
    const std::string& type = n.op_type();
    Op op;
    op.name = n.name().empty() ? type + "_" + std::to_string(i) : n.name();
    if (dg.find_op(op.name) >= 0) op.name += "#" + std::to_string(i);
    op.type = type;
    std::string key = layer_key(op.name);
    if (!key.empty()) op.layer = layer_ids.emplace(key, static_cast<int>(layer_ids.size())).first->second;
    double act_in = 0, weight_in = 0, out = 0;
    std::vector<const TensorInfo*> ins;
    for (const auto& in : n.input()) {
      if (in.empty()) {
        ins.push_back(nullptr);
        continue;
      }
      const TensorInfo* ti = info.count(in) ? &info[in] : nullptr;
      ins.push_back(ti);
      const double b = ti ? ti->bytes() : 0;
      if (init_index.count(in) && !producer.count(in)) {
        if (var_op.count(in)) weight_in += b;  // read from the Variable (an edge)
        else {
          weight_in += b;
          op.param_bytes += b;  // folded: resident on this op's device
        }
      } else {
        act_in += b;
      }
    }
    std::vector<const TensorInfo*> outs;
    for (const auto& o : n.output()) {
      const TensorInfo* ti = o.empty() ? nullptr : &info[o];
      outs.push_back(ti);
      out += ti ? ti->bytes() : 0;
    }
    const double O = outs.empty() || !outs[0] ? 0 : outs[0]->numel();
    const double I0 = ins.empty() || !ins[0] ? 0 : ins[0]->numel();
    double flops = 0;
    bool view = false;
    if (type == "Conv" && ins.size() >= 2 && ins[1]) {
      const auto& w = ins[1]->dims;  // [Cout, Cin/g, k...]
      double per = 1;
      for (size_t k = 1; k < w.size(); ++k) per *= static_cast<double>(w[k]);
      flops = 2 * O * per + (ins.size() > 2 ? O : 0);
    } else if (type == "ConvTranspose" && ins.size() >= 2 && ins[1]) {
      const auto& w = ins[1]->dims;  // [Cin, Cout/g, k...]
      double per = 1;
      for (size_t k = 1; k < w.size(); ++k) per *= static_cast<double>(w[k]);
      flops = 2 * I0 * per;
    } else if (type == "Gemm" && ins.size() >= 2 && ins[0] && ins[1]) {
      const auto& a = ins[0]->dims;
      const int64_t K = attr_int(n, "transA", 0) ? a.front() : a.back();
      flops = 2 * O * static_cast<double>(K) + (ins.size() > 2 ? O : 0);
    } else if (type == "MatMul" && ins.size() >= 2 && ins[0]) {
      const auto& a = ins[0]->dims;
      flops = 2 * O * static_cast<double>(a.empty() ? 1 : a.back());
    } else if ((type == "LSTM" || type == "GRU" || type == "RNN") && ins.size() >= 3 && ins[0] && ins[1] && ins[2]) {
      const auto& x = ins[0]->dims;  // [seq, batch, input]
      const auto& w = ins[1]->dims;  // [dirs, gates*H, input]
      const auto& r = ins[2]->dims;  // [dirs, gates*H, H]
      const double steps = static_cast<double>(x[0]) * static_cast<double>(x[1]);
      flops = 2 * steps * w[0] * w[1] * (static_cast<double>(w[2]) + r[2]) + 10 * steps * w[0] * r[2];
    } else if (type == "BatchNormalization" || type == "InstanceNormalization") {
      flops = 4 * O;
    } else if (type == "LayerNormalization" || type == "GroupNormalization") {
      flops = 8 * O;
    } else if (type == "Softmax" || type == "LogSoftmax") {
      flops = 5 * O;
    } else if (type == "MaxPool" || type == "AveragePool" || type == "LpPool") {
      const auto k = attr_ints(n, "kernel_shape");
      double per = 1;
      for (int64_t x : k) per *= static_cast<double>(x);
      flops = O * per;
    } else if (type == "LRN") {
      flops = 2 * O * static_cast<double>(attr_int(n, "size", 5));
    } else if (type == "Resize" || type == "Upsample") {
      flops = 4 * O;
    } else if (kCheapElementwise.count(type)) {
      flops = O;
    } else if (kTranscendental.count(type)) {
      flops = 4 * O;
    } else if (kReductions.count(type)) {
      flops = I0;
    } else if (kViews.count(type)) {
      view = true;
    } else if (kCopies.count(type)) {
      flops = 0;
    } else if (type == "Einsum") {
      flops = 2 * O * std::max(1.0, I0 / std::max(1.0, O));
      unknown_types[type]++;
    } else {
      flops = O;
      unknown_types[type]++;
    }
    // Views (reshape, identity, shape, dropout at inference) move no data: launch cost only. Their
    // output still counts as memory (a conservative copy), so consumers keep it alive.
    op.flops = flops * scale;
    op.bytes_read = view ? 0 : act_in * scale + weight_in;
    op.bytes_written = view ? 0 : out * scale;
    op.output_bytes = out * scale;
    node_op[i] = dg.add_op(std::move(op));
  }
  for (const auto& [type, count] : unknown_types)
    spdlog::warn("{}: op type '{}' ({} ops) has no cost rule: FLOPs = output elements, bytes = inputs + outputs",
                 path, type, count);
  // Edges: producer output -> consumer, shared initializers: Variable -> consumer.
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& n = graph.node(i);
    for (const auto& in : n.input()) {
      if (in.empty()) continue;
      auto p = producer.find(in);
      if (p != producer.end()) {
        dg.add_edge(node_op[p->second.first], node_op[i], info[in].bytes() * scale, p->second.second);
      } else if (var_op.count(in)) {
        dg.add_edge(var_op[in], node_op[i], info[in].bytes(), 0);
      }
    }
  }
  dg.finalize(path);
  if (options.training) return expand_training(dg, options.train);
  return dg;
}

}  // namespace tessera::devices
