"""Probes: what a trained network does with inputs it was never trained on.

Noise (it answers with confidence anyway), shifted and scaled digits (where it breaks), and the
straight path from one digit to another (where its answer flips, and which neurons flip it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..data.transforms import scale, shift
from ..errors import ConfigError
from .activations import pool_units
from .evaluation import model_inputs, predict

NOISE_KINDS = ("uniform", "gaussian")
MAX_NOISE_IMAGES = 1_000_000
MAX_SHIFT = 14


def noise_images(kind: str, n: int, shape: tuple[int, int], *, mean: float = 0.5, std: float = 0.25,
                 seed: int = 0) -> np.ndarray:
    """(n, h, w) float32 in [0, 1]: ``uniform`` pixels, or ``gaussian`` N(mean, std^2) clipped to [0, 1]."""
    if kind not in NOISE_KINDS:
        raise ConfigError(f"unknown noise {kind!r}; choose one of {', '.join(NOISE_KINDS)}")
    if not 1 <= n <= MAX_NOISE_IMAGES:
        raise ConfigError(f"the number of noise images must be between 1 and {MAX_NOISE_IMAGES}, got {n}")
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return rng.random((n, *shape), dtype=np.float32)
    return np.clip(rng.normal(mean, std, (n, *shape)), 0, 1).astype(np.float32)


@dataclass(frozen=True)
class ConfidenceSummary:
    """How a network answers a set of images: how often it picks each class and how sure it is."""

    name: str
    counts: np.ndarray  # (classes,) how many images were given each class
    mean_confidence: float  # mean confidence in the predicted class
    max_confidence: float
    share_above_90: float  # fraction of images answered with confidence > 0.9
    top_images: np.ndarray  # (k, h, w) the images answered most confidently
    top_predicted: np.ndarray  # (k,)
    top_confidence: np.ndarray  # (k,)


def confidence_summary(model: nn.Module, images: np.ndarray, name: str, top: int = 10) -> ConfidenceSummary:
    """Predictions on (n, h, w) or (n, h, w, 3) images summarized; confidence is the predicted class's probability
    (for sigmoid outputs, that output neuron's activation)."""
    predicted, probs = predict(model, images)
    confidence = probs[np.arange(len(predicted)), predicted]
    order = np.argsort(-confidence, kind="stable")[:top]
    return ConfidenceSummary(name, np.bincount(predicted, minlength=probs.shape[1]), float(confidence.mean()),
                             float(confidence.max()), float((confidence > 0.9).mean()), images[order],
                             predicted[order], confidence[order])


def _accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, on_set=None) -> float:
    predicted, _ = predict(model, images)
    if on_set:
        on_set(1)
    return float((predicted == labels).mean())


def _on_planes(transform, images: np.ndarray, *args) -> np.ndarray:
    """Apply a (..., h, w) transform to grayscale (n, h, w) or color (n, h, w, 3) images."""
    if images.ndim == 4:
        return transform(images.transpose(0, 3, 1, 2), *args).transpose(0, 2, 3, 1)
    return transform(images, *args)


def shift_accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, max_shift: int = 6,
                   on_set: Callable[[int], object] | None = None) -> np.ndarray:
    """(2*max_shift+1, 2*max_shift+1) accuracy; entry [dy + max_shift, dx + max_shift] is the accuracy
    on the images moved dx pixels right and dy pixels down. ``on_set(1)`` is called after each shift."""
    if not 0 <= max_shift <= MAX_SHIFT:
        raise ConfigError(f"the largest shift must be between 0 and {MAX_SHIFT} pixels, got {max_shift}")
    offsets = range(-max_shift, max_shift + 1)
    return np.array([[_accuracy(model, _on_planes(shift, images, dx, dy), labels, on_set) for dx in offsets]
                     for dy in offsets])


def scale_accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, factors: np.ndarray,
                   on_set: Callable[[int], object] | None = None) -> np.ndarray:
    """(len(factors),) accuracy on the images zoomed about their center by each factor (0.25..4)."""
    return np.array([_accuracy(model, _on_planes(scale, images, float(f)), labels, on_set) for f in factors])


@dataclass(frozen=True)
class MorphPath:
    """The straight path (1 - t) * a + t * b between two images, and the network along it."""

    t: np.ndarray  # (steps,) from 0 to 1
    images: np.ndarray  # (steps, h, w) or (steps, h, w, 3)
    probabilities: np.ndarray  # (steps, classes)
    predicted: np.ndarray  # (steps,)
    flips: list[int]  # step indices i where predicted[i] differs from predicted[i - 1]
    layer: str  # the layer whose neurons are reported
    activations: np.ndarray  # (steps, neurons of layer); a conv layer's channels by their peak
    changing: np.ndarray  # neurons of layer that change most across the first flip (or the whole path)
    change: np.ndarray  # their change in activation (after minus before)


@torch.no_grad()
def morph_path(model: nn.Module, a: np.ndarray, b: np.ndarray, steps: int = 41, layer: str | None = None,
               top: int = 6) -> MorphPath:
    """Follow the network from image ``a`` to image ``b`` (both (h, w), or (h, w, 3) for a color
    model) in ``steps`` even steps."""
    config = model.config
    shape = tuple(config.image_shape) + ((3,) if getattr(config, "in_channels", 1) == 3 else ())
    if a.shape != b.shape or a.shape != shape:
        raise ConfigError(f"both images must have the model's shape {shape}, got {a.shape} and {b.shape}")
    if not 2 <= steps <= 10_000:
        raise ConfigError(f"steps must be between 2 and 10000, got {steps}")
    names = model.config.layer_names
    layer = layer or (names[-2] if len(names) > 1 else "output")
    if layer not in names:
        raise ConfigError(f"unknown layer {layer!r}; this model has {', '.join(names)}")
    t = np.linspace(0, 1, steps, dtype=np.float32)
    weight = t.reshape(-1, *([1] * a.ndim))
    images = (1 - weight) * a[None] + weight * b[None]
    predicted, probs = predict(model, images)
    device = next(model.parameters()).device
    activations = pool_units(model.activations(model_inputs(model, images, device))[layer]).cpu().numpy()
    flips = [i for i in range(1, steps) if predicted[i] != predicted[i - 1]]
    before, after = (flips[0] - 1, flips[0]) if flips else (0, steps - 1)
    change = activations[after] - activations[before]
    changing = np.argsort(-np.abs(change), kind="stable")[:top]
    return MorphPath(t, images, probs, predicted, flips, layer, activations, changing, change[changing])
