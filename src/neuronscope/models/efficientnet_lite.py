"""EfficientNet-Lite (Tan and Le, 2019; the "Lite" variants for mobile): a stem convolution, sixteen
mobile inverted bottleneck blocks (expand with a 1x1 convolution, filter each channel alone with a
depthwise 3x3 or 5x5 one, project back with a 1x1) and a 1x1 head, with ReLU6 throughout and no
squeeze-and-excitation. Convolutions pad like TensorFlow's "SAME" (the extra pixel on the bottom and
right), which the published ImageNet weights were trained with."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import fuse_conv_bn_eval

from ..configs import OneOf, Settings, Whole

# (repeats, kernel, stride, expansion, output channels) of each stage: the lite0 builder's table
STAGES = ((1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80), (3, 5, 1, 6, 112),
          (4, 5, 2, 6, 192), (1, 3, 1, 6, 320))
# width and depth multipliers, input resolution of each variant
VARIANTS = {"lite0": (1.0, 1.0, 224), "lite1": (1.0, 1.1, 240), "lite2": (1.1, 1.2, 260)}
STEM, HEAD = 32, 1280
BN_EPSILON = 1e-3


@dataclass(frozen=True)
class EfficientNetLiteConfig(Settings):
    variant: str = "lite0"
    classes: int = 1000

    constraints = {"variant": OneOf(*VARIANTS), "classes": Whole(2, 100_000)}
    kind = "imagenet"
    what = "EfficientNet-Lite"

    @property
    def resolution(self) -> int:
        return VARIANTS[self.variant][2]

    @property
    def layer_names(self) -> list[str]:
        """The stem, every block (``blocks.0`` .. ``blocks.15``), the head, and the class scores."""
        return ["stem", *(f"blocks.{i}" for i in range(len(_block_plan(self.variant)))), "head", "output"]


def _round_channels(channels: int, width: float) -> int:
    """Channels times the width multiplier, to a multiple of 8 and never more than 10% below."""
    if width == 1.0:
        return channels
    scaled = channels * width
    rounded = max(8, int(scaled + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * scaled else rounded


def _block_plan(variant: str) -> list[tuple[int, int, int, int, int]]:
    """(input channels, output channels, kernel, stride, expansion) of every block; the first and last
    stages keep their repeats (the Lite variants do not scale stem and head)."""
    width, depth, _ = VARIANTS[variant]
    plan, channels = [], STEM
    for index, (repeats, kernel, stride, expansion, out) in enumerate(STAGES):
        out = _round_channels(out, width)
        if 0 < index < len(STAGES) - 1:
            repeats = int(math.ceil(depth * repeats))
        for r in range(repeats):
            plan.append((channels, out, kernel, stride if r == 0 else 1, expansion))
            channels = out
    return plan


class SameConv2d(nn.Conv2d):
    """A convolution padded like TensorFlow's "SAME": the output is ceil(input / stride) in size, and
    an odd total padding puts the extra pixel at the bottom and right."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        padding = []
        for size, kernel, stride in zip(reversed(x.shape[-2:]), reversed(self.kernel_size), reversed(self.stride)):
            total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
            padding += [total // 2, total - total // 2]
        if any(padding):  # a 1x1 convolution needs none, and padding by nothing would still copy the input
            x = F.pad(x, padding)
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class ConvBN(nn.Sequential):
    """Convolution (no bias), batch normalization and, unless ``activate`` is False, ReLU6."""

    def __init__(self, inputs: int, outputs: int, kernel: int, stride: int = 1, groups: int = 1,
                 activate: bool = True):
        layers = [SameConv2d(inputs, outputs, kernel, stride, groups=groups, bias=False),
                  nn.BatchNorm2d(outputs, eps=BN_EPSILON)]
        super().__init__(*layers, *([nn.ReLU6()] if activate else []))


class MBConv(nn.Module):
    """Mobile inverted bottleneck: expand (1x1), depthwise filter, project (1x1, no activation), and
    add the input back when the shape allows."""

    def __init__(self, inputs: int, outputs: int, kernel: int, stride: int, expansion: int):
        super().__init__()
        hidden = inputs * expansion
        self.expand = ConvBN(inputs, hidden, 1) if expansion != 1 else nn.Identity()
        self.depthwise = ConvBN(hidden, hidden, kernel, stride, groups=hidden)
        self.project = ConvBN(hidden, outputs, 1, activate=False)
        self.residual = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.project(self.depthwise(self.expand(x)))
        return out + x if self.residual else out


class EfficientNetLite(nn.Module):
    """Normalized RGB images (n, 3, H, W) -> class scores (n, classes). Any image size works; the
    weights were trained at ``config.resolution``."""

    def __init__(self, config: EfficientNetLiteConfig):
        super().__init__()
        self.config = config
        plan = _block_plan(config.variant)
        self.stem = ConvBN(3, STEM, 3, 2)
        self.blocks = nn.Sequential(*(MBConv(*args) for args in plan))
        self.head = ConvBN(plan[-1][1], HEAD, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.output = nn.Linear(HEAD, config.classes)

    def fuse_batch_norm(self) -> EfficientNetLite:
        """Fold each batch normalization into the convolution before it, for a network that is only
        looked into, never trained again: its statistics become weights, which spares a pass over every
        feature map. Outputs are unchanged up to rounding, and every layer keeps its name."""
        for module in self.modules():
            if isinstance(module, ConvBN) and isinstance(module[1], nn.BatchNorm2d):
                module[0] = fuse_conv_bn_eval(module[0].eval(), module[1].eval())
                module[1] = nn.Identity()
        return self.eval()

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The head's feature maps (n, 1280, H/32, W/32)."""
        return self.head(self.blocks(self.stem(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.dropout(self.pool(self.features(x)).flatten(1)))

    def named_layers(self) -> dict[str, nn.Module]:
        """Modules whose outputs are each layer's activations, from the stem to the class scores."""
        return {"stem": self.stem, **{f"blocks.{i}": block for i, block in enumerate(self.blocks)},
                "head": self.head, "output": self.output}
