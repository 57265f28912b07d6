"""Deep dream: start from a real image and change it to make a layer respond more strongly to
whatever it already sees there, coarse resolution first (octaves), so the amplified patterns grow
at several scales.

Each octave changes a smaller copy of the image and adds the upsampled change to the full-size one;
the model always sees full-size inputs, so models with dense layers (which need one input size)
can dream too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ..errors import ConfigError
from ..models.modes import in_eval_mode
from .hooks import LayerRecorder, check_image_model, find_layer


@dataclass(frozen=True)
class Dream:
    """image, original (C, H, W) in [0, 1]; amplification (steps in all,): the layer's mean squared
    activation at each step over its value on the original; octave_sizes: (height, width) per octave."""

    image: torch.Tensor
    original: torch.Tensor
    layer: str
    amplification: np.ndarray
    octave_sizes: list[tuple[int, int]]


def _energy(model: nn.Module, layer: str, images: torch.Tensor) -> torch.Tensor:
    with LayerRecorder(model, [layer]) as recorder:
        model(images)
    return recorder.output(layer).pow(2).mean()


def _resize(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(images.shape[-2:]) == tuple(size):
        return images
    return nn.functional.interpolate(images, size=size, mode="bilinear", align_corners=False)


@torch.enable_grad()  # callers may be inside torch.no_grad(); the image needs gradients
@in_eval_mode
def dream(model: nn.Module, image: torch.Tensor, layer: str, *, octaves: int = 3, octave_scale: float = 1.4,
          steps: int = 20, step_size: float = 0.01, jitter: int = 1, seed: int = 0,
          progress: bool = False) -> Dream:
    """Gradient ascent on ``layer``'s mean squared activation from ``image`` (C, H, W) in [0, 1]."""
    if image.ndim != 3:
        raise ConfigError(f"a dream starts from one image (channels, height, width), got shape {tuple(image.shape)}")
    check_image_model(model, tuple(image.shape))
    find_layer(model, layer)
    if not (1 <= octaves <= 8 and 1 <= steps <= 1000 and 0 <= jitter <= 16):
        raise ConfigError(f"octaves must be 1..8, steps 1..1000 and jitter 0..16; got {octaves}, {steps}, {jitter}")
    if not (math.isfinite(octave_scale) and 1 < octave_scale <= 4 and math.isfinite(step_size) and 0 < step_size <= 1):
        raise ConfigError(f"octave_scale must be in (1, 4] and step_size in (0, 1]; got {octave_scale}, {step_size}")
    device = next(model.parameters()).device
    full = tuple(image.shape[-2:])
    sizes = [tuple(max(4, round(s / octave_scale**k)) for s in full) for k in reversed(range(octaves))]
    original = image.detach().to(device).unsqueeze(0).clamp(0, 1)
    dreamed = original.clone()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        baseline = float(_energy(model, layer, original))
    if baseline <= 0:
        raise ConfigError(f"layer {layer!r} does not respond to this image at all (every activation is 0); "
                          f"choose another layer or image")
    amplification = []
    for size in tqdm(sizes, disable=not progress, desc=f"dreaming {layer}", leave=False):
        start = _resize(dreamed, size)
        work = start.clone()
        for _ in range(steps):
            work.requires_grad_(True)
            seen = _resize(work, full)
            if jitter:
                dy, dx = (int(torch.randint(-jitter, jitter + 1, (), generator=generator)) for _ in range(2))
                seen = torch.roll(seen, (dy, dx), dims=(-2, -1))
            energy = _energy(model, layer, seen)
            (grad,) = torch.autograd.grad(energy, work)
            with torch.no_grad():
                work = (work + step_size * grad / grad.abs().mean().clamp_min(1e-12)).clamp(0, 1)
                current = (dreamed + _resize(work - start, full)).clamp(0, 1)
                amplification.append(float(_energy(model, layer, current)) / baseline)
        dreamed = current
    return Dream(dreamed[0].cpu(), original[0].cpu(), layer, np.array(amplification), sizes)
