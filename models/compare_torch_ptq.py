#!/usr/bin/python3
"""Our post-training quantization against PyTorch's, on the model zoo.

For every zoo model (models/*.onnx) and every calibration set k = 0 .. --draws - 1 (training
images 1000k .. 1000k + 999; default 10 sets) this script measures, on the 10,000
Fashion-MNIST test images:

  float   the committed ONNX model, run as a torch nn.Module that carries the ONNX
          initializers (the module is rebuilt from the training script's definition and
          its state_dict loaded from the ONNX file; its top-1 must equal zoo.json's);
  torch   PyTorch's own post-training quantization of that module: torch.ao.quantization
          FX graph mode (prepare_fx / convert_fx) with the onednn backend and its default
          qconfig (HistogramObserver activations, per-channel symmetric int8 weights),
          calibrated on the set's 1000 training images;
  ours    `dpuc quantize MODEL.onnx --adaround --calib-method mse` (--quantize-args: the
          setting the validation split chose for the zoo; '' for dpuc's defaults) on the
          same 1000 images, then `dpuc eval` of the model.q8 (the reference interpreter,
          bit-exact with the accelerator).

Besides top-1 it measures, for torch and ours alike, the SQNR of the int8 model's logits
against the float model's on the first --sqnr-count images of the split (10 log10 of
sum f^2 / sum (q - f)^2, as `dpuc eval --compare` defines it). Top-1 moves by whole images
that sit near a decision boundary; the SQNR averages the quantization error over every
image and class, so it tells which quantizer is more faithful to the float model.

Why several calibration sets: which 1000 images calibrate moves either quantizer's top-1 by
a few images of 10,000 (torch's LeNet-5 ranges over 90.78 .. 90.89%), about as much as the
two differ, because the int8 model's top-1 is decided by the few dozen test images whose
two best classes are within a quantization step. The mean over the sets, and the standard
error of the per-set differences, say which quantizer is the more accurate; one set is a
draw.

--split validation measures on training images 50000..59999 instead of the test set
(calibration stays below 50000), the split models/validate_calib_methods.sh uses to choose
methods without looking at the test set.

It prints the table of the first set, then (with more than one) the means over the sets,
and exits 1 when ours is less accurate (top-1; the mean over the sets) than torch on any
model (2 on a setup error). CI does not run it: it needs Debian's python3-torch and the full
data set, and takes about half an hour on two cores with 10 sets.

    /usr/bin/python3 models/compare_torch_ptq.py [--dpuc build/bin/dpuc] [--models lenet5,...]
        [--split test|validation] [--draws K] [--sqnr-count N] [--quantize-args='--adaround']
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import common  # noqa: E402

MODELS = ["lenet5", "resnet_small", "mobilenetv2_small"]
CALIB_COUNT = 1000
VALIDATION_FIRST, VALIDATION_COUNT = 50000, 10000
BACKEND = "onednn"
# Ours: the most faithful setting on the validation split over five calibration sets
# (docs/quantization.md, "Against PyTorch's post-training quantization").
RECOMMENDED = "--adaround --calib-method mse"


def build_module(name):
    """The training script's nn.Module for `name`, without training it."""
    mod = __import__("train_" + name)
    return mod.build_model()


def load_onnx_weights(model, path):
    """Copy the ONNX initializers into `model` (names are the state_dict keys, as
    torch.onnx.export wrote them). Every parameter and buffer must be found, except
    BatchNorm's num_batches_tracked, which inference does not use."""
    import onnx
    import torch
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    state = model.state_dict()
    missing = []
    for k, v in state.items():
        if k in inits:
            a = inits[k]
            if tuple(a.shape) != tuple(v.shape):
                raise SystemExit("%s: initializer %s has shape %s, the module wants %s"
                                 % (path, k, a.shape, tuple(v.shape)))
            state[k] = torch.from_numpy(a.copy()).to(v.dtype)
        elif not k.endswith("num_batches_tracked"):
            missing.append(k)
    if missing:
        raise SystemExit("%s: no initializer for %s" % (path, ", ".join(missing)))
    model.load_state_dict(state)
    model.eval()
    return model


def torch_float_module(name):
    return load_onnx_weights(build_module(name), os.path.join(HERE, name + ".onnx"))


