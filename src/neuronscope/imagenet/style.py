"""Style transfer (Gatys et al., 2016) with an ImageNet classifier: an image is changed until its
layers' Gram matrices (which channels fire together, wherever they fire) match a style image's, while
a deeper layer keeps the content photo's arrangement.

Networks other than VGG are known to transfer style poorly; Wang, Li and Vasconcelos (CVPR 2021)
traced it to peaky, low-entropy activations and smoothed each layer's activations with a softmax
before the Gram matrices. Both are here: ``smoothing="none"`` is Gatys' loss, ``"softmax"`` the
remedy, at a temperature of the style's own activation spread (EfficientNet-Lite's activations are
capped at 6, and a softmax at temperature 1 would put all its weight on the capped ones, where no
gradient flows).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional as F
from tqdm.auto import tqdm

from ..errors import ConfigError
from ..inspect.hooks import find_layer, outputs_up_to
from ..steps import StepHook
from .classifier import ImageClassifier
from .photos import fit_longest_side, open_photo

STYLE_LAYERS = ("stem", "blocks.1", "blocks.3", "blocks.5", "blocks.8")  # EfficientNet-Lite0, edges to textures
CONTENT_LAYER = "blocks.8"
SMOOTHINGS = ("none", "softmax")
GENERATED_STYLES = ("swirls",)


@dataclass(frozen=True)
class StyleTransfer:
    """image, content, style: (3, H, W) in [0, 1]; style_loss and content_loss: after each evaluation
    of the loss, each relative to its target (1 = as far as a blank start), so runs compare."""

    image: torch.Tensor
    content: torch.Tensor
    style: torch.Tensor
    smoothing: str
    style_loss: np.ndarray
    content_loss: np.ndarray
    seconds: float

    @property
    def style_loss_fall(self) -> float:
        """How many times smaller the style loss ended than it began."""
        return float(self.style_loss[0] / max(self.style_loss[-1], 1e-30))


def swirls(size: int = 256, seed: int = 0) -> np.ndarray:
    """(size, size, 3) RGB in [0, 1]: brush strokes following a random swirling flow, in night blues
    and star yellows; a painting-like style that ships with no file. Each pixel averages a grain
    texture along its stream line (line integral convolution), so the grain smears into strokes."""
    generator = torch.Generator().manual_seed(seed)
    stream = F.interpolate(torch.randn(1, 1, 6, 6, generator=generator), size=(size, size), mode="bicubic",
                           align_corners=True)[0, 0]
    along_y, along_x = torch.gradient(stream)  # a stream function's rotated gradient: a flow without sources
    speed = (along_y.square() + along_x.square()).sqrt().clamp_min(1e-6)
    flow_x, flow_y = along_y / speed, -along_x / speed
    grain = F.avg_pool2d(torch.rand(1, 1, size, size, generator=generator), 2)
    grain = F.interpolate(grain, size=(size, size), mode="nearest")[0, 0]
    rows, columns = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    strokes = torch.zeros(size, size)
    for direction in (1, -1):
        y, x = rows.clone(), columns.clone()
        for _ in range(14):
            iy, ix = y.round().long().clamp(0, size - 1), x.round().long().clamp(0, size - 1)
            strokes += grain[iy, ix]
            y, x = y + direction * flow_y[iy, ix], x + direction * flow_x[iy, ix]
    strokes = (strokes - strokes.mean()) / strokes.std()
    height = ((stream - stream.min()) / (stream.max() - stream.min()))[..., None]
    night, sky, star = (torch.tensor(c) for c in ((0.08, 0.16, 0.45), (0.25, 0.45, 0.75), (0.95, 0.85, 0.35)))
    base = torch.where(height < 0.6, night + (sky - night) * height / 0.6, sky + (star - sky) * (height - 0.6) / 0.4)
    return (base * (1 + 0.35 * strokes[..., None])).clamp(0, 1).numpy()


def open_style(source, size: int = 256) -> np.ndarray:
    """A style image: ``swirls`` (made here), or anything :func:`open_photo` reads."""
    if isinstance(source, str) and source in GENERATED_STYLES:
        return swirls(size)
    return open_photo(source)


def _gram(features: torch.Tensor, temperature: float | None) -> torch.Tensor:
    if temperature is not None:  # the remedy: a softmax over the layer's whole activation, scaled to mean 1
        features = torch.softmax(features.flatten(1) / temperature, 1).view_as(features) * features[0].numel()
    flat = features.flatten(2)
    return flat @ flat.transpose(1, 2) / flat.shape[-1]


@torch.enable_grad()
def transfer_style(classifier: ImageClassifier, content, style, *, size: int = 256, smoothing: str = "softmax",
                   style_layers=STYLE_LAYERS, content_layer: str = CONTENT_LAYER, style_weight: float = 100.0,
                   steps: int = 300, progress: bool = False, on_step: StepHook | None = None) -> StyleTransfer:
    """``content`` (a photo: path, sample name or (H, W, 3) RGB) in the style of ``style`` (a photo, a
    painting, or ``swirls``), at ``size`` pixels on the longer side: L-BFGS on the pixels from the
    content photo, ``steps`` evaluations of the loss, minimizing ``style_weight`` x style loss + content loss, each
    relative to its target's size. ``on_step(done, steps)`` hears of each evaluation."""
    if smoothing not in SMOOTHINGS:
        raise ConfigError(f"smoothing is one of {', '.join(SMOOTHINGS)}, got {smoothing!r}")
    if not 32 <= size <= 768:
        raise ConfigError(f"size must be 32..768 pixels on the longer side, got {size}")
    if not 1 <= steps <= 2000:
        raise ConfigError(f"steps must be 1..2000, got {steps}")
    if not (math.isfinite(style_weight) and 0 < style_weight <= 1e6):
        raise ConfigError(f"style_weight must be above 0 and at most 1e6, got {style_weight}")
    style_layers = list(style_layers)
    if not style_layers:
        raise ConfigError("name at least one style layer")
    for layer in [*style_layers, content_layer]:
        find_layer(classifier, layer)
    device = classifier.mean.device
    content_x = fit_longest_side(open_photo(content), size, smallest=16).to(device)
    style_x = fit_longest_side(open_style(style, size), size, smallest=16).to(device)
    layers = list(dict.fromkeys([*style_layers, content_layer]))
    with torch.no_grad():
        style_features = outputs_up_to(classifier, style_x, layers)
        temperatures = {layer: float(style_features[layer].std()) if smoothing == "softmax" else None
                        for layer in style_layers}
        targets = {layer: _gram(style_features[layer], temperatures[layer]) for layer in style_layers}
        content_target = outputs_up_to(classifier, content_x, [content_layer])[content_layer]

    def losses(x):
        features = outputs_up_to(classifier, x, layers)
        style_loss = sum((_gram(features[layer], temperatures[layer]) - targets[layer]).square().sum()
                         / targets[layer].square().sum().clamp_min(1e-30) for layer in style_layers) / len(style_layers)
        content_loss = (features[content_layer] - content_target).square().sum() / content_target.square().sum()
        return style_loss, content_loss

    image = content_x.clone().requires_grad_(True)
    optimizer = torch.optim.LBFGS([image], lr=1, max_iter=steps, max_eval=steps, history_size=20,
                                  line_search_fn="strong_wolfe")
    history: list[tuple[float, float]] = []
    bar = tqdm(total=steps, desc=f"style ({smoothing})", disable=not progress, leave=False)

    def closure():
        style_loss, content_loss = losses(image.clamp(0, 1))
        total = style_weight * style_loss + content_loss
        if not torch.isfinite(total):
            raise ConfigError("the style loss is not a finite number; try a smaller style_weight")
        (image.grad,) = torch.autograd.grad(total, image)  # the network's own weights get no gradients
        history.append((float(style_loss.detach()), float(content_loss.detach())))
        bar.update(1)
        if on_step:
            on_step(len(history), steps)
        return total

    started = time.perf_counter()
    try:
        optimizer.step(closure)
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    style_loss, content_loss = np.array(history).T
    return StyleTransfer(image.detach().clamp(0, 1)[0].cpu(), content_x[0].cpu(), style_x[0].cpu(), smoothing,
                         style_loss, content_loss, seconds)
