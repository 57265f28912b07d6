"""A layer's activations over a whole image set, one row per image, and the network's accuracy when
that layer's activations are swapped for something else (a reconstruction, an ablation)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from ..data.tensors import image_tensor
from ..errors import ConfigError
from .hooks import LayerRecorder, find_layer

BATCH = 2000


def _batches(images: np.ndarray, device, batch: int):
    if images.ndim not in (3, 4) or len(images) < 1:
        raise ConfigError(f"images must be (n, height, width) or (n, height, width, 3), got {images.shape}")
    for start in range(0, len(images), batch):
        yield image_tensor(images[start:start + batch], device)


def pool_units(output: torch.Tensor) -> torch.Tensor:
    """(n, units) from a layer's output: a dense layer's neurons as they are, a conv layer's channels by
    their largest value anywhere in the image (what "the channel fired on this image" means)."""
    return output.flatten(2).amax(2) if output.ndim > 2 else output


def along_units(fn: Callable[[torch.Tensor], torch.Tensor], output: torch.Tensor) -> torch.Tensor:
    """Apply ``fn`` (rows, units) -> (rows, anything) to a layer's output: to each row of a dense layer, to
    the channel vector at every position of a conv layer (whose result keeps the positions)."""
    if output.ndim == 2:
        return fn(output)
    moved = output.movedim(1, -1)
    return fn(moved.reshape(-1, moved.shape[-1])).reshape(*moved.shape[:-1], -1).movedim(-1, 1)


def _layer_outputs(model: nn.Module, images: np.ndarray, layer: str, batch: int):
    """(input batch, ``layer``'s output for it), batch by batch over ``images``."""
    device = next(model.parameters()).device
    with LayerRecorder(model, [layer]) as recorder:
        for x in _batches(images, device, batch):
            model(x)
            yield x, recorder.output(layer)


@torch.no_grad()
def layer_activations(model: nn.Module, images: np.ndarray, layer: str,
                      encode: Callable[[torch.Tensor], torch.Tensor] | None = None, batch: int = BATCH) -> np.ndarray:
    """(images, units) float32: every neuron's (or channel's peak) activation in ``layer`` for each image;
    with ``encode`` (such as a dictionary's), (images, features): ``encode`` applied to the activations (for a
    conv layer at every position, each feature's peak kept)."""
    rows = []
    for _, output in _layer_outputs(model, images, layer, batch):
        output = output.float()
        rows.append(pool_units(along_units(encode, output) if encode else output).cpu())
    return torch.cat(rows).numpy()


@torch.no_grad()
def position_activations(model: nn.Module, images: np.ndarray, layer: str, *, limit: int = 200_000, seed: int = 0,
                         batch: int = BATCH) -> np.ndarray:
    """(rows, units) float32: a dense layer's activations, one row per image; for a conv layer, the channel
    vectors at positions drawn evenly at random, at most ``limit`` rows in all (what a dictionary of a
    conv layer's features learns from: a feature can fire anywhere in the image)."""
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for x, output in _layer_outputs(model, images, layer, batch):
        if output.ndim == 2:
            rows.append(output.float().cpu())
            continue
        vectors = output.movedim(1, -1).reshape(-1, output.shape[1]).float().cpu()
        keep = max(1, limit * len(x) // len(images))
        rows.append(vectors[torch.randperm(len(vectors), generator=generator)[:keep]])
    return torch.cat(rows).numpy()


@torch.no_grad()
def accuracy_with_layer_replaced(model: nn.Module, images: np.ndarray, labels: np.ndarray, layer: str,
                                 replace: Callable[[torch.Tensor], torch.Tensor] | None,
                                 batch: int = BATCH) -> float:
    """Test accuracy when every forward pass carries ``replace(activations)`` onward from ``layer``
    instead of its activations (``None``: the network as it is); ``replace`` takes (rows, units) as
    :func:`along_units` hands them."""
    device = next(model.parameters()).device
    hook = None
    if replace is not None:
        def swap(module, inputs, output):
            return along_units(replace, output.float()).to(output.dtype)
        hook = find_layer(model, layer).register_forward_hook(swap)
    try:
        predicted = torch.cat([model(x).argmax(1).cpu() for x in _batches(images, device, batch)])
    finally:
        if hook is not None:
            hook.remove()
    return float((predicted.numpy() == np.asarray(labels)).mean())