def predict(model, x_u8, batch=500):
    import torch
    out = []
    with torch.no_grad():
        for i in range(0, x_u8.shape[0], batch):
            out.append(model(torch.from_numpy(common.normalise(x_u8[i:i + batch]))).numpy())
    return np.concatenate(out)


def torch_ptq(model, calib_u8):
    """torch.ao FX post-training static quantization with the onednn backend."""
    import copy
    import torch
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = BACKEND
    qmap = get_default_qconfig_mapping(BACKEND)
    example = (torch.from_numpy(common.normalise(calib_u8[:1])),)
    prepared = prepare_fx(copy.deepcopy(model).eval(), qmap, example)
    predict(prepared, calib_u8, batch=100)     # calibration: observers record ranges
    return convert_fx(prepared)


def eval_split_args(data_dir, split):
    """`dpuc eval` options that select the measured images of `split`."""
    if split == "test":
        return ["--data", find(data_dir, "t10k-images-idx3-ubyte"),
                "--labels", find(data_dir, "t10k-labels-idx1-ubyte")]
    return ["--data", find(data_dir, "train-images-idx3-ubyte"),
            "--labels", find(data_dir, "train-labels-idx1-ubyte"),
            "--offset", str(VALIDATION_FIRST), "--count", str(VALIDATION_COUNT)]


def ours(dpuc, name, data_dir, tmp, extra, split, sqnr_count, calib_first):
    """`dpuc quantize` on training images calib_first .. calib_first + 999, then `dpuc eval`
    of the model.q8 on the split (top-1) and of the float model with --compare model.q8 on
    the split's first sqnr_count images (logits SQNR); returns (top-1, logits SQNR in dB,
    seconds for quantize, seconds for the evaluations)."""
    norm = ["--mean", "%.4f" % common.MEAN, "--std", "%.4f" % common.STD]
    q8 = os.path.join(tmp, name + ".q8")
    onnx_path = os.path.join(HERE, name + ".onnx")
    t0 = time.time()
    subprocess.run([dpuc, "quantize", onnx_path,
                    "--calib", find(data_dir, "train-images-idx3-ubyte"),
                    "--calib-offset", str(calib_first), "--calib-count", str(CALIB_COUNT),
                    "-o", q8, "--quiet"] + norm + extra, check=True)
    t1 = time.time()
    data = eval_split_args(data_dir, split)
    res = subprocess.run([dpuc, "eval", q8, "--json", "--quiet"] + data + norm,
                         check=True, stdout=subprocess.PIPE, text=True)
    top1 = eval_top1(res.stdout)
    # The SQNR run reads the split's first sqnr_count images (the later --count wins).
    res = subprocess.run([dpuc, "eval", onnx_path, "--compare", q8, "--sqnr-count",
                          str(sqnr_count), "--json", "--quiet"] + data + norm
                         + ["--count", str(sqnr_count)],
                         check=True, stdout=subprocess.PIPE, text=True)
    t2 = time.time()
    doc = json.loads(res.stdout)
    return top1, float(doc["sqnr"][-1]["sqnr_db"]), t1 - t0, t2 - t1


def logits_sqnr(f, q):
    """SQNR in dB of logits q against float logits f (the definition of dpuc eval)."""
    f = f.astype(np.float64)
    err = np.sum((q.astype(np.float64) - f) ** 2)
    return float("inf") if err == 0 else 10.0 * np.log10(np.sum(f * f) / err)


def eval_top1(text):
    """top-1 of the first model in `dpuc eval --json` output."""
    doc = json.loads(text)
    models = doc.get("models") if isinstance(doc, dict) else None
    first = models[0] if models else doc
    return float(first["top1"])


