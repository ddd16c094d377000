#!/usr/bin/python3
"""LeNet-5 for Fashion-MNIST: the zoo's smallest model.

conv 5x5 x6 pad 2, ReLU, maxpool 2, conv 5x5 x16, ReLU, maxpool 2,
FC 120, ReLU, FC 84, ReLU, FC 10.  Writes models/lenet5.onnx.

    /usr/bin/python3 models/train_lenet5.py            # train + export + check
    /usr/bin/python3 models/train_lenet5.py --eval-only  # re-measure the .onnx
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def build_model():
    import torch.nn as nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),    # 6x14x14
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),              # 16x5x5
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


if __name__ == "__main__":
    common.run_model_script(
        "lenet5", build_model, epochs=8,
        train_kwargs=dict(optimizer="adamw", max_lr=3e-3, weight_decay=1e-4, batch=128,
                          augment=False),
        description="LeNet-5 (ReLU, max pooling) trained on Fashion-MNIST; "
                    "input " + common.normalisation_string())
