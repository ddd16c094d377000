#!/usr/bin/python3
"""Shared pieces of the opendpu model zoo: Fashion-MNIST loading, normalisation,
deterministic training, evaluation, MAC counting and ONNX export.

Python is only used here, to train and export the example models.  The C
toolchain never imports this file; what it needs to know (input shape,
normalisation, expected accuracy) is written into each .onnx file's
metadata_props and into models/zoo.json.

Normalisation contract (the C tools reproduce it with --mean/--std):

    x_float = (u8 / 255.0 - MEAN) / STD,   MEAN = 0.2860, STD = 0.3530

where u8 is the raw Fashion-MNIST pixel (0 = background).  MEAN and STD are
the statistics of the 60,000 training images, rounded to 4 digits.
"""

import gzip
import json
import os
import struct
import sys
import time
import warnings

import numpy as np

MEAN = 0.2860
STD = 0.3530
OPSET = 13
INPUT_NAME = "input"
OUTPUT_NAME = "logits"
INPUT_SHAPE = [1, 1, 28, 28]
NUM_CLASSES = 10
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# Where Debian's dataset-fashion-mnist package puts the IDX files.
DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
MODELS_DIR = os.path.dirname(os.path.abspath(__file__))


def normalisation_string():
    return "x = (u8 / 255 - %.4f) / %.4f" % (MEAN, STD)


# ---------------------------------------------------------------------------
# IDX files (http-free: the format is a big-endian header then raw data)
#
#   bytes 0-1  zero
#   byte  2    element type: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
#   byte  3    number of dimensions n
#   then n big-endian uint32 dimension sizes, then the data, row-major, big-endian.
# ---------------------------------------------------------------------------

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4",
              0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(blob):
    """Parse the bytes of an IDX file; returns a numpy array (native byte order)."""
    if len(blob) < 4:
        raise ValueError("IDX: file shorter than its 4-byte magic")
    if blob[0] != 0 or blob[1] != 0:
        raise ValueError("IDX: magic does not start with two zero bytes")
    code, ndim = blob[2], blob[3]
    if code not in _IDX_TYPES:
        raise ValueError("IDX: unknown element type 0x%02x" % code)
    if ndim == 0:
        raise ValueError("IDX: zero dimensions")
    hdr = 4 + 4 * ndim
    if len(blob) < hdr:
        raise ValueError("IDX: header truncated")
    dims = struct.unpack(">%dI" % ndim, blob[4:hdr])
    dtype = np.dtype(_IDX_TYPES[code])
    count = int(np.prod(dims, dtype=np.int64))
    need = hdr + count * dtype.itemsize
    if len(blob) != need:
        raise ValueError("IDX: expected %d bytes for shape %s, file has %d"
                         % (need, dims, len(blob)))
    arr = np.frombuffer(blob, dtype=dtype, count=count, offset=hdr)
    return arr.reshape(dims).astype(dtype.newbyteorder("="))


