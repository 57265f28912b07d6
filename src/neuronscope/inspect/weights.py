"""Weights images: what input pattern each neuron responds to, as an array with the input's shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..models import MLP, DenseArrays


@dataclass(frozen=True)
class WeightsImages:
    """images: (neurons, height, width) float32. ``projected`` is True for layers past the first,
    whose images are the product of weight matrices down to the pixels (a linear view that
    ignores the nonlinearities in between)."""

    layer: str
    images: np.ndarray
    projected: bool


def layer_index(model: MLP | DenseArrays, layer: str) -> int:
    names = model.config.layer_names
    if layer not in names:
        raise ConfigError(f"unknown layer {layer!r}; this model has {', '.join(names)}")
    return names.index(layer)


def weight_arrays(model: MLP | DenseArrays) -> list[np.ndarray]:
    """Each layer's (out, in) weight matrix as a NumPy array, from a network in PyTorch or in NumPy."""
    return [w if isinstance(w, np.ndarray) else w.detach().cpu().numpy() for w in model.weight_matrices()]


def chain(matrices: list[np.ndarray]) -> np.ndarray:
    """The product W_k @ ... @ W_1 of consecutive layers' (out, in) weight matrices, first layer first."""
    product = matrices[0]
    for w in matrices[1:]:
        product = w @ product
    return product


def pixel_projection(model: MLP | DenseArrays, layer: str) -> np.ndarray:
    """(neurons, inputs): W_layer @ ... @ W_1, each neuron's weights carried back to pixel space."""
    return chain(weight_arrays(model)[: layer_index(model, layer) + 1])


def weights_images(model: MLP | DenseArrays, layer: str = "hidden1") -> WeightsImages:
    """Every neuron of ``layer`` as an image; first-layer neurons show their own incoming weights."""
    projection = pixel_projection(model, layer).astype(np.float32)
    images = projection.reshape(len(projection), *model.config.image_shape)
    return WeightsImages(layer=layer, images=images, projected=layer_index(model, layer) > 0)
