"""Linear classifiers on raw pixels: one weight per pixel and class, so each class's weights form an
image of the same shape as the input, its template. Softmax regression or a multiclass SVM,
depending on the loss it is trained with."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..configs import Each, OneOf, Settings, Whole
from ..data.tensors import image_tensor


@dataclass(frozen=True)
class LinearConfig(Settings):
    """centered: subtract the training images' mean image before the weights (kept in the weights file as
    ``mean``), the classic preprocessing that lets each template show what sets its class apart."""

    image_shape: tuple[int, int] = (28, 28)
    in_channels: int = 1
    classes: int = 10
    centered: bool = False

    constraints = {"image_shape": Each(Whole(1, 1024), 2, 2), "in_channels": OneOf(1, 3),
                   "classes": Whole(2, 1000), "centered": OneOf(True, False)}
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
        if config.centered:
            self.register_buffer("mean", torch.zeros(config.in_channels, *config.image_shape))

    def prepare(self, data) -> None:
        """Before the first step: remember the training images' mean image (centered models only)."""
        if self.config.centered:
            with torch.no_grad():
                mean_image = data.train_images.mean(0, dtype=np.float64).astype(np.float32)
                self.mean.copy_(image_tensor(mean_image[None], self.mean.device)[0])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.config.centered:
            x = x - self.mean
        return self.output(x.flatten(1))

    def named_layers(self) -> dict[str, nn.Module]:
        return {"output": self.output, "output.pre": self.output}

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"output": self(x)}

    def templates(self) -> torch.Tensor:
        """Each class's weights as an image, (classes, in_channels, H, W)."""
        return self.output.weight.detach().reshape(self.config.classes, self.config.in_channels,
                                                   *self.config.image_shape)
