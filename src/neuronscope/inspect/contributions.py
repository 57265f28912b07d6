"""Contributions: how much each neuron of a layer leans on each neuron of the layer below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError
from .weights import WeightsImages, chain, layer_index, weight_arrays, weights_images

if TYPE_CHECKING:
    from ..models import MLP, DenseArrays


def contributions(model: MLP | DenseArrays, layer: str = "output") -> np.ndarray:
    """(neurons of ``layer``, neurons below): the weight each neuron puts on each neuron under it."""
    return weight_arrays(model)[layer_index(model, layer)]


def class_effects(model: MLP | DenseArrays, layer: str) -> np.ndarray | None:
    """(classes, neurons of ``layer``): how each neuron moves each output class, through the weight
    matrices above it. Exact for the last hidden layer (its own weights to the output), a linear
    view past the nonlinearities for earlier ones; None for the output layer itself."""
    above = weight_arrays(model)[layer_index(model, layer) + 1:]
    return chain(above) if above else None


@dataclass(frozen=True)
class LegoBlocks:
    """For one neuron (``target``) of ``layer``: the neurons below with the largest positive and most
    negative contributions, with their weights images. ``images_projected`` tells whether those
    images are projections to pixel space (the neurons below are not in the first layer)."""

    layer: str
    target: int
    below: str
    positive: np.ndarray  # (k,) neuron indices, largest contribution first
    positive_values: np.ndarray
    negative: np.ndarray  # (k,) most negative first
    negative_values: np.ndarray
    positive_images: np.ndarray  # (k, height, width)
    negative_images: np.ndarray
    images_projected: bool


def lego_blocks(model: MLP | DenseArrays, layer: str = "output", k: int = 3) -> list[LegoBlocks]:
    """One :class:`LegoBlocks` per neuron of ``layer`` (per class for the output layer)."""
    index = layer_index(model, layer)
    if index == 0:
        raise ConfigError(f"{layer} takes pixels directly; choose a layer above it "
                          f"({', '.join(model.config.layer_names[1:]) or 'none: this is a linear model'})")
    below = model.config.layer_names[index - 1]
    matrix = contributions(model, layer)
    if not 1 <= k <= matrix.shape[1]:
        raise ConfigError(f"k must be between 1 and {matrix.shape[1]} (the neurons in {below}), got {k}")
    images: WeightsImages = weights_images(model, below)
    blocks = []
    for target, row in enumerate(matrix):
        order = np.argsort(row, kind="stable")
        pos, neg = order[::-1][:k], order[:k]
        blocks.append(LegoBlocks(layer, target, below, pos, row[pos], neg, row[neg],
                                 images.images[pos], images.images[neg], images.projected))
    return blocks
