#!/usr/bin/python3
"""Export full-size torchvision ResNet-18, ResNet-50 and MobileNetV2 to ONNX.

These are for the toolchain's size and performance tests (ImageNet-shaped
graphs: input "input" float32 [1,3,224,224], output "logits" [1,1000]).
They have RANDOM weights (weights=None, seeded; nothing is downloaded), so
their accuracy means nothing.  They are generated, never committed: together
they are about 160 MB.

Export settings match the zoo's: opset 13, fixed batch of 1 (no dynamic
axes), eval mode, constant folding on, BatchNormalization kept in the graph.

    /usr/bin/python3 models/export_torchvision.py [OUT_DIR] [--only NAME ...]

OUT_DIR defaults to build/models/ (relative to the current directory).
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

MODELS = ("resnet18", "resnet50", "mobilenet_v2")
INPUT_SHAPE = [1, 3, 224, 224]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", nargs="?", default=os.path.join("build", "models"))
    ap.add_argument("--only", nargs="+", choices=MODELS, default=list(MODELS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--verify", action="store_true",
                    help="also run each graph with models/onnx_ref.py (numpy) on one random "
                         "input and compare with torch (slow: seconds to a minute per model)")
    args = ap.parse_args(argv)

    import torch
    import torchvision
    torch.set_num_threads(1)
    os.makedirs(args.out_dir, exist_ok=True)
    for name in args.only:
        t0 = time.time()
        torch.manual_seed(args.seed)
        model = getattr(torchvision.models, name)(weights=None).eval()
        path = os.path.join(args.out_dir, name + ".onnx")
        meta = {"opendpu.name": name,
                "opendpu.weights": "random (torchvision weights=None, torch.manual_seed(%d))"
                                   % args.seed,
                "opendpu.input_shape": INPUT_SHAPE}
        common.export_onnx(model, path, meta, input_shape=INPUT_SHAPE,
                           doc="torchvision %s %s with random weights, for toolchain tests"
                               % (torchvision.__version__, name))
        ops = common.check_onnx(path, input_shape=INPUT_SHAPE, out_shape=(1, 1000))
        print("%s: %s (%d bytes, %d params, %d MACs), %.0fs; ops: %s"
              % (name, path, os.path.getsize(path), common.count_params(model),
                 common.count_macs(model, INPUT_SHAPE), time.time() - t0, ", ".join(ops)))
        print("  op counts: %s" % common.op_histogram(path))
        if args.verify:
            import numpy as np
            import onnx_ref
            x = torch.randn(INPUT_SHAPE)
            with torch.no_grad():
                want = model(x).numpy()
            got = onnx_ref.run(path, x.numpy())
            diff = float(np.abs(got - want).max())
            scale = float(np.abs(want).max())
            print("  numpy evaluator vs torch: max |diff| %.2e (max |logit| %.2e)" % (diff, scale))
            if not diff <= 1e-4 * scale + 1e-12:   # relative: random nets can have tiny logits
                print("  MISMATCH")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
