"""The layer hierarchy of an ImageNet classifier: channels at several depths, each rendered with the
Lucid recipe (Fourier parameterization, decorrelated color, jitter, scale and rotation) beside the
crops of real photos that excite it most, from edges and colors in the stem to textures, patterns
and object parts in the last blocks.

Each layer is one batched rendering, kept in a folder (the network's run, for neuronscope's own) so
a second atlas with the same settings draws at once; layers render side by side in worker processes
or as tasks on a Ray cluster.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from ..choices import ATLAS_LAYERS
from ..errors import ConfigError
from ..experiments.parallel import run_tasks
from ..files import atomic_write_bytes
from ..inspect import featurevis as fv
from ..inspect.hooks import find_layer, outputs_up_to
from ..steps import StepHook
from .classifier import ImageClassifier
from .looking import MAX_SIZE, fourier_lr
from .photos import fit_longest_side, open_photo, photo_bytes, photo_name, sample_photos

RECIPE = 2  # the rendering recipe's version: renderings kept by an older one are made again
EXAMPLES = 3  # crops shown per channel
EXAMPLE_SIDE = 64  # pixels a crop is stored at
PHOTO_SIDE = 320  # the longer side photos are searched at


@dataclass(frozen=True)
class Example:
    """A crop of a photo around the place a channel responds most."""

    photo: str
    activation: float
    crop: np.ndarray  # (EXAMPLE_SIDE, EXAMPLE_SIDE, 3) uint8


@dataclass(frozen=True)
class AtlasLayer:
    """``renderings``: (channels, size, size, 3) uint8; for the layer that reads the pixels, its
    kernels themselves (``kernels``), since maximizing a linear filter's mean response only finds a
    flat color. ``values``: each rendering's mean channel activation (NaN for kernels)."""

    layer: str
    channels: list[int]
    renderings: np.ndarray
    values: np.ndarray
    examples: list[list[Example]]  # per channel, strongest first
    reused: bool  # read from the folder instead of rendered
    kernels: bool = False


@dataclass(frozen=True)
class Atlas:
    layers: list[AtlasLayer]
    photos: list[str]  # where the examples were cropped from
    size: int
    steps: int
    seconds: float


@dataclass(frozen=True)
class _Job:
    classifier: ImageClassifier
    layer: str
    channels: tuple[int, ...]
    size: int
    steps: int
    seed: int


