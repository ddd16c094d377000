#!/usr/bin/python3
"""A tiny float ONNX evaluator in numpy, for the ops the model zoo uses.

python3-onnx 1.12 (Debian bookworm) has no reference evaluator and
onnxruntime is not packaged, so the training scripts check each exported
graph against torch with this.  It is deliberately plain: one function per
op, NCHW float32, batch dimension taken from the input (the exported models
have batch 1 in their signature; every op here is batch-agnostic, so we run
many images at once to keep the check quick).

Usage: /usr/bin/python3 models/onnx_ref.py MODEL.onnx IMAGES.npy [LABELS.npy]
   IMAGES.npy is uint8 [N,1,28,28] (normalised here with models/common.py's
   MEAN/STD) or float32 (used as is); prints top-1 if labels are given.
"""

import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _attrs(node):
    import onnx
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pad_nchw(x, pads, value):
    # ONNX pads: [h_begin, w_begin, h_end, w_end]
    if not any(pads):
        return x
    return np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])),
                  constant_values=value)


def _windows(x, kernel, strides, dilations):
    """[N,C,H,W] -> [N,C,OH,OW,kh,kw] view of the (already padded) input."""
    kh, kw = kernel
    eh, ew = (kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1
    v = sliding_window_view(x, (eh, ew), axis=(2, 3))
    v = v[:, :, ::strides[0], ::strides[1], ::dilations[0], ::dilations[1]]
    return v


def op_conv(node, x, w, b=None):
    a = _attrs(node)
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("Conv auto_pad")
    group = a.get("group", 1)
    kernel = a.get("kernel_shape", list(w.shape[2:]))
    strides = a.get("strides", [1, 1])
    dil = a.get("dilations", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    x = _pad_nchw(x, pads, 0.0)
    v = _windows(x, kernel, strides, dil)                # N,C,OH,OW,kh,kw
    n, c, oh, ow = v.shape[:4]
    m = w.shape[0]
    cg, mg = c // group, m // group
    v = v.reshape(n, group, cg, oh, ow, kernel[0], kernel[1])
    wg = w.reshape(group, mg, cg, kernel[0], kernel[1])
    if group == 1:
        y = np.tensordot(v[:, 0], wg[0], axes=([1, 4, 5], [1, 2, 3]))  # N,OH,OW,M
        y = y.transpose(0, 3, 1, 2)
    else:
        y = np.einsum("ngchwij,gmcij->ngmhw", v, wg, optimize=True).reshape(n, m, oh, ow)
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return y.astype(np.float32)


def op_maxpool(node, x):
    a = _attrs(node)
    if a.get("ceil_mode", 0) or a.get("storage_order", 0):
        raise NotImplementedError("MaxPool ceil_mode/storage_order")
    kernel = a["kernel_shape"]
    v = _windows(_pad_nchw(x, a.get("pads", [0, 0, 0, 0]), -np.inf), kernel,
                 a.get("strides", [1, 1]), a.get("dilations", [1, 1]))
    return v.max(axis=(4, 5))


def op_averagepool(node, x):
    a = _attrs(node)
    if a.get("ceil_mode", 0) or (any(a.get("pads", [0])) and not a.get("count_include_pad", 0)):
        raise NotImplementedError("AveragePool ceil_mode / padding excluded from count")
    v = _windows(_pad_nchw(x, a.get("pads", [0, 0, 0, 0]), 0.0), a["kernel_shape"],
                 a.get("strides", [1, 1]), [1, 1])
    return v.mean(axis=(4, 5)).astype(np.float32)


def op_batchnorm(node, x, scale, bias, mean, var):
    a = _attrs(node)
    eps = a.get("epsilon", 1e-5)
    sh = (1, -1, 1, 1)
    inv = scale / np.sqrt(var + eps)
    return (x * inv.reshape(sh) + (bias - mean * inv).reshape(sh)).astype(np.float32)


def op_gemm(node, a_, b_, c=None):
    a = _attrs(node)
    if a.get("transA", 0):
        a_ = a_.T
    if a.get("transB", 0):
        b_ = b_.T
    y = a.get("alpha", 1.0) * (a_ @ b_)
    if c is not None:
        y = y + a.get("beta", 1.0) * c
    return y.astype(np.float32)


def op_clip(node, x, lo=None, hi=None):
    a = _attrs(node)  # opset < 11 style attributes, just in case
    lo = a.get("min", -np.inf) if lo is None else lo
    hi = a.get("max", np.inf) if hi is None else hi
    return np.clip(x, lo, hi)


def op_flatten(node, x):
    axis = _attrs(node).get("axis", 1)
    return x.reshape(int(np.prod(x.shape[:axis])), -1)


def op_reshape(node, x, shape):
    shape = [x.shape[i] if s == 0 else int(s) for i, s in enumerate(shape)]
    # The zoo graphs have batch 1 baked into Reshape targets; keep our batch.
    if shape[0] == 1 and x.shape[0] != 1:
        shape[0] = x.shape[0]
    return x.reshape(shape)


OPS = {
    "Conv": op_conv,
    "Relu": lambda n, x: np.maximum(x, 0),
    "Clip": op_clip,
    "MaxPool": op_maxpool,
    "AveragePool": op_averagepool,
    "GlobalAveragePool": lambda n, x: x.mean(axis=(2, 3), keepdims=True),
    "BatchNormalization": op_batchnorm,
    "Add": lambda n, a, b: a + b,
    "Mul": lambda n, a, b: a * b,
    "Gemm": op_gemm,
    "MatMul": lambda n, a, b: a @ b,
    "Flatten": op_flatten,
    "Reshape": op_reshape,
    "Identity": lambda n, x: x,
}


def run(model, x):
    """Evaluate an onnx.ModelProto (or path) on float32 input x; returns the first output."""
    import onnx
    from onnx import numpy_helper
    if isinstance(model, str):
        model = onnx.load(model)
    g = model.graph
    env = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    inputs = [i.name for i in g.input if i.name not in env]
    env[inputs[0]] = x.astype(np.float32)
    for node in g.node:
        if node.op_type == "Constant":
            env[node.output[0]] = numpy_helper.to_array(_attrs(node)["value"])
            continue
        if node.op_type not in OPS:
            raise NotImplementedError("onnx_ref: op %s (node %s)" % (node.op_type, node.name))
        args = [env[i] if i else None for i in node.input]
        env[node.output[0]] = OPS[node.op_type](node, *args)
    return env[g.output[0].name]


def run_batched(path, x, batch=250):
    import onnx
    model = onnx.load(path)
    return np.concatenate([run(model, x[i:i + batch]) for i in range(0, x.shape[0], batch)])


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    import os
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import normalise
    x = np.load(argv[2])
    if x.dtype == np.uint8:
        x = normalise(x)
    logits = run_batched(argv[1], x)
    if len(argv) > 3:
        y = np.load(argv[3])
        print("top-1 %.2f%% on %d images" % (100 * (logits.argmax(1) == y).mean(), len(y)))
    else:
        print(np.array2string(logits, precision=4))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