def find(data_dir, stem):
    for p in (os.path.join(data_dir, stem + ".gz"), os.path.join(data_dir, stem)):
        if os.path.exists(p):
            return p
    raise SystemExit("no %s(.gz) in %s (apt-get install dataset-fashion-mnist)" % (stem, data_dir))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpuc", default=os.path.join(ROOT, "build", "bin", "dpuc"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--json", help="also write the results to this JSON file")
    ap.add_argument("--quantize-args", default=RECOMMENDED,
                    help="`dpuc quantize` options for ours (default '%s', chosen on the "
                         "validation split; '' for dpuc's defaults); write it with '=' "
                         "when it starts with '--'" % RECOMMENDED)
    ap.add_argument("--split", choices=("test", "validation"), default="test",
                    help="test: the 10,000 test images (default); validation: training "
                         "images 50000..59999")
    ap.add_argument("--sqnr-count", type=int, default=2000,
                    help="images for the logits SQNR (the split's first N; default 2000)")
    ap.add_argument("--draws", type=int, default=10,
                    help="calibration sets: set k calibrates on training images 1000k .. "
                         "1000k + 999 (default 10; 1: the first 1000 only); with more than "
                         "one, the verdict is on the mean top-1 over the sets")
    args = ap.parse_args()
    if not 1 <= args.draws <= VALIDATION_FIRST // CALIB_COUNT:
        ap.error("--draws must be 1 .. %d (calibration stays below the validation split)"
                 % (VALIDATION_FIRST // CALIB_COUNT))
    if not os.access(args.dpuc, os.X_OK):
        print("compare_torch_ptq: %s is not an executable (build dpuc, or --dpuc PATH)"
              % args.dpuc, file=sys.stderr)
        return 2
    import torch
    if BACKEND not in torch.backends.quantized.supported_engines:
        print("compare_torch_ptq: this torch (%s) has no %s quantized engine (has %s)"
              % (torch.__version__, BACKEND, torch.backends.quantized.supported_engines),
              file=sys.stderr)
        return 2
    torch.manual_seed(0)
    data_dir = os.environ.get("FASHION_MNIST_DIR", common.DEFAULT_DATA_DIR)
    x_train, y_train, x_test, y_test = common.load_fashion_mnist(data_dir)
    if args.split == "validation":
        x_eval = x_train[VALIDATION_FIRST:VALIDATION_FIRST + VALIDATION_COUNT]
        y_eval = y_train[VALIDATION_FIRST:VALIDATION_FIRST + VALIDATION_COUNT]
    else:
        x_eval, y_eval = x_test, y_test
    nsq = min(args.sqnr_count, x_eval.shape[0]) if args.sqnr_count > 0 else x_eval.shape[0]
    with open(os.path.join(HERE, "zoo.json")) as f:
        zoo = {m["name"]: m for m in json.load(f)["models"]}

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            model = torch_float_module(name)
            f_top1 = common.top1(predict(model, x_test), y_test)
            # The rebuilt module must be the committed model: same top-1 as zoo.json's
            # (measured at training time on the same 10,000 images).
            want = zoo[name]["float_top1"]
            if abs(f_top1 - want) > 0.00005:
                print("compare_torch_ptq: %s: torch module with the ONNX weights gives "
                      "%.4f, zoo.json says %.4f" % (name, f_top1, want), file=sys.stderr)
                return 2
            f_logits = predict(model, x_eval)
            f_eval = common.top1(f_logits, y_eval)
            draws = []
            for k in range(args.draws):
                first = k * CALIB_COUNT
                t0 = time.time()
                qmodel = torch_ptq(model, x_train[first:first + CALIB_COUNT])
                t_q = time.time() - t0
                t_logits = predict(qmodel, x_eval)
                t_top1 = common.top1(t_logits, y_eval)
                t_sqnr = logits_sqnr(f_logits[:nsq], t_logits[:nsq])
                o_top1, o_sqnr, o_q, o_e = ours(args.dpuc, name, data_dir, tmp,
                                                shlex.split(args.quantize_args), args.split,
                                                nsq, first)
                draws.append(dict(calib_first=first, torch=t_top1, ours=o_top1,
                                  torch_sqnr_db=round(t_sqnr, 2), ours_sqnr_db=round(o_sqnr, 2),
                                  torch_quantize_s=round(t_q, 1), ours_quantize_s=round(o_q, 1),
                                  ours_eval_s=round(o_e, 1)))
                print("%s, calibration images %d..%d: float %.2f%%, torch PTQ %.2f%% %.2f dB "
                      "(%.1f s), ours %.2f%% %.2f dB (quantize %.1f s)"
                      % (name, first, first + CALIB_COUNT - 1, 100 * f_eval, 100 * t_top1,
                         t_sqnr, t_q, 100 * o_top1, o_sqnr, o_q), file=sys.stderr)
            rows.append(dict(model=name, float=f_eval, draws=draws,
                             **{key: draws[0][key] for key in draws[0] if key != "calib_first"}))

    where = ("the 10,000 Fashion-MNIST test images" if args.split == "test" else
             "the validation split (training images %d..%d)"
             % (VALIDATION_FIRST, VALIDATION_FIRST + VALIDATION_COUNT - 1))
    print("Top-1 on %s, logits SQNR against float on its first %d; calibration: the first %d "
          "training images (the first set)" % (where, nsq, CALIB_COUNT))
    print("torch %s: torch.ao.quantization FX, %s backend, default qconfig"
          % (torch.__version__, BACKEND))
    print("ours: dpuc quantize %s(1000 images), dpuc eval"
          % (args.quantize_args + " " if args.quantize_args.strip() else "with its defaults "))
    print()
    print("| model | float | torch PTQ | ours | ours - torch | ours - float "
          "| torch SQNR dB | ours SQNR dB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    behind = []
    for r in rows:
        d = 100 * (r["ours"] - r["torch"])
        print("| %s | %.2f%% | %.2f%% | %.2f%% | %+.2f | %+.2f | %.2f | %.2f |"
              % (r["model"], 100 * r["float"], 100 * r["torch"], 100 * r["ours"], d,
                 100 * (r["ours"] - r["float"]), r["torch_sqnr_db"], r["ours_sqnr_db"]))
        if r["ours"] < r["torch"]:
            behind.append(r["model"])
    if args.draws > 1:
        behind = draws_table(rows, args.draws)
    print()
    print("ours at least as accurate as torch on every model%s: %s"
          % (" (mean over the calibration sets)" if args.draws > 1 else "",
             "yes" if not behind else "NO (%s)" % ", ".join(behind)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(torch=torch.__version__, backend=BACKEND, calib=CALIB_COUNT,
                           split=args.split, sqnr_count=nsq, draws=args.draws,
                           quantize_args=args.quantize_args,
                           models=rows), f, indent=2)
            f.write("\n")
    return 1 if behind else 0


def draws_table(rows, ndraws):
    """Print the comparison over every calibration set; return the models on which ours is
    less accurate than torch on average."""
    print()
    print("Over %d calibration sets (training images 1000k .. 1000k + 999, k = 0..%d): mean "
          "top-1 (lowest .. highest), the mean of the per-set differences ours - torch with its "
          "standard error, sets where ours >= torch, mean logits SQNR:" % (ndraws, ndraws - 1))
    print()
    print("| model | float | torch PTQ | ours | ours - torch (s.e.) | ours >= torch "
          "| torch SQNR dB | ours SQNR dB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    behind = []
    for r in rows:
        t = [d["torch"] for d in r["draws"]]
        o = [d["ours"] for d in r["draws"]]
        tm, om = sum(t) / len(t), sum(o) / len(o)
        r["torch_mean"], r["ours_mean"] = tm, om
        wins = sum(1 for a, b in zip(o, t) if a >= b)
        diffs = [a - b for a, b in zip(o, t)]
        sd = (sum((x - (om - tm)) ** 2 for x in diffs) / (len(diffs) - 1)) ** 0.5
        r["diff_se"] = sd / len(diffs) ** 0.5
        print("| %s | %.2f%% | %.3f%% (%.2f .. %.2f) | %.3f%% (%.2f .. %.2f) | %+.3f (%.3f) "
              "| %d of %d | %.2f | %.2f |"
              % (r["model"], 100 * r["float"], 100 * tm, 100 * min(t), 100 * max(t),
                 100 * om, 100 * min(o), 100 * max(o), 100 * (om - tm), 100 * r["diff_se"],
                 wins, len(o),
                 sum(d["torch_sqnr_db"] for d in r["draws"]) / len(t),
                 sum(d["ours_sqnr_db"] for d in r["draws"]) / len(o)))
        if om < tm:
            behind.append(r["model"])
    return behind


if __name__ == "__main__":
    sys.exit(main())