def _render_layer(job: _Job, on_step: StepHook | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One layer's channels rendered as one batch: (uint8 images, final objective values)."""
    rendering = fv.render(job.classifier, fv.channel(job.layer, list(job.channels)), (3, job.size, job.size),
                          batch=len(job.channels), steps=job.steps, lr=fourier_lr(job.size),
                          regularization=fv.REGULARIZED, seed=job.seed, on_step=on_step)
    pictures = photo_bytes(rendering.images.permute(0, 2, 3, 1).numpy())
    return pictures, rendering.final.astype(np.float32)


def _pixel_convolution(classifier: ImageClassifier, layer: str) -> torch.nn.Conv2d | None:
    """The convolution reading the RGB pixels, when ``layer`` holds it."""
    for module in find_layer(classifier, layer).modules():
        if isinstance(module, torch.nn.Conv2d) and module.in_channels == 3 and module.groups == 1:
            return module
    return None


def _kernel_pictures(convolution: torch.nn.Conv2d, channels: Sequence[int], size: int) -> np.ndarray:
    """Each channel's RGB kernel, 0 at mid gray and its largest weight at 0 or 1, enlarged to ``size``."""
    weights = convolution.weight.detach()[list(channels)].float().cpu()
    reach = weights.flatten(1).abs().max(1).values.clamp_min(1e-12).view(-1, 1, 1, 1)
    pictures = F.interpolate(0.5 + weights / (2 * reach), size=(size, size), mode="nearest")
    return photo_bytes(pictures.permute(0, 2, 3, 1).numpy())


def _kept_path(folder: Path, job: _Job) -> Path:
    settings = json.dumps([RECIPE, job.layer, list(job.channels), job.size, job.steps, job.seed])
    return folder / f"{job.layer}-{hashlib.sha256(settings.encode()).hexdigest()[:16]}.npz"


def _read_kept(path: Path, job: _Job) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as kept:
            pictures, values = kept["renderings"], kept["values"]
    except (OSError, ValueError, KeyError):
        return None
    if pictures.shape != (len(job.channels), job.size, job.size, 3) or pictures.dtype != np.uint8 \
            or values.shape != (len(job.channels),):
        return None
    return pictures, values


def _write_kept(path: Path, pictures: np.ndarray, values: np.ndarray) -> None:
    import io

    buffer = io.BytesIO()
    np.savez_compressed(buffer, renderings=pictures, values=values)
    atomic_write_bytes(path, buffer.getvalue())


def layer_strides(classifier: ImageClassifier, layers: Sequence[str]) -> dict[str, int]:
    """How many input pixels each layer's positions step by; a clear error for a layer without channels."""
    device = classifier.mean.device
    with torch.no_grad():
        outputs = outputs_up_to(classifier, torch.zeros(1, 3, 224, 224, device=device), list(layers))
    for layer, output in outputs.items():
        if output.ndim != 4:
            raise ConfigError(f"layer {layer!r} has no channels to render (its output has shape "
                              f"{tuple(output.shape)}); choose a convolutional layer")
    return {layer: max(1, round(224 / output.shape[-1])) for layer, output in outputs.items()}


def _photo_responses(classifier: ImageClassifier, photos: list[np.ndarray], layers: Sequence[str]):
    """Per photo: its (3, H, W) tensor and each layer's output."""
    device = classifier.mean.device
    seen = []
    for photo in photos:
        x = fit_longest_side(photo, PHOTO_SIDE)
        with torch.no_grad():
            seen.append((x[0], outputs_up_to(classifier, x.to(device), list(layers))))
    return seen


def _examples(seen, names: list[str], layer: str, channel: int, stride: int) -> list[Example]:
    """The photos where ``channel`` responds most, each cropped around its strongest place."""
    side = int(np.clip(6 * stride, 24, 224))
    found = []
    for name, (image, outputs) in zip(names, seen):
        response = outputs[layer][0, channel]
        peak = int(response.argmax())
        row, column = divmod(peak, response.shape[-1])
        height, width = image.shape[-2:]
        cy, cx = (row + 0.5) * height / response.shape[-2], (column + 0.5) * width / response.shape[-1]
        top = int(np.clip(cy - side / 2, 0, max(0, height - side)))
        left = int(np.clip(cx - side / 2, 0, max(0, width - side)))
        crop = image[:, top:top + side, left:left + side][None]
        crop = F.interpolate(crop, size=(EXAMPLE_SIDE, EXAMPLE_SIDE), mode="bilinear", antialias=True,
                             align_corners=False)[0]
        found.append(Example(name, float(response.max()),
                             photo_bytes(crop.permute(1, 2, 0).numpy())))
    return sorted(found, key=lambda example: -example.activation)[:EXAMPLES]


def _most_responsive(seen, layer: str, count: int) -> list[int]:
    """The channels whose strongest response, averaged over the photos, is largest."""
    peaks = torch.stack([outputs[layer][0].flatten(1).max(1).values for _, outputs in seen]).mean(0)
    return sorted(torch.argsort(peaks, descending=True)[:count].tolist())


def layer_atlas(classifier: ImageClassifier, layers: Sequence[str] = ATLAS_LAYERS, *, channels: int = 6,
                chosen: dict[str, Sequence[int]] | None = None, photos: Sequence | None = None, size: int = 128,
                steps: int = 256, seed: int = 0, folder: str | Path | None = None, workers: int = 1,
                ray_address: str | None = None, on_layer: Callable[[AtlasLayer], None] | None = None,
                on_step: StepHook | None = None) -> Atlas:
    """``channels`` channels of each of ``layers`` (those responding most to the photos, or the ones
    ``chosen`` names for a layer), rendered at ``size`` pixels in ``steps`` steps, each beside the
    crops of ``photos`` (default: every sample photo at hand) that excite it most. Renderings are
    kept in ``folder`` when given; ``workers`` processes or a Ray cluster render layers side by side,
    and ``on_layer`` hears of each as it is done. ``on_step(done, total)`` hears of each rendering
    step when layers render in this process."""
    layers = list(dict.fromkeys(layers))
    if not layers:
        raise ConfigError("name at least one layer")
    if not 1 <= channels <= 64:
        raise ConfigError(f"channels per layer must be 1..64, got {channels}")
    if not 32 <= size <= MAX_SIZE:
        raise ConfigError(f"size must be 32..{MAX_SIZE} pixels, got {size}")
    if not 1 <= steps <= 4096:
        raise ConfigError(f"steps must be 1..4096, got {steps}")
    for layer in layers:
        find_layer(classifier, layer)
    started = time.perf_counter()
    sources = list(photos) if photos is not None else sample_photos()
    if not sources:
        raise ConfigError("give at least one photo to find each channel's examples in")
    names = [photo_name(p, i + 1) for i, p in enumerate(sources)]
    seen = _photo_responses(classifier, [open_photo(p) for p in sources], layers)
    strides = layer_strides(classifier, layers)
    chosen = chosen or {}
    jobs = []
    for layer in layers:
        picked = [int(c) for c in chosen[layer]] if layer in chosen else _most_responsive(seen, layer, channels)
        count = seen[0][1][layer].shape[1]
        if not picked or any(not 0 <= c < count for c in picked):
            raise ConfigError(f"{layer} has channels 0..{count - 1}, got {picked}")
        jobs.append(_Job(classifier, layer, tuple(picked), size, steps, seed))
    folder = Path(folder) if folder else None
    done: dict[str, tuple[np.ndarray, np.ndarray, bool, bool]] = {}  # pictures, values, reused, kernels
    to_render = []
    for job in jobs:
        kept = _read_kept(_kept_path(folder, job), job) if folder else None
        if (convolution := _pixel_convolution(classifier, job.layer)) is not None:
            done[job.layer] = (_kernel_pictures(convolution, job.channels, job.size),
                               np.full(len(job.channels), np.nan, np.float32), False, True)
        elif kept is not None:
            done[job.layer] = (*kept, True, False)
        else:
            to_render.append(job)

    def finish(job: _Job, pictures: np.ndarray, values: np.ndarray, reused: bool, kernels: bool) -> AtlasLayer:
        row = AtlasLayer(job.layer, list(job.channels), pictures, values,
                         [_examples(seen, names, job.layer, c, strides[job.layer]) for c in job.channels], reused,
                         kernels)
        if on_layer:
            on_layer(row)
        return row

    rows = {layer: finish(job, *done[layer]) for job in jobs if (layer := job.layer) in done}
    finished = 0

    def render_here(job: _Job):  # a hook cannot travel to other processes: only here does it hear each step
        total = steps * len(to_render)
        return _render_layer(job, on_step and (lambda done, _: on_step(finished * steps + done, total)))

    render = render_here if workers == 1 and not ray_address else _render_layer
    for job, (pictures, values) in run_tasks(render, to_render, workers=workers, ray_address=ray_address):
        finished += 1
        if folder:
            _write_kept(_kept_path(folder, job), pictures, values)
        rows[job.layer] = finish(job, pictures, values, False, False)
    return Atlas([rows[layer] for layer in layers], names, size, steps, time.perf_counter() - started)
