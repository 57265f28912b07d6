"""Random, size-preserving changes applied to the image before each step. An image that keeps
exciting a neuron while it shifts, grows and turns a little must contain a robust pattern, not a
pixel-exact trick: the main reason regularized visualizations look like something."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

Transform = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def _uniform(generator: torch.Generator, low: float, high: float) -> float:
    return low + (high - low) * float(torch.rand((), generator=generator))


def jitter(pixels: int) -> Transform:
    """Shift the whole batch by up to ``pixels`` in each direction (borders reflected)."""

    def apply(images, generator):
        if pixels < 1:
            return images
        p = min(pixels, images.shape[-1] - 1, images.shape[-2] - 1)
        padded = nn.functional.pad(images, (p, p, p, p), mode="reflect")
        dy, dx = (int(torch.randint(0, 2 * p + 1, (), generator=generator)) for _ in range(2))
        return padded[..., dy:dy + images.shape[-2], dx:dx + images.shape[-1]]

    return apply


def _affine(images: torch.Tensor, scale: float, degrees: float) -> torch.Tensor:
    angle = math.radians(degrees)
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    theta = torch.tensor([[cos, -sin, 0.0], [sin, cos, 0.0]], dtype=images.dtype, device=images.device)
    grid = nn.functional.affine_grid(theta.expand(images.shape[0], 2, 3), list(images.shape), align_corners=False)
    return nn.functional.grid_sample(images, grid, padding_mode="reflection", align_corners=False)


def random_scale(scales: Sequence[float]) -> Transform:
    """Zoom by a factor drawn from ``scales`` (e.g. 0.9..1.1)."""
    low, high = min(scales), max(scales)
    return lambda images, generator: _affine(images, _uniform(generator, low, high), 0.0)


def random_rotate(degrees: float) -> Transform:
    """Turn by up to ``degrees`` either way."""
    return lambda images, generator: _affine(images, 1.0, _uniform(generator, -degrees, degrees))


def compose(*transforms: Transform) -> Transform:
    def apply(images, generator):
        for transform in transforms:
            images = transform(images, generator)
        return images

    return apply


def standard(size: int) -> Transform:
    """Lucid's robustness recipe: shifts of up to 8 and then 4 pixels around a small zoom and turn, as
    Lucid takes them at ImageNet sizes; smaller below 56 pixels (4 + 2 at 28, MNIST's size), none
    below 14, where one pixel is already a large part of the picture."""
    shift = min(size // 14, 4)
    return compose(jitter(2 * shift), random_scale((0.92, 1.08)), random_rotate(8), jitter(shift))
