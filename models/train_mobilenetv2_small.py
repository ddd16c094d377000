#!/usr/bin/python3
"""A MobileNetV2-style network for Fashion-MNIST (28x28, 1 channel).

stem conv3x3 stride 1 16ch BN ReLU6; 6 inverted residual blocks
(1x1 expand, BN, ReLU6, depthwise 3x3, BN, ReLU6, 1x1 project, BN, residual
Add when input and output shapes match) reaching 96 channels; 1x1 conv to
192 + BN + ReLU6; global average pool; FC 10.  Writes models/mobilenetv2_small.onnx.

    /usr/bin/python3 models/train_mobilenetv2_small.py
    /usr/bin/python3 models/train_mobilenetv2_small.py --eval-only
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import torch.nn as nn  # noqa: E402

# (expansion t, output channels c, stride s) per block; 28x28 -> 14x14 -> 7x7.
# The first block already strides: activations of an expanded block at 28x28
# dominate CPU training time (BatchNorm is memory-bound), so only the stem and
# the first expansion run at full resolution.
BLOCKS = [
    (4, 24, 2),   # 28x28 -> 14x14
    (4, 24, 1),   # residual
    (4, 32, 2),   # -> 7x7
    (6, 32, 1),   # residual
    (6, 64, 1),
    (6, 96, 1),
]
HEAD = 192


def conv_bn_relu6(cin, cout, k, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU6()]


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, t, stride):
        super().__init__()
        hid = cin * t
        self.use_res = stride == 1 and cin == cout
        self.body = nn.Sequential(
            *conv_bn_relu6(cin, hid, 1),                           # expand
            *conv_bn_relu6(hid, hid, 3, stride, groups=hid),       # depthwise
            nn.Conv2d(hid, cout, 1, bias=False), nn.BatchNorm2d(cout))  # project (linear)
        if self.use_res:
            nn.init.zeros_(self.body[-1].weight)

    def forward(self, x):
        y = self.body(x)
        return x + y if self.use_res else y


class MobileNetV2Small(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        layers = conv_bn_relu6(1, 16, 3)
        cin = 16
        for t, c, s in BLOCKS:
            layers.append(InvertedResidual(cin, c, t, s))
            cin = c
        layers += conv_bn_relu6(cin, HEAD, 1)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)      # exported as GlobalAveragePool
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(HEAD, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.features(x))))


def build_model():
    return MobileNetV2Small()


if __name__ == "__main__":
    common.run_model_script(
        "mobilenetv2_small", build_model, epochs=5,
        train_kwargs=dict(optimizer="sgd", max_lr=0.1, weight_decay=4e-5, batch=128,
                          augment=True, channels_last=True),
        description="MobileNetV2-style network (6 inverted residual blocks, ReLU6) trained on "
                    "Fashion-MNIST; input " + common.normalisation_string())
