"""Linear classifiers on raw pixels: one weight per pixel and class, so each class's weights form an
image of the same shape as the input, its template. Softmax regression or a multiclass SVM,
depending on the loss it is trained with."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from ..configs import Each, OneOf, Settings, Whole


@dataclass(frozen=True)
class LinearConfig(Settings):
    image_shape: tuple[int, int] = (28, 28)
    in_channels: int = 1
    classes: int = 10

    constraints = {"image_shape": Each(Whole(1, 1024), 2, 2), "in_channels": OneOf(1, 3),
                   "classes": Whole(2, 1000)}
    kind = "linear"
    what = "linear-classifier"

    @property
    def layer_names(self) -> list[str]:
        return ["output"]


class LinearClassifier(nn.Module):
    """Input (n, in_channels, H, W) in [0, 1] -> class scores (n, classes) = W x + b."""

    def __init__(self, config: LinearConfig):
        super().__init__()
        self.config = config
        self.output = nn.Linear(config.in_channels * math.prod(config.image_shape), config.classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(x.flatten(1))

    def named_layers(self) -> dict[str, nn.Module]:
        return {"output": self.output, "output.pre": self.output}

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"output": self(x)}

    def templates(self) -> torch.Tensor:
        """Each class's weights as an image, (classes, in_channels, H, W)."""
        return self.output.weight.detach().reshape(self.config.classes, self.config.in_channels,
                                                   *self.config.image_shape)
