"""A small convolutional network for grayscale digits: two conv layers that learn local strokes and
their combinations, pooled, then a dense layer and the class scores."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..configs import Each, OneOf, Settings, Whole
from ..errors import ConfigError

MAX_CHANNELS = 512
MAX_SIDE = 1024


@dataclass(frozen=True)
class ConvNetConfig(Settings):
    channels: tuple[int, int] = (16, 32)
    kernel: int = 5
    dense: int = 128
    image_shape: tuple[int, int] = (28, 28)
    in_channels: int = 1
    classes: int = 10

    constraints = {"channels": Each(Whole(1, MAX_CHANNELS), 2, 2), "kernel": OneOf(3, 5, 7),
                   "dense": Whole(1, 4096), "image_shape": Each(Whole(8, MAX_SIDE), 2, 2),
                   "in_channels": OneOf(1, 3), "classes": Whole(2, 1000)}
    kind = "convnet"
    what = "ConvNet"

    def __post_init__(self):
        super().__post_init__()
        if any(s % 4 for s in self.image_shape):
            raise ConfigError(f"image sides must be multiples of 4 (two 2x2 poolings), got {list(self.image_shape)}")

    @property
    def layer_names(self) -> list[str]:
        return ["conv1", "conv2", "fc1", "output"]


class ConvNet(nn.Module):
    """Input (n, in_channels, H, W) in [0, 1] -> class scores (n, classes). Each named layer's
    output is taken after its ReLU (``conv1``, ``conv2`` before pooling), the classic feature maps."""

    def __init__(self, config: ConvNetConfig):
        super().__init__()
        self.config = config
        c1, c2 = config.channels
        pad = config.kernel // 2
        self.conv1 = nn.Conv2d(config.in_channels, c1, config.kernel, padding=pad)
        self.conv2 = nn.Conv2d(c1, c2, config.kernel, padding=pad)
        h, w = (s // 4 for s in config.image_shape)
        self.fc1 = nn.Linear(c2 * h * w, config.dense)
        self.output = nn.Linear(config.dense, config.classes)
        self.relu1, self.relu2, self.relu3 = nn.ReLU(), nn.ReLU(), nn.ReLU()
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.relu1(self.conv1(x)))
        x = self.pool(self.relu2(self.conv2(x)))
        x = self.relu3(self.fc1(x.flatten(1)))
        return self.output(x)

    def named_layers(self) -> dict[str, nn.Module]:
        """Modules whose outputs are each layer's activations and, under ``NAME.pre``, its weighted sums."""
        return {"conv1": self.relu1, "conv2": self.relu2, "fc1": self.relu3, "output": self.output,
                "conv1.pre": self.conv1, "conv2.pre": self.conv2, "fc1.pre": self.fc1, "output.pre": self.output}

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Each named layer's output for a batch (after its ReLU; conv layers before pooling), output
        scores last."""
        a1 = self.relu1(self.conv1(x))
        a2 = self.relu2(self.conv2(self.pool(a1)))
        f = self.relu3(self.fc1(self.pool(a2).flatten(1)))
        return {"conv1": a1, "conv2": a2, "fc1": f, "output": self.output(f)}
