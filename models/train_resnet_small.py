#!/usr/bin/python3
"""A small ResNet for Fashion-MNIST (28x28, 1 channel).

stem conv3x3 16ch + BN + ReLU; 3 stages of 2 basic blocks (16, 32, 64
channels; conv-BN-ReLU-conv-BN, residual Add, ReLU); the first block of
stages 2 and 3 has stride 2 and a strided 1x1 conv + BN shortcut; global
average pool; FC 10.  Writes models/resnet_small.onnx.

    /usr/bin/python3 models/train_resnet_small.py
    /usr/bin/python3 models/train_resnet_small.py --eval-only
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import torch.nn as nn  # noqa: E402


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu2 = nn.ReLU()
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return self.relu2(y + s)


class ResNetSmall(nn.Module):
    def __init__(self, widths=(16, 32, 64), blocks=2, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            for j in range(blocks):
                layers.append(BasicBlock(cin, w, 2 if (i > 0 and j == 0) else 1))
                cin = w
        self.stages = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)      # exported as GlobalAveragePool
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(cin, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        for blk in layers:                     # start each residual branch near identity
            nn.init.zeros_(blk.bn2.weight)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.stages(self.stem(x)))))


def build_model():
    return ResNetSmall()


if __name__ == "__main__":
    common.run_model_script(
        "resnet_small", build_model, epochs=5,
        train_kwargs=dict(optimizer="sgd", max_lr=0.2, weight_decay=5e-4, batch=128,
                          augment=True, channels_last=True),
        description="Small ResNet (16/32/64 channels, 2 basic blocks per stage) trained on "
                    "Fashion-MNIST; input " + common.normalisation_string())
