#!/usr/bin/python3
"""Check the committed zoo without torch (needs only numpy and python3-onnx).

For each model in models/zoo.json: onnx.checker, the structural rules the C
toolchain relies on (opset 13, input "input" [1,1,28,28], output "logits"
[1,10], no training-mode ops, BatchNormalization in inference form), then
the float top-1 on models/data/test_1000.npy with the numpy evaluator
(models/onnx_ref.py) against the value recorded in zoo.json, and the logits
of test_20 against models/data/<name>_test_20_logits.npy.

    /usr/bin/python3 models/check_zoo.py        # exit status 0 when all agree
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402
import onnx_ref  # noqa: E402


def main():
    with open(common.ZOO_JSON) as f:
        zoo = json.load(f)
    data = os.path.join(HERE, "data")
    x1000 = common.normalise(np.load(os.path.join(data, "test_1000.npy")))
    y1000 = np.load(os.path.join(data, "test_1000_labels.npy"))
    passed = failed = 0
    for m in zoo["models"]:
        path = os.path.join(os.path.dirname(HERE), m["file"])
        problems = []
        try:
            ops = common.check_onnx(path)
            if ops != sorted(m["ops"]):
                problems.append("ops %s != zoo.json %s" % (ops, sorted(m["ops"])))
            logits = onnx_ref.run_batched(path, x1000)
            acc = common.top1(logits, y1000)
            if abs(acc - m["float_top1_test_1000"]) > 0.0015:
                problems.append("top-1 on test_1000 %.4f != zoo.json %.4f"
                                % (acc, m["float_top1_test_1000"]))
            ref20 = np.load(os.path.join(data, m["name"] + "_test_20_logits.npy"))
            d = float(np.abs(logits[:20] - ref20).max())
            if d > 1e-3:
                problems.append("test_20 logits differ by %.2e" % d)
        except Exception as e:  # report every model, not just the first failure
            problems.append("%s: %s" % (type(e).__name__, e))
            acc = float("nan")
        status = "FAIL" if problems else "ok"
        print("%-4s %-18s top-1(test_1000) %.2f%%  %s" % (status, m["name"], 100 * acc,
                                                        "; ".join(problems)))
        failed += bool(problems)
        passed += not problems
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
