#!/usr/bin/python3
"""Quantization-aware training of the zoo's MobileNetV2-style model, exported as QDQ ONNX.

The flow (docs/quantization.md, "Quantization-aware training"):

 1. Start from the committed float model: the nn.Module of train_mobilenetv2_small.py with
    the initializers of models/mobilenetv2_small.onnx loaded into it.
 2. Fold every BatchNorm into the convolution before it (torch.fx's conv/bn fusion, in
    eval mode), as AIMET's QAT recipe does: the network trained is then exactly the one
    deployed (Conv with bias, ReLU6, Add, GlobalAveragePool, Linear).
 3. torch.ao.quantization.prepare_qat_fx with onednn's QAT settings: activations quint8
    [0, 255] per tensor (moving-average min/max), weights qint8 [-128, 127] per output
    channel, symmetric. onednn's default QAT qconfig uses the fused
    FusedMovingAvgObsFakeQuantize, which torch.onnx cannot export; FakeQuantize with the
    same observers and ranges computes the same fake quantization and exports as
    QuantizeLinear/DequantizeLinear. --weight-min -127 trains with the contract's weight
    range [-127, 127] instead (what the accelerator takes; onednn's -128 makes `dpuc
    compile --no-cpu-fallback` refuse the layers), widened to [-128, 127] for the export,
    which is the same function there.
 4. Fine-tune a few epochs on a subset of the training images (CPU); observers are frozen
    for the last epoch so the scales settle before the weights do.
 5. Evaluate the fake-quant model (eval mode, observers off) on the 10,000 test images and
    on the first 1000 (models/data/test_1000.npy), export it with torch.onnx (opset 13) to
    models/mobilenetv2_small_qat.onnx and record the numbers in
    models/mobilenetv2_small_qat.json.
 6. With --dpuc: `dpuc import` the QDQ model and `dpuc eval` it on the same images; the
    top-1 must match torch's fake-quant top-1 within 0.1 point (exit 1 otherwise).

    /usr/bin/python3 models/qat_mobilenetv2_small.py [--epochs 3] [--train-count 30000]
                                                      [--dpuc build/bin/dpuc]
    /usr/bin/python3 models/qat_mobilenetv2_small.py --check-only --dpuc build/bin/dpuc
"""

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import common  # noqa: E402
import compare_torch_ptq  # noqa: E402

NAME = "mobilenetv2_small"
OUT_ONNX = os.path.join(HERE, NAME + "_qat.onnx")
OUT_JSON = os.path.join(HERE, NAME + "_qat.json")
TOLERANCE = 0.001    # 0.1 point of top-1


def qat_qconfig_mapping(weight_min):
    """onednn's QAT qconfig with the unfused FakeQuantize (exportable to ONNX); weights in
    [weight_min, 127]."""
    import torch
    from torch.ao.quantization import FakeQuantize, QConfig, QConfigMapping
    from torch.ao.quantization.observer import (MovingAverageMinMaxObserver,
                                                MovingAveragePerChannelMinMaxObserver,
                                                PerChannelMinMaxObserver)
    act = FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0,
                                 quant_max=255, dtype=torch.quint8,
                                 qscheme=torch.per_tensor_affine, reduce_range=False)
    # onednn's weights: [-128, 127], scale max|w| / 127.5 (a moving average). Or, with
    # weight_min = -127, the range the accelerator takes (scale max|w| / 127); the running
    # min/max observer then never lets a weight clamp.
    wt = FakeQuantize.with_args(observer=MovingAveragePerChannelMinMaxObserver
                                if weight_min == -128 else PerChannelMinMaxObserver,
                                quant_min=weight_min, quant_max=127, dtype=torch.qint8,
                                qscheme=torch.per_channel_symmetric, reduce_range=False,
                                ch_axis=0)
    return QConfigMapping().set_global(QConfig(activation=act, weight=wt))


def fold_bn(model):
    """Conv+BatchNorm -> Conv with bias (eval-mode statistics), as a GraphModule."""
    from torch.fx.experimental.optimization import fuse
    return fuse(model.eval())


def prepare(model, weight_min):
    import torch
    from torch.ao.quantization.quantize_fx import prepare_qat_fx
    torch.backends.quantized.engine = "onednn"
    example = (torch.zeros(common.INPUT_SHAPE),)
    return prepare_qat_fx(model.train(), qat_qconfig_mapping(weight_min), example)