def read_idx(path):
    """Read an IDX file, gzipped (detected by its magic) or not."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:2] == b"\x1f\x8b":
        blob = gzip.decompress(blob)
    return parse_idx(blob)


def _find(data_dir, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(
        "Fashion-MNIST file %s(.gz) not found in %s; install Debian's "
        "dataset-fashion-mnist package or set FASHION_MNIST_DIR" % (stem, data_dir))


def load_fashion_mnist(data_dir=None):
    """Returns (x_train u8 [60000,1,28,28], y_train int64, x_test u8 [10000,1,28,28], y_test int64)."""
    data_dir = data_dir or os.environ.get("FASHION_MNIST_DIR", DEFAULT_DATA_DIR)
    out = []
    for split in ("train", "t10k"):
        x = read_idx(_find(data_dir, "%s-images-idx3-ubyte" % split))
        y = read_idx(_find(data_dir, "%s-labels-idx1-ubyte" % split))
        if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
            raise ValueError("%s images: unexpected shape %s" % (split, x.shape))
        if y.shape != (x.shape[0],) or y.max() >= NUM_CLASSES:
            raise ValueError("%s labels: unexpected shape or values" % split)
        out += [x.reshape(-1, 1, 28, 28), y.astype(np.int64)]
    return tuple(out)


def normalise(x_u8):
    """uint8 images -> float32 network input (see the module docstring)."""
    return ((x_u8.astype(np.float32) / np.float32(255.0) - np.float32(MEAN))
            / np.float32(STD)).astype(np.float32)


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------

def torch_setup(seed):
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)


def augment_batch(xb, rng, flip=True, shift=2):
    """Random horizontal flip and random translation by up to `shift` pixels
    (zero = background padding), on uint8 [B,1,28,28]."""
    b = xb.shape[0]
    out = xb.copy()
    if flip:
        m = rng.random_sample(b) < 0.5
        out[m] = out[m][..., ::-1]
    if shift:
        pad = np.pad(out, ((0, 0), (0, 0), (shift, shift), (shift, shift)))
        dy = rng.randint(0, 2 * shift + 1, size=b)
        dx = rng.randint(0, 2 * shift + 1, size=b)
        for i in range(b):
            out[i] = pad[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28]
    return out


def train(model, data, epochs, batch=128, optimizer="sgd", max_lr=0.1,
          weight_decay=5e-4, seed=0, augment=True, channels_last=False, log=print):
    """Train `model` with a one-cycle learning-rate schedule, deterministically
    (fixed seeds, one thread, numpy-driven shuffling).  channels_last only
    changes the memory layout (faster depthwise/BatchNorm on CPU), not the
    maths.  Returns seconds spent."""
    import torch
    import torch.nn.functional as F
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model.to(memory_format=fmt)
    x_train, y_train = data[0], data[1]
    n = x_train.shape[0]
    steps = epochs * (n // batch)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)  # no decay on BN and biases
    groups = [{"params": decay, "weight_decay": weight_decay},
              {"params": no_decay, "weight_decay": 0.0}]
    if optimizer == "sgd":
        opt = torch.optim.SGD(groups, lr=max_lr, momentum=0.9, nesterov=True)
    elif optimizer == "adamw":
        opt = torch.optim.AdamW(groups, lr=max_lr)
    else:
        raise ValueError(optimizer)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=max_lr, total_steps=steps, pct_start=0.25,
        anneal_strategy="cos", div_factor=10.0, final_div_factor=100.0)
    rng = np.random.RandomState(seed)
    t0 = time.time()
    step = 0
    for ep in range(epochs):
        model.train()
        perm = rng.permutation(n)
        tot_loss, tot_ok, seen = 0.0, 0, 0
        for i in range(n // batch):
            idx = perm[i * batch:(i + 1) * batch]
            xb = x_train[idx]
            if augment:
                xb = augment_batch(xb, rng)
            xb = torch.from_numpy(normalise(xb)).contiguous(memory_format=fmt)
            yb = torch.from_numpy(y_train[idx])
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            tot_loss += loss.item() * len(idx)
            tot_ok += (logits.argmax(1) == yb).sum().item()
            seen += len(idx)
            if i % 100 == 0:
                sys.stderr.write("\r  epoch %d/%d step %d/%d loss %.4f  (%.0fs)   "
                                 % (ep + 1, epochs, step, steps, tot_loss / seen,
                                    time.time() - t0))
                sys.stderr.flush()
        sys.stderr.write("\n")
        log("epoch %d/%d: train loss %.4f, train top-1 %.2f%%, %.0fs"
            % (ep + 1, epochs, tot_loss / seen, 100.0 * tot_ok / seen, time.time() - t0))
    model.to(memory_format=torch.contiguous_format)
    model.eval()
    return time.time() - t0


def predict(model, x_u8, batch=500):
    """Float logits [N,10] for uint8 images."""
    import torch
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, x_u8.shape[0], batch):
            outs.append(model(torch.from_numpy(normalise(x_u8[i:i + batch]))).numpy())
    return np.concatenate(outs)


def top1(logits, labels):
    return float((logits.argmax(1) == labels).mean())


# ---------------------------------------------------------------------------
# Model statistics
# ---------------------------------------------------------------------------

def count_params(model):
    return int(sum(p.numel() for p in model.parameters()))


def count_macs(model, shape=INPUT_SHAPE):
    """Multiply-accumulates of Conv2d and Linear layers for one input
    (BatchNorm, pooling and element-wise ops not counted)."""
    import torch
    macs = [0]

    def conv_hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        macs[0] += out.numel() * k

    def lin_hook(m, inp, out):
        macs[0] += out.numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, torch.nn.Linear):
            hooks.append(m.register_forward_hook(lin_hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(shape))
    for h in hooks:
        h.remove()
    return int(macs[0])


# ---------------------------------------------------------------------------
# ONNX export and checks
# ---------------------------------------------------------------------------

# Ops that must never appear in an exported inference graph.
TRAINING_OPS = {"Dropout", "RandomNormal", "RandomNormalLike", "RandomUniform",
                "RandomUniformLike", "Bernoulli", "Multinomial"}


def tidy_graph(m):
    """Turn the exporter's constant plumbing into plain initializers, so the
    graphs only contain compute ops:
      - Constant nodes (torch emits Clip's min/max that way) become initializers;
      - Identity nodes reading an initializer (torch's initializer
        de-duplication emits them when two parameters are equal, e.g. freshly
        initialised BatchNorm statistics) become a copy of that initializer.
    Returns the number of nodes removed."""
    from onnx import helper
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    outputs = {o.name for o in g.output}
    keep, removed = [], 0
    for n in g.node:
        t = None
        if n.op_type == "Constant" and len(n.attribute) == 1 and n.attribute[0].name == "value":
            t = helper.get_attribute_value(n.attribute[0])
        elif n.op_type == "Identity" and n.input[0] in inits:
            t = inits[n.input[0]]
        if t is None or n.output[0] in outputs:
            keep.append(n)
            continue
        c = g.initializer.add()
        c.CopyFrom(t)
        c.name = n.output[0]
        inits[c.name] = c
        removed += 1
    del g.node[:]
    g.node.extend(keep)
    return removed


def export_onnx(model, path, metadata, input_shape=INPUT_SHAPE, doc=""):
    """Export `model` (switched to eval mode) to ONNX opset 13 with a fixed
    input shape, constant folding on and BatchNormalization kept as a node.

    torch's EVAL export mode would fold BatchNorm into the preceding Conv (its
    eval peephole pass); the zoo keeps BN in the graph because folding it is
    the toolchain quantizer's job.  So we export in PRESERVE mode with the
    model in eval mode: BatchNormalization is emitted in inference form
    (one output, running statistics as initializers).  Afterwards tidy_graph()
    replaces Constant and initializer-Identity nodes by initializers."""
    import torch
    import onnx
    model.eval()
    dummy = torch.zeros(input_shape)
    with warnings.catch_warnings():
        # The constant-folding warning is about models in training mode; ours is in eval mode.
        warnings.filterwarnings("ignore", message=".*constant folding.*")
        torch.onnx.export(
            model, dummy, path,
            export_params=True,
            opset_version=OPSET,
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.PRESERVE,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes=None)
    m = onnx.load(path)
    tidy_graph(m)
    m.producer_name = "opendpu-models"
    m.doc_string = doc
    m.graph.doc_string = doc
    del m.metadata_props[:]
    for k, v in metadata.items():
        e = m.metadata_props.add()
        e.key = str(k)
        e.value = v if isinstance(v, str) else json.dumps(v)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    return m


def check_onnx(path, input_shape=INPUT_SHAPE, out_shape=(1, NUM_CLASSES)):
    """Structural checks the C toolchain relies on.  Returns sorted op types."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
    assert opset == [OPSET], "opset %s" % opset
    g = m.graph
    inits = {i.name for i in g.initializer}
    real_inputs = [i for i in g.input if i.name not in inits]
    assert len(real_inputs) == 1 and real_inputs[0].name == INPUT_NAME

    def dims(vi):
        return [d.dim_value if d.HasField("dim_value") else d.dim_param
                for d in vi.type.tensor_type.shape.dim]

    assert dims(real_inputs[0]) == list(input_shape), dims(real_inputs[0])
    assert len(g.output) == 1 and g.output[0].name == OUTPUT_NAME
    assert dims(g.output[0]) == list(out_shape), dims(g.output[0])
    ops = sorted({n.op_type for n in g.node})
    bad = TRAINING_OPS.intersection(ops)
    assert not bad, "training-mode ops in graph: %s" % bad
    for n in g.node:
        assert n.domain in ("", "ai.onnx"), "non-standard domain %s" % n.domain
        if n.op_type == "BatchNormalization":
            assert len(n.output) == 1, "BatchNormalization in training form"
            for a in n.attribute:
                assert not (a.name == "training_mode" and a.i), "training_mode set"
    return ops


