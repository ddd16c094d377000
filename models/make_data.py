#!/usr/bin/python3
"""Extract the small Fashion-MNIST slices the C tools use, as .npy files.

Images are stored raw (uint8 [N,1,28,28], 0..255) so that the C tools apply
the normalisation themselves (--mean 0.2860 --std 0.3530 after dividing by
255; see models/README.md); labels are int32 [N].

    models/data/calib_100.npy, calib_100_labels.npy   100 training images:
        the first 10 of each class, in file order (class-balanced calibration)
    models/data/test_20.npy, test_20_labels.npy       the first 20 test images
    models/data/test_1000.npy, test_1000_labels.npy   the first 1000 test images

    /usr/bin/python3 models/make_data.py [OUT_DIR]     (default models/data)
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(common.MODELS_DIR, "data")
    os.makedirs(out, exist_ok=True)
    x_train, y_train, x_test, y_test = common.load_fashion_mnist()

    calib = np.concatenate([np.flatnonzero(y_train == c)[:10]
                            for c in range(common.NUM_CLASSES)])
    calib.sort()                       # keep file order: classes interleaved
    slices = {
        "calib_100": (x_train[calib], y_train[calib]),
        "test_20": (x_test[:20], y_test[:20]),
        "test_1000": (x_test[:1000], y_test[:1000]),
    }
    total = 0
    for name, (x, y) in slices.items():
        x = np.ascontiguousarray(x, dtype=np.uint8)
        y = np.ascontiguousarray(y, dtype=np.int32)
        for fn, arr in ((name + ".npy", x), (name + "_labels.npy", y)):
            path = os.path.join(out, fn)
            np.save(path, arr)
            total += os.path.getsize(path)
            print("%-28s %-6s %-18s %7d bytes" % (path, arr.dtype, list(arr.shape),
                                                   os.path.getsize(path)))
    print("total %d bytes" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