def weight_fake_quants(model):
    return [m for name, m in model.named_modules() if name.endswith("weight_fake_quant")]


def set_observers(model, on, weights=True):
    """Observers on or off: all of them, or (weights=False) the activations' only."""
    import torch.ao.quantization as tq
    model.apply(tq.enable_observer if on else tq.disable_observer)
    if not weights:
        for m in weight_fake_quants(model):
            m.apply(tq.enable_observer if not on else tq.disable_observer)


def finetune(model, x, y, epochs, lr, batch, seed, freeze_epoch, freeze_weights):
    import torch
    import torch.nn.functional as F
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True,
                          weight_decay=0.0)
    steps = epochs * (x.shape[0] // batch)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    rng = np.random.RandomState(seed)
    t0 = time.time()
    for ep in range(epochs):
        if ep == freeze_epoch:
            set_observers(model, False, weights=freeze_weights)
        model.train()
        perm = rng.permutation(x.shape[0])
        tot, ok, seen = 0.0, 0, 0
        for i in range(x.shape[0] // batch):
            idx = perm[i * batch:(i + 1) * batch]
            xb = torch.from_numpy(common.normalise(common.augment_batch(x[idx], rng)))
            yb = torch.from_numpy(y[idx])
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(idx)
            ok += (logits.argmax(1) == yb).sum().item()
            seen += len(idx)
            if sys.stderr.isatty() and i % 20 == 0:
                sys.stderr.write("\r  epoch %d/%d batch %d loss %.4f (%.0f s)  "
                                 % (ep + 1, epochs, i, tot / seen, time.time() - t0))
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        print("epoch %d/%d: loss %.4f, train top-1 %.2f%%, observers %s, %.0f s"
              % (ep + 1, epochs, tot / seen, 100.0 * ok / seen,
                 "frozen" if ep >= freeze_epoch else "on", time.time() - t0))
    model.eval()
    set_observers(model, False)
    return time.time() - t0


def widen_weight_range(model, x_u8):
    """torch.onnx exports fake quantization with the ranges [0, 255], [-128, 127] or
    [0, 127] only. The weights' [-127, 127] becomes [-128, 127], which is the same function:
    every |w| / scale is at most 127 (the scale is max|w| / 127 over all weights seen), so
    nothing rounds to -128. Checked on x_u8: the logits must not change by a bit."""
    before = compare_torch_ptq.predict(model, x_u8)
    for m in weight_fake_quants(model):
        m.quant_min = -128
        m.activation_post_process.quant_min = -128
    after = compare_torch_ptq.predict(model, x_u8)
    if not np.array_equal(before, after):
        raise SystemExit("weight range [-128, 127] changes the fake-quant model")


def export(model, path):
    """torch.onnx export of the fake-quant GraphModule: every FakeQuantize becomes a
    QuantizeLinear/DequantizeLinear pair (per channel, axis 0, for the weights)."""
    import onnx
    import torch
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros(common.INPUT_SHAPE), path, opset_version=13,
                          do_constant_folding=True, input_names=[common.INPUT_NAME],
                          output_names=[common.OUTPUT_NAME])
    m = onnx.load(path)
    common.tidy_graph(m)
    m.producer_name = "opendpu-models"
    m.doc_string = ("MobileNetV2-style model after quantization-aware training with "
                    "torch.ao (models/qat_mobilenetv2_small.py), QDQ form; input "
                    + common.normalisation_string())
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    return common.op_histogram(path)


def dpuc_top1(dpuc, onnx_path, images, labels, tmp):
    q8 = os.path.join(tmp, "qat.q8")
    subprocess.run([dpuc, "import", onnx_path, "-o", q8, "--quantized"], check=True)
    res = subprocess.run([dpuc, "eval", q8, "--data", images, "--labels", labels,
                          "--mean", "%.4f" % common.MEAN, "--std", "%.4f" % common.STD,
                          "--json", "--quiet"], check=True, stdout=subprocess.PIPE, text=True)
    return compare_torch_ptq.eval_top1(res.stdout)


def measure(dpuc, path, x_u8, torch_logits, count):
    """Element differences between torch's fake-quant logits and `dpuc run` of the imported
    model on the first `count` images (same float inputs), in output LSBs; and how many
    input pixels torch's quantization (x * (1/s), rounded half to even) puts elsewhere than
    QuantizeLinear's (x / s)."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    by_out = {o: n for n in m.graph.node for o in n.output}
    s_out = float(inits[by_out[common.OUTPUT_NAME].input[1]])
    q_in = next(n for n in m.graph.node if n.input[0] == common.INPUT_NAME)
    s_in, z_in = np.float32(inits[q_in.input[1]]), int(inits[q_in.input[2]])
    x = common.normalise(x_u8)
    qt = np.clip(np.rint(x * (np.float32(1) / s_in)) + z_in, 0, 255)
    qo = np.clip(np.rint(x / s_in) + z_in, 0, 255)
    in_diff = int((qt != qo).sum())
    ours = []
    with tempfile.TemporaryDirectory() as tmp:
        q8 = os.path.join(tmp, "m.q8")
        subprocess.run([dpuc, "import", path, "-o", q8, "--quantized"], check=True)
        xi, yo = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
        for i in range(count):
            np.save(xi, x[i:i + 1])
            subprocess.run([dpuc, "run", q8, "-i", xi, "-o", yo], check=True)
            ours.append(np.load(yo)[0])
    ours = np.array(ours)
    lsb = np.rint(np.abs(ours - torch_logits[:count]) / s_out).astype(int)
    hist = {int(k): int((lsb == k).sum()) for k in np.unique(lsb)}
    same_argmax = int((ours.argmax(1) == torch_logits[:count].argmax(1)).sum())
    print("input pixels quantized differently by torch (x * (1/s)) and QuantizeLinear (x / s): "
          "%d of %d" % (in_diff, x.size))
    print("logits of %d images, |dpuc run - torch| in output LSBs (count of logits): %s; "
          "same argmax on %d images" % (count, hist, same_argmax))
    return {"images": count, "logit_lsb_histogram": hist, "same_argmax": same_argmax,
            "input_pixels_differing": in_diff, "input_pixels": int(x.size)}


def input_levels(path):
    """The 256 pixel values through the two normalisations (numpy's float32 one, which
    torch's numbers use, and `dpuc eval`'s, computed in double and rounded to float) and the
    two input quantizations (torch's x * (1/s), QuantizeLinear's x / s): how many of the
    256 levels end on another int8 input value."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    q_in = next(n for n in m.graph.node if n.input[0] == common.INPUT_NAME)
    s, z = np.float32(inits[q_in.input[1]]), int(inits[q_in.input[2]])
    u = np.arange(256, dtype=np.uint8)
    x_np = common.normalise(u)
    x_c = ((u.astype(np.float64) / 255.0 - common.MEAN) / common.STD).astype(np.float32)
    q_torch = np.clip(np.rint(x_np * (np.float32(1) / s)) + z, 0, 255)
    q_ours = np.clip(np.rint(x_c / s) + z, 0, 255)
    return {"levels_differing_float": int((x_np != x_c).sum()),
            "levels_differing_int8": int((q_torch != q_ours).sum())}


def check(dpuc, rec):
    """dpuc import + eval of the committed QDQ model against the recorded torch top-1s."""
    data_dir = os.environ.get("FASHION_MNIST_DIR", common.DEFAULT_DATA_DIR)
    status = 0
    lv = input_levels(OUT_ONNX)
    print("of the 256 pixel values, %d normalise to another float in dpuc eval than in numpy, "
          "%d quantize to another int8 input value (torch's rounding of numpy's float against "
          "ours of dpuc's)" % (lv["levels_differing_float"], lv["levels_differing_int8"]))
    rec["input_levels"] = lv
    with tempfile.TemporaryDirectory() as tmp:
        sets = [("first 1000 test images", os.path.join(HERE, "data", "test_1000.npy"),
                 os.path.join(HERE, "data", "test_1000_labels.npy"),
                 "torch_fakequant_top1_test_1000"),
                ("10,000 test images", compare_torch_ptq.find(data_dir, "t10k-images-idx3-ubyte"),
                 compare_torch_ptq.find(data_dir, "t10k-labels-idx1-ubyte"),
                 "torch_fakequant_top1")]
        for label, images, labels, key in sets:
            t0 = time.time()
            ours = dpuc_top1(dpuc, OUT_ONNX, images, labels, tmp)
            want = rec[key]
            ok = abs(ours - want) <= TOLERANCE + 1e-9
            print("%s: torch fake-quant %.2f%%, dpuc import + eval %.2f%% (%+.2f, %s, %.0f s)"
                  % (label, 100 * want, 100 * ours, 100 * (ours - want),
                     "ok" if ok else "FAIL", time.time() - t0))
            rec["dpuc_top1" + key[len("torch_fakequant_top1"):]] = round(ours, 4)
            status |= 0 if ok else 1
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--weight-min", type=int, choices=(-128, -127), default=-128,
                    help="lowest weight value: -128 (onednn's default, the committed model) "
                         "or -127 (the contract's range, which the accelerator takes)")
    ap.add_argument("--train-count", type=int, default=30000,
                    help="fine-tune on the first N training images (default 30000)")
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpuc", help="also check `dpuc import` + `dpuc eval` against torch")
    ap.add_argument("--measure", type=int, default=100,
                    help="with --dpuc: compare the logits of this many test images element by "
                         "element (dpuc run, one process per image)")
    ap.add_argument("--check-only", action="store_true",
                    help="no training: check the committed model with --dpuc")
    args = ap.parse_args()

    if args.check_only:
        if not args.dpuc:
            ap.error("--check-only needs --dpuc")
        with open(OUT_JSON) as f:
            rec = json.load(f)
        return check(args.dpuc, rec)

    import torch
    common.torch_setup(args.seed)
    x_train, y_train, x_test, y_test = common.load_fashion_mnist()
    x_sub, y_sub = x_train[:args.train_count], y_train[:args.train_count]

    fmodel = compare_torch_ptq.torch_float_module(NAME)
    f_top1 = common.top1(compare_torch_ptq.predict(fmodel, x_test), y_test)
    folded = fold_bn(copy.deepcopy(fmodel))
    fold_top1 = common.top1(compare_torch_ptq.predict(folded, x_test), y_test)
    print("float %.2f%%, BatchNorm folded %.2f%%" % (100 * f_top1, 100 * fold_top1))

    qat = prepare(folded, args.weight_min)
    # Initial ranges: observe the calibration images before any weight moves.
    qat.eval()
    set_observers(qat, True)
    compare_torch_ptq.predict(qat, x_train[:1000], batch=100)
    start = common.top1(compare_torch_ptq.predict(qat, x_test), y_test)
    print("fake-quant before fine-tuning: %.2f%%" % (100 * start))

    secs = finetune(qat, x_sub, y_sub, args.epochs, args.lr, args.batch, args.seed,
                    freeze_epoch=max(args.epochs - 1, 1),
                    freeze_weights=args.weight_min == -128)
    logits = compare_torch_ptq.predict(qat, x_test)
    fq = common.top1(logits, y_test)
    fq1000 = common.top1(logits[:1000], y_test[:1000])
    print("fake-quant after %d epochs on %d images (%.0f s): %.2f%% (first 1000: %.2f%%)"
          % (args.epochs, args.train_count, secs, 100 * fq, 100 * fq1000))

    if args.weight_min == -127:
        widen_weight_range(qat, x_test[:1000])
    ops = export(qat, OUT_ONNX)
    print("wrote %s (%d bytes): %s" % (OUT_ONNX, os.path.getsize(OUT_ONNX), ops))
    rec = {"model": "models/" + os.path.basename(OUT_ONNX),
           "from": "models/%s.onnx" % NAME,
           "float_top1": round(f_top1, 4),
           "torch_fakequant_top1": round(fq, 4),
           "torch_fakequant_top1_test_1000": round(fq1000, 4),
           "torch_fakequant_hits": int(round(fq * len(y_test))),
           "torch_fakequant_hits_test_1000": int(round(fq1000 * 1000)),
           # The sanitizer builds' ctest runs only the first 250 of test_1000.npy.
           "torch_fakequant_hits_test_250": int((logits[:250].argmax(1) == y_test[:250]).sum()),
           "qat": {"epochs": args.epochs, "train_images": args.train_count, "lr": args.lr,
                   "batch": args.batch, "seed": args.seed, "seconds": round(secs),
                   "qconfig": "onednn QAT: quint8 [0,255] per-tensor activations, qint8 "
                              "[%d,127] per-channel symmetric weights, BatchNorm folded "
                              "first" % args.weight_min, "torch": torch.__version__},
           "reproduce": "/usr/bin/python3 models/qat_mobilenetv2_small.py"}
    status = 0
    if args.dpuc:
        rec["element_check"] = measure(args.dpuc, OUT_ONNX, x_test, logits, args.measure)
        status = check(args.dpuc, rec)
    with open(OUT_JSON, "w") as f:
        json.dump(rec, f, indent=2)
        f.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