def op_histogram(path):
    import onnx
    m = onnx.load(path)
    h = {}
    for n in m.graph.node:
        h[n.op_type] = h.get(n.op_type, 0) + 1
    return dict(sorted(h.items()))


# ---------------------------------------------------------------------------
# zoo.json bookkeeping
# ---------------------------------------------------------------------------

ZOO_JSON = os.path.join(MODELS_DIR, "zoo.json")


def update_zoo(entry):
    """Insert or replace `entry` (keyed by name) in models/zoo.json."""
    zoo = {"normalisation": {"formula": normalisation_string(), "mean": MEAN,
                             "std": STD, "input_dtype": "float32",
                             "raw_images": "uint8, 0..255"},
           "dataset": "Fashion-MNIST (Debian package dataset-fashion-mnist)",
           "class_names": CLASS_NAMES,
           "models": []}
    if os.path.exists(ZOO_JSON):
        with open(ZOO_JSON) as f:
            old = json.load(f)
        zoo["models"] = [m for m in old.get("models", []) if m["name"] != entry["name"]]
    zoo["models"].append(entry)
    order = ["lenet5", "resnet_small", "mobilenetv2_small"]
    zoo["models"].sort(key=lambda m: order.index(m["name"]) if m["name"] in order else 99)
    with open(ZOO_JSON, "w") as f:
        json.dump(zoo, f, indent=2)
        f.write("\n")


