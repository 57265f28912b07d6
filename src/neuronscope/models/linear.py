"""Linear classifiers on raw pixels: one weight per pixel and class, so each class's weights form an
image of the same shape as the input, its template. Softmax regression or a multiclass SVM,
depending on the loss it is trained with."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ..configs import config_from_json, config_to_json
from ..errors import ConfigError


@dataclass(frozen=True)
class LinearConfig:
    image_shape: tuple[int, int] = (28, 28)
    in_channels: int = 1
    classes: int = 10

    def __post_init__(self):
        object.__setattr__(self, "image_shape", tuple(int(s) for s in self.image_shape))
        if len(self.image_shape) != 2 or not all(1 <= s <= 1024 for s in self.image_shape):
            raise ConfigError(f"image_shape is (height, width) of 1..1024 pixels, got {list(self.image_shape)}")
        if self.in_channels not in (1, 3) or not 2 <= self.classes <= 1000:
            raise ConfigError("in_channels must be 1 or 3 and classes 2..1000")

    @property
    def layer_names(self) -> list[str]:
        return ["output"]

    def to_json(self) -> dict:
        return config_to_json(self, kind="linear")

    @classmethod
    def from_json(cls, data: dict) -> LinearConfig:
        return config_from_json(cls, data, "linear-classifier", kind="linear")


class LinearClassifier(nn.Module):
    """Input (n, in_channels, H, W) in [0, 1] -> class scores (n, classes) = W x + b."""

    def __init__(self, config: LinearConfig):
        super().__init__()
        self.config = config
        self.output = nn.Linear(config.in_channels * math.prod(config.image_shape), config.classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(x.flatten(1))

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"output": self(x)}

    def templates(self) -> torch.Tensor:
        """Each class's weights as an image, (classes, in_channels, H, W)."""
        return self.output.weight.detach().reshape(self.config.classes, self.config.in_channels,
                                                   *self.config.image_shape)
