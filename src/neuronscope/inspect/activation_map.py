"""A map of a layer's activation space: every test image as a point, placed by PCA, t-SNE or UMAP of
its activations, so images the layer treats alike lie close. New inputs (a drawing) are placed by
the PCA projection itself, or, for t-SNE and UMAP, which cannot place new points, at the mean of
their nearest test images in activation space."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CheckpointError, ConfigError
from ..files import atomic_write_bytes
from ..models.dense import DenseArrays
from .weights import layer_index

if TYPE_CHECKING:
    from torch import nn

METHODS = ("pca", "tsne", "umap")
METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
NEIGHBOURS = 5
MAX_POINTS = 10_000


@dataclass(frozen=True)
class ActivationMap:
    layer: str
    method: str
    coords: np.ndarray  # (points, 2)
    labels: np.ndarray  # (points,) class of each image
    indices: np.ndarray  # (points,) which images of the set they are
    activations: np.ndarray  # (points, units): what the map was made from
    mean: np.ndarray | None  # PCA: the activations' mean (units,)
    components: np.ndarray | None  # PCA: the two directions (2, units)
    explained: np.ndarray | None  # PCA: share of the variance along each direction

    @property
    def placement(self) -> str:
        """How :meth:`place` puts a new input on this map."""
        if self.method == "pca":
            return "by projecting it onto the two principal directions"
        return f"at the mean position of its {NEIGHBOURS} nearest test images in activation space " \
               f"({METHOD_NAMES[self.method]} cannot place new points)"

    def place(self, activations: np.ndarray) -> np.ndarray:
        """(n, 2) map positions of new inputs' activations (n, units)."""
        activations = np.atleast_2d(np.asarray(activations, dtype=np.float64))
        if activations.shape[1] != self.activations.shape[1]:
            raise ConfigError(f"{self.layer} has {self.activations.shape[1]} units; got activations of "
                              f"{activations.shape[1]}")
        if self.method == "pca":
            return (activations - self.mean) @ self.components.T
        distances = ((activations[:, None, :] - self.activations[None].astype(np.float64)) ** 2).sum(-1)
        nearest = np.argsort(distances, axis=1, kind="stable")[:, :NEIGHBOURS]
        return self.coords[nearest].mean(1)


def activation_map(model: nn.Module | DenseArrays, images: np.ndarray, labels: np.ndarray, layer: str, *,
                   method: str = "pca", points: int = 1000, seed: int = 0) -> ActivationMap:
    """The map of ``layer`` over ``points`` of ``images`` drawn at random (a conv layer's channels by
    their peak)."""
    if method not in METHODS:
        raise ConfigError(f"unknown map method {method!r}; choose one of {', '.join(METHODS)}")
    if not 10 <= points <= MAX_POINTS:
        raise ConfigError(f"a map needs between 10 and {MAX_POINTS} points, got {points}")
    rng = np.random.default_rng(seed)
    indices = np.sort(rng.choice(len(images), size=min(points, len(images)), replace=False))
    activations = _activations(model, images[indices], layer)
    values = activations.astype(np.float64)
    mean = components = explained = None
    if method == "pca":
        mean, components, explained = _principal_directions(values)
        coords = (values - mean) @ components.T
    elif method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = min(30.0, (len(values) - 1) / 3)
        coords = TSNE(2, init="pca", perplexity=perplexity, random_state=seed).fit_transform(values)
    else:
        coords = _umap(values, seed)
    return ActivationMap(layer, method, np.asarray(coords, dtype=np.float64), np.asarray(labels)[indices], indices,
                         activations, mean, components, explained)


def _activations(model: nn.Module | DenseArrays, images: np.ndarray, layer: str) -> np.ndarray:
    if isinstance(model, DenseArrays):
        layer_index(model, layer)  # refuses a layer the network does not have
        return model.activations(images)[layer]
    from .activations import layer_activations

    return layer_activations(model, images, layer)


_ARRAYS = ("coords", "labels", "indices", "activations", "mean", "components", "explained")


def save_maps(path: str | Path, maps: list[ActivationMap]) -> None:
    """Write maps as one .npz of plain arrays (no pickles), atomically."""
    arrays = {"layers": np.array(json.dumps([[m.layer, m.method] for m in maps]))}
    for k, found in enumerate(maps):
        arrays.update({f"{k}.{name}": getattr(found, name) for name in _ARRAYS if getattr(found, name) is not None})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    atomic_write_bytes(path, buffer.getvalue())


def load_maps(path: str | Path) -> list[ActivationMap]:
    try:
        with np.load(path, allow_pickle=False) as kept:
            names = json.loads(str(kept["layers"]))
            return [ActivationMap(layer, method, *(kept[f"{k}.{name}"] if f"{k}.{name}" in kept else None
                                                   for name in _ARRAYS))
                    for k, (layer, method) in enumerate(names)]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CheckpointError(f"{path}: not a map file ({e})") from None


def _principal_directions(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, the two leading principal directions and their shares of the variance, with
    scikit-learn's sign rule (each direction's largest entry positive), so the map matches its PCA;
    NumPy's SVD spares a second of importing scikit-learn in every figures run."""
    mean = values.mean(axis=0)
    _, singular, directions = np.linalg.svd(values - mean, full_matrices=False)
    directions = directions[:2]
    signs = np.sign(directions[np.arange(len(directions)), np.abs(directions).argmax(axis=1)])
    variance = singular ** 2
    explained = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    return mean, directions * signs[:, None], explained


def _umap(values: np.ndarray, seed: int) -> np.ndarray:
    try:
        from umap import UMAP
    except ImportError:
        raise ConfigError("UMAP maps need the umap-learn package: pip install umap-learn (or use pca or tsne)") \
            from None
    return UMAP(n_components=2, random_state=seed).fit_transform(values)
