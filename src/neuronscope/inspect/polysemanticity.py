"""How many unrelated things does a unit (neuron, channel, cell or dictionary feature) respond to? Its
most exciting examples, and the classes they belong to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError

TOP = 50
COVER = 0.8
MIN_FIRING = 0.2  # a unit firing on fewer than this share of ``top`` examples is too rare to judge


@dataclass(frozen=True)
class ClassMix:
    """For each unit: ``top`` (units, k) the examples that excite it most, strongest first, with their
    ``values``; ``counts`` (units, classes) how many of those k belong to each class; ``classes_needed``
    (units,) the fewest classes that together hold ``cover`` of them: 1 for a unit that answers to one
    class, up to all of them for one that answers to anything. Only examples the unit fires on (> 0)
    count; units firing on fewer than a fifth of ``top`` examples (``silent``: dead, or too rare to
    judge) are left out of every summary."""

    top: np.ndarray
    values: np.ndarray
    counts: np.ndarray
    classes_needed: np.ndarray
    silent: np.ndarray
    cover: float

    @property
    def live(self) -> np.ndarray:
        return np.flatnonzero(~self.silent)

    @property
    def mean_classes_needed(self) -> float:
        live = self.live
        return float(self.classes_needed[live].mean()) if len(live) else float("nan")

    def purity(self) -> np.ndarray:
        """(units,) the share of the top examples held by the unit's most common class."""
        return self.counts.max(1) / np.maximum(self.counts.sum(1), 1)

    def ranked(self) -> np.ndarray:
        """Live units, most monosemantic first (fewest classes needed, then purest)."""
        live = self.live
        order = np.lexsort((-self.purity()[live], self.classes_needed[live]))
        return live[order]


def class_mix(activations: np.ndarray, labels: np.ndarray, num_classes: int, *, top: int = TOP,
              cover: float = COVER) -> ClassMix:
    """Rank ``activations`` (examples, units) per unit and read the class mix of each unit's ``top``."""
    activations, labels = np.asarray(activations), np.asarray(labels)
    if activations.ndim != 2 or len(activations) != len(labels):
        raise ConfigError(f"activations (examples, units) and labels (examples,) must match, got "
                          f"{activations.shape} and {labels.shape}")
    if not 1 <= top <= len(labels):
        raise ConfigError(f"top must be 1..{len(labels)} (the number of examples), got {top}")
    if not 0 < cover <= 1:
        raise ConfigError(f"cover must be in (0, 1], got {cover}")
    if not np.isfinite(activations).all():
        raise ConfigError("the activations hold NaN or infinite values")
    order = np.argpartition(-activations, top - 1, axis=0)[:top].T  # (units, top), unordered
    values = np.take_along_axis(activations.T, order, axis=1)
    by_value = np.argsort(-values, axis=1, kind="stable")
    order, values = np.take_along_axis(order, by_value, 1), np.take_along_axis(values, by_value, 1)
    fired = values > 0  # an example the unit is silent on says nothing about what it answers to
    counts = np.zeros((activations.shape[1], num_classes), dtype=np.int64)
    unit = np.repeat(np.arange(len(order)), top).reshape(order.shape)
    np.add.at(counts, (unit[fired], labels[order][fired]), 1)
    totals = np.maximum(counts.sum(1, keepdims=True), 1)
    shares = np.cumsum(np.sort(counts, axis=1)[:, ::-1], axis=1) / totals
    needed = (shares < cover - 1e-9).sum(1) + 1
    silent = fired.sum(1) < max(1, int(np.ceil(MIN_FIRING * top)))
    return ClassMix(order, values, counts, needed, silent, cover)
