"""Comparing the neurons of two networks: which neuron of one corresponds to which of the other,
and how smooth or noisy each neuron's weights image is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..errors import ConfigError


@dataclass(frozen=True)
class NeuronMatching:
    """Neuron ``i`` of network A is paired with neuron ``partner[i]`` of network B.

    ``correlation[i]`` is the pair's correlation, sign included. Hidden neurons have no natural
    order, so the pairing maximizes the summed absolute correlation (a neuron and its negation
    look for the same thing, with the next layer's weights flipped). ``random_correlation`` is
    the mean absolute correlation of random pairs, the level a pairing must beat to mean anything.
    """

    partner: np.ndarray
    correlation: np.ndarray
    random_correlation: float


def _standardized(images: np.ndarray) -> np.ndarray:
    flat = images.reshape(len(images), -1).astype(np.float64)
    flat = flat - flat.mean(1, keepdims=True)
    norms = np.linalg.norm(flat, axis=1, keepdims=True)
    return flat / np.where(norms > 0, norms, 1.0)


def match_neurons(images_a: np.ndarray, images_b: np.ndarray, seed: int = 0) -> NeuronMatching:
    """Optimal one-to-one pairing of two (n, h, w) stacks of weights images (Hungarian algorithm)."""
    if images_a.shape != images_b.shape:
        raise ConfigError(f"both networks need the same number and shape of neurons, got {images_a.shape} "
                          f"and {images_b.shape}")
    corr = _standardized(images_a) @ _standardized(images_b).T
    rows, partner = linear_sum_assignment(-np.abs(corr))
    shuffled = np.random.default_rng(seed).permutation(len(corr))
    return NeuronMatching(partner, corr[rows, partner], float(np.abs(corr[rows, shuffled]).mean()))


def roughness(images: np.ndarray) -> np.ndarray:
    """(n,) how noisy each (h, w) weights image is: the mean absolute difference between
    neighbouring pixels over the mean absolute weight. About 0.3 for smooth strokes, near 1 or
    more for pixel noise; independent of the weights' overall scale."""
    dx = np.abs(np.diff(images, axis=2)).mean((1, 2))
    dy = np.abs(np.diff(images, axis=1)).mean((1, 2))
    scale = np.abs(images).mean((1, 2))
    return (dx + dy) / 2 / np.where(scale > 0, scale, 1.0)
