#!/usr/bin/env python3
"""Export a PyTorch model to a structure-only ONNX graph for `tessera devices`.

The graph keeps every op, every tensor shape (ONNX shape inference is run and stored as value_info)
and every initializer's name, dims and data type, but no weight values: each initializer's data
points at an external file ("weights.absent") that is never written. Tessera reads such files with
external-data loading off, exactly like ../shared/data/devplace/onnx/*.onnx (made the same way).

Requires Debian's python3-torch (and python3-torchvision for torchvision models) and python3-onnx.

Examples:
  tools/export_onnx.py torchvision:resnet50 --input 1,3,224,224 -o resnet50.onnx
  tools/export_onnx.py torchvision:inception_v3 --input 1,3,299,299 -o inception_v3.onnx
  tools/export_onnx.py mymodule:build_model --input 64,20 --input-dtype int64 -o mine.onnx
      (mymodule.py on PYTHONPATH; build_model() returns an nn.Module)
"""
import argparse
import importlib
import os
import sys


def build_model(spec):
    """'torchvision:NAME' or 'module:function' -> an nn.Module in eval mode."""
    if ":" not in spec:
        sys.exit(f"export_onnx: model spec '{spec}' must be 'torchvision:NAME' or 'module:function'")
    module_name, attr = spec.split(":", 1)
    if module_name == "torchvision":
        import torchvision  # noqa: F401  (python3-torchvision)
        import torchvision.models as models

        if not hasattr(models, attr):
            sys.exit(f"export_onnx: torchvision.models has no '{attr}'")
        kwargs = {"aux_logits": False, "init_weights": False} if attr in ("inception_v3", "googlenet") else {}
        model = getattr(models, attr)(**kwargs)
    else:
        module = importlib.import_module(module_name)
        if not hasattr(module, attr):
            sys.exit(f"export_onnx: module '{module_name}' has no '{attr}'")
        model = getattr(module, attr)()
    return model.eval()


def parse_shapes(values):
    shapes = []
    for v in values:
        try:
            shapes.append(tuple(int(x) for x in v.split(",")))
        except ValueError:
            sys.exit(f"export_onnx: --input '{v}' must be comma-separated integers, e.g. 1,3,224,224")
        if any(d <= 0 for d in shapes[-1]):
            sys.exit(f"export_onnx: --input '{v}' has a dimension <= 0")
    return shapes


def strip_weights(model_proto, onnx):
    """Keeps initializer names/dims/types, points their data at a file that does not exist."""
    for t in model_proto.graph.initializer:
        t.ClearField("raw_data")
        for field in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data"):
            t.ClearField(field)
        t.data_location = onnx.TensorProto.EXTERNAL
        del t.external_data[:]
        entry = t.external_data.add()
        entry.key = "location"
        entry.value = "weights.absent"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="torchvision:NAME or module:function returning an nn.Module")
    ap.add_argument("--input", action="append", required=True,
                    help="input shape (comma-separated); repeat for several inputs. Dim 0 is the batch")
    ap.add_argument("--input-dtype", default="float32", choices=["float32", "int64"],
                    help="dtype of every input (int64 for token ids)")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("-o", "--output", required=True, help="output .onnx path")
    args = ap.parse_args()

    try:
        import torch
        import onnx
        from onnx import shape_inference
    except ImportError as e:  # no pip: Debian packages python3-torch and python3-onnx
        sys.exit(f"export_onnx: {e}; install Debian's python3-torch and python3-onnx")

    model = build_model(args.model)
    dtype = torch.float32 if args.input_dtype == "float32" else torch.int64
    inputs = tuple(torch.zeros(s, dtype=dtype) if dtype == torch.int64 else torch.randn(s, dtype=dtype)
                   for s in parse_shapes(args.input))
    tmp = args.output + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, inputs if len(inputs) > 1 else inputs[0], tmp, opset_version=args.opset,
                          do_constant_folding=True, input_names=[f"input{i}" for i in range(len(inputs))],
                          output_names=["output"])
    proto = onnx.load(tmp)
    proto = shape_inference.infer_shapes(proto)
    strip_weights(proto, onnx)
    with open(tmp, "wb") as f:
        f.write(proto.SerializeToString())
    os.replace(tmp, args.output)  # atomic: nothing partial at the target
    n_vi = len(proto.graph.value_info)
    print(f"wrote {args.output}: {len(proto.graph.node)} nodes, {len(proto.graph.initializer)} initializers "
          f"(weights stripped), {n_vi} value_info shapes")


if __name__ == "__main__":
    main()
