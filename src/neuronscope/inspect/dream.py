"""Deep dream: start from a real image and change it to make a layer respond more strongly to
whatever it already sees there, coarse resolution first (octaves), so the amplified patterns grow
at several scales.

Each octave changes a smaller copy of the image and carries what it added up to the next size. A
network that takes any input size (an ImageNet classifier) sees each octave at its own size, as in
the original DeepDream; a small network with dense layers, which needs one input size, always sees
the full-size image. Each step's gradient is normalized band by band of its Laplacian pyramid, so
coarse and fine patterns grow together instead of the finest pixels winning.
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
from ..steps import StepHook
from .hooks import check_image_model, find_layer, outputs_up_to


@dataclass(frozen=True)
class Dream:
    """image, original (C, H, W) in [0, 1]; amplification (steps in all,): the layer's mean squared
    activation after each step over its value on the original (at the octave's own size for a network
    that sees each octave at its size); octave_sizes: (height, width) per octave; octave_images: the
    whole dream as each octave ended, at that octave's size."""

    image: torch.Tensor
    original: torch.Tensor
    layer: str
    amplification: np.ndarray
    octave_sizes: list[tuple[int, int]]
    octave_images: list[torch.Tensor]


def _energy(model: nn.Module, layer: str, images: torch.Tensor) -> torch.Tensor:
    return outputs_up_to(model, images, [layer])[layer].pow(2).mean()


def _resize(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    if tuple(images.shape[-2:]) == tuple(size):
        return images
    smaller = size[0] < images.shape[-2]
    return nn.functional.interpolate(images, size=size, mode="bilinear", align_corners=False, antialias=smaller)


def laplacian_normalized(gradient: torch.Tensor, min_band: int = 16, max_bands: int = 4) -> torch.Tensor:
    """``gradient`` split into Laplacian pyramid bands (each half the size of the one before, none
    smaller than ``min_band`` pixels), each band scaled to unit root mean square, and summed back."""
    bands, rest = [], gradient
    while len(bands) < max_bands - 1 and min(rest.shape[-2:]) >= 2 * min_band:
        coarse = nn.functional.avg_pool2d(rest, 2, ceil_mode=True)
        bands.append(rest - _resize(coarse, tuple(rest.shape[-2:])))
        rest = coarse
    total = rest / rest.pow(2).mean().sqrt().clamp_min(1e-12)
    for band in reversed(bands):
        total = _resize(total, tuple(band.shape[-2:])) + band / band.pow(2).mean().sqrt().clamp_min(1e-12)
    return total


@torch.enable_grad()  # callers may be inside torch.no_grad(); the image needs gradients
@in_eval_mode
def dream(model: nn.Module, image: torch.Tensor, layer: str, *, octaves: int = 3, octave_scale: float = 1.4,
          steps: int = 20, step_size: float = 0.01, jitter: int = 1, seed: int = 0, progress: bool = False,
          fully_convolutional: bool = False, on_step: StepHook | None = None) -> Dream:
    """Gradient ascent on ``layer``'s mean squared activation from ``image`` (C, H, W) in [0, 1], each
    step's view shifted by up to ``jitter`` pixels. ``fully_convolutional``: the model sees each octave
    at its own size (it must take any input size). ``on_step(done, octaves * steps)`` hears of each step."""
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
    generator = torch.Generator().manual_seed(seed)
    seen_size = (lambda size: size) if fully_convolutional else (lambda size: full)
    with torch.no_grad():
        baselines = {size: float(_energy(model, layer, _resize(original, size))) for size in map(seen_size, sizes)}
    if min(baselines.values()) <= 0:
        raise ConfigError(f"layer {layer!r} does not respond to this image at all (every activation is 0); "
                          f"choose another layer or image")
    amplification, octave_images, added = [], [], torch.zeros_like(original)
    for size in tqdm(sizes, disable=not progress, desc=f"dreaming {layer}", leave=False):
        start = _resize(original, size)
        work = (start + _resize(added, size)).clamp(0, 1)
        for _ in range(steps):
            work.requires_grad_(True)
            seen = _resize(work, seen_size(size))
            shift = [int(torch.randint(-jitter, jitter + 1, (), generator=generator)) for _ in range(2)]
            energy = _energy(model, layer, torch.roll(seen, shift, dims=(-2, -1)))
            (grad,) = torch.autograd.grad(energy, work)
            with torch.no_grad():
                work = (work + step_size * laplacian_normalized(grad)).clamp(0, 1)
                amplification.append(float(_energy(model, layer, _resize(work, seen_size(size))))
                                     / baselines[seen_size(size)])
            if on_step:
                on_step(len(amplification), octaves * steps)
        added = _resize(work - start, full)
        octave_images.append(work[0].detach().cpu())
    dreamed = (original + added).clamp(0, 1)
    return Dream(dreamed[0].cpu(), original[0].cpu(), layer, np.array(amplification), sizes, octave_images)
