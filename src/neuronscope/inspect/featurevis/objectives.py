"""What activation maximization maximizes, composable like numbers: ``channel("conv2", 3) - 0.1 *
total_variation()``, ``class_logit(5) + neuron("fc1", 7)``, ``channel("conv1", [0, 1, 2]) + diversity("conv1")``.

An objective turns a forward pass into one value per image in the batch, shape (batch,). Indices
may be one number for every image, or a list with one entry per image, which is how all ten classes
are visualized in a single batched run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ...choices import CLASS_SCORES
from ...errors import ConfigError

SCORES = "<scores>"  # the model's returned class scores, which need no hook; listed in an objective's layers
Values = Callable[[dict[str, torch.Tensor], torch.Tensor], torch.Tensor]


class Objective:
    """``values(activations, images) -> (batch,)``; ``layers``: the layers it reads; ``description`` for titles."""

    def __init__(self, values: Values, layers: frozenset[str], description: str):
        self.values, self.layers, self.description = values, layers, description

    def __call__(self, activations: dict[str, torch.Tensor], images: torch.Tensor) -> torch.Tensor:
        return self.values(activations, images)

    def __add__(self, other: Objective) -> Objective:
        return Objective(lambda a, x: self(a, x) + other(a, x), self.layers | other.layers,
                         f"{self.description} + {other.description}")

    def __neg__(self) -> Objective:
        return Objective(lambda a, x: -self(a, x), self.layers, f"-({self.description})")

    def __sub__(self, other: Objective) -> Objective:
        return self + (-other)

    def __mul__(self, weight: float) -> Objective:
        weight = float(weight)
        return Objective(lambda a, x: weight * self(a, x), self.layers, f"{weight:g}·{self.description}")

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"Objective({self.description})"


def _indices(index: int | Sequence[int], batch: int, size: int, what: str, layer: str) -> torch.Tensor:
    chosen = [int(index)] * batch if isinstance(index, int) else [int(i) for i in index]
    if len(chosen) != batch:
        raise ConfigError(f"{len(chosen)} {what} indices for a batch of {batch} images")
    bad = [i for i in chosen if not 0 <= i < size]
    if bad:
        raise ConfigError(f"{layer!r} has {what}s 0..{size - 1}, got {bad[0]}")
    return torch.tensor(chosen)


def _per_image(output: torch.Tensor, index, layer: str, what: str) -> torch.Tensor:
    """(batch, size) -> the chosen entry of each row."""
    rows = torch.arange(output.shape[0])
    return output[rows, _indices(index, output.shape[0], output.shape[1], what, layer).to(output.device)]


def channel(layer: str, index: int | Sequence[int]) -> Objective:
    """The mean activation of a conv channel over all positions (a dense layer's neuron as it is)."""

    def values(activations, images):
        output = activations[layer]
        pooled = output.flatten(2).mean(2) if output.ndim > 2 else output
        return _per_image(pooled, index, layer, "channel" if output.ndim > 2 else "neuron")

    return Objective(values, frozenset([layer]), f"{layer}:{index}")


def neuron(layer: str, index: int | Sequence[int]) -> Objective:
    """One unit: a dense layer's neuron, or a conv channel at the center position only."""

    def values(activations, images):
        output = activations[layer]
        if output.ndim > 2:
            output = output[..., output.shape[-2] // 2, output.shape[-1] // 2]
        return _per_image(output, index, layer, "neuron" if activations[layer].ndim == 2 else "channel")

    return Objective(values, frozenset([layer]), f"{layer}[{index}]")


def class_logit(index: int | Sequence[int]) -> Objective:
    """A class's score (the logit before softmax)."""
    return Objective(lambda a, x: _per_image(a[SCORES], index, "output", "class"), frozenset([SCORES]),
                     f"class {index}")




def units(layer: str, index: int | Sequence[int]) -> Objective:
    """Class scores for layer ``output``, otherwise :func:`channel`: what "visualize these units of
    this layer" means in the command line and the lab."""
    return class_logit(index) if layer == CLASS_SCORES else channel(layer, index)


def diversity(layer: str) -> Objective:
    """Minus the mean cosine similarity between the images' style (Gram matrix of ``layer``'s channels):
    added to an objective, it pushes a batch toward different ways of exciting the same unit."""

    def values(activations, images):
        output = activations[layer]
        batch = output.shape[0]
        if batch < 2:
            return torch.zeros(batch, device=output.device)
        flat = output.flatten(2) if output.ndim > 2 else output.unsqueeze(2)
        gram = torch.nn.functional.normalize((flat @ flat.transpose(1, 2)).flatten(1), dim=1)
        similarity = gram @ gram.T
        others = (similarity.sum(1) - similarity.diagonal()) / (batch - 1)
        return -others

    return Objective(values, frozenset([layer]), f"diversity({layer})")


def total_variation_of(images: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference between neighbouring pixels, per image (batch,): high for noise."""
    dy = (images[..., 1:, :] - images[..., :-1, :]).abs().flatten(1).mean(1)
    dx = (images[..., :, 1:] - images[..., :, :-1]).abs().flatten(1).mean(1)
    return dx + dy


def total_variation() -> Objective:
    return Objective(lambda a, x: total_variation_of(x), frozenset(), "TV")


def l2(center: float = 0.5) -> Objective:
    """Mean squared distance of the pixels from ``center`` (gray), per image."""
    return Objective(lambda a, x: ((x - center) ** 2).flatten(1).mean(1), frozenset(), "L2")