def run_model_script(name, build_model, epochs, train_kwargs, description, argv=None):
    """Main of each train_*.py: train, evaluate, export, verify, record."""
    import argparse
    import torch
    ap = argparse.ArgumentParser(description="Train and export %s on Fashion-MNIST" % name)
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(MODELS_DIR, name + ".onnx"))
    ap.add_argument("--eval-only", action="store_true",
                    help="skip training: evaluate the weights saved in the --out ONNX file "
                         "with models/onnx_ref.py")
    ap.add_argument("--no-zoo", action="store_true", help="do not update models/zoo.json")
    args = ap.parse_args(argv)

    data = load_fashion_mnist()
    x_test, y_test = data[2], data[3]
    if args.eval_only:
        import onnx_ref
        logits = onnx_ref.run_batched(args.out, normalise(x_test))
        print("%s: float top-1 on the 10,000 test images (numpy ONNX evaluator): %.2f%%"
              % (args.out, 100 * top1(logits, y_test)))
        return

    torch_setup(args.seed)
    model = build_model()
    params, macs = count_params(model), count_macs(model)
    print("%s: %d parameters, %d MACs per image" % (name, params, macs))
    secs = train(model, data, args.epochs, seed=args.seed, **train_kwargs)
    logits = predict(model, x_test)
    acc = top1(logits, y_test)
    acc1000 = top1(logits[:1000], y_test[:1000])
    acc20 = top1(logits[:20], y_test[:20])
    print("%s: trained %d epochs in %.0f s" % (name, args.epochs, secs))
    print("%s: float top-1 on the 10,000 test images: %.2f%% (first 1000: %.2f%%, first 20: %.0f%%)"
          % (name, 100 * acc, 100 * acc1000, 100 * acc20))

    meta = {"opendpu.name": name,
            "opendpu.dataset": "Fashion-MNIST",
            "opendpu.input_shape": INPUT_SHAPE,
            "opendpu.normalisation": normalisation_string(),
            "opendpu.mean": "%.4f" % MEAN,
            "opendpu.std": "%.4f" % STD,
            "opendpu.float_top1_test10000": "%.4f" % acc,
            "opendpu.classes": CLASS_NAMES}
    export_onnx(model, args.out, meta, doc=description)
    ops = check_onnx(args.out)

    # The exported graph, run by our own numpy evaluator, must agree with torch.
    import onnx_ref
    ref_logits = onnx_ref.run_batched(args.out, normalise(x_test[:200]))
    diff = float(np.abs(ref_logits - logits[:200]).max())
    agree = float((ref_logits.argmax(1) == logits[:200].argmax(1)).mean())
    print("%s: ONNX (numpy evaluator) vs torch on 200 test images: max |diff| %.2e, argmax agreement %.1f%%"
          % (name, diff, 100 * agree))
    assert diff < 1e-3 and agree == 1.0, "exported graph disagrees with torch"

    # Float logits of the 20 evaluation images, for the C tools' float checks.
    os.makedirs(os.path.join(MODELS_DIR, "data"), exist_ok=True)
    np.save(os.path.join(MODELS_DIR, "data", name + "_test_20_logits.npy"),
            logits[:20].astype(np.float32))

    size = os.path.getsize(args.out)
    print("%s: wrote %s (%d bytes), opset %d, ops: %s"
          % (name, args.out, size, OPSET, ", ".join(ops)))
    print("%s: op counts: %s" % (name, op_histogram(args.out)))
    if not args.no_zoo:
        update_zoo({"name": name,
                    "file": "models/" + os.path.basename(args.out),
                    "description": description,
                    "input": {"name": INPUT_NAME, "shape": INPUT_SHAPE, "dtype": "float32"},
                    "output": {"name": OUTPUT_NAME, "shape": [1, NUM_CLASSES], "dtype": "float32"},
                    "normalisation": {"mean": MEAN, "std": STD},
                    "opset": OPSET,
                    "float_top1": round(acc, 4),
                    "float_top1_test_1000": round(acc1000, 4),
                    "float_top1_test_20": round(acc20, 4),
                    "params": params,
                    "macs": macs,
                    "file_bytes": size,
                    "ops": op_histogram(args.out),
                    "training": {"epochs": args.epochs, "seed": args.seed,
                                 "torch": torch.__version__,
                                 **{k: v for k, v in train_kwargs.items()}},
                    "reproduce": "/usr/bin/python3 models/train_%s.py" % name})
