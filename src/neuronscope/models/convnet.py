"""A small convolutional network for grayscale digits: two conv layers that learn local strokes and
their combinations, pooled, then a dense layer and the class scores."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..configs import config_from_json, config_to_json
from ..errors import ConfigError

MAX_CHANNELS = 512


@dataclass(frozen=True)
class ConvNetConfig:
    channels: tuple[int, int] = (16, 32)
    kernel: int = 5
    dense: int = 128
    image_shape: tuple[int, int] = (28, 28)
    in_channels: int = 1
    classes: int = 10

    def __post_init__(self):
        object.__setattr__(self, "channels", tuple(int(c) for c in self.channels))
        object.__setattr__(self, "image_shape", tuple(int(s) for s in self.image_shape))
        if len(self.channels) != 2 or not all(1 <= c <= MAX_CHANNELS for c in self.channels):
            raise ConfigError(f"channels are two numbers in 1..{MAX_CHANNELS}, got {list(self.channels)}")
        if self.kernel not in (3, 5, 7):
            raise ConfigError(f"kernel must be 3, 5 or 7, got {self.kernel}")
        if any(s % 4 or s < 8 for s in self.image_shape):
            raise ConfigError(f"image sides must be multiples of 4 of at least 8 (two 2x2 poolings), "
                              f"got {list(self.image_shape)}")
        if not 1 <= self.dense <= 4096 or not 2 <= self.classes <= 1000 or self.in_channels not in (1, 3):
            raise ConfigError("dense must be 1..4096, classes 2..1000 and in_channels 1 or 3")

    @property
    def layer_names(self) -> list[str]:
        return ["conv1", "conv2", "fc1", "output"]

    def to_json(self) -> dict:
        return config_to_json(self, kind="convnet")

    @classmethod
    def from_json(cls, data: dict) -> ConvNetConfig:
        return config_from_json(cls, data, "ConvNet", kind="convnet")


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

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Each named layer's output for a batch, output scores last."""
        a1 = self.relu1(self.conv1(x))
        a2 = self.relu2(self.conv2(self.pool(a1)))
        f = self.relu3(self.fc1(self.pool(a2).flatten(1)))
        return {"conv1": a1, "conv2": a2, "fc1": f, "output": self.output(f)}
