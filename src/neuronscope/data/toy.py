"""Two-feature toy data sets for seeing decision boundaries: each point has two numbers and one of two classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..choices import TOY_DATASETS
from ..errors import ConfigError

MAX_TOY_POINTS = 5000


@dataclass(frozen=True)
class ToyData:
    """``points`` (n, 2) float64, ``labels`` (n,) int64 in {0, 1}; names say what the axes and classes mean."""

    name: str
    points: np.ndarray
    labels: np.ndarray
    feature_names: tuple[str, str] = ("x1", "x2")
    class_names: tuple[str, str] = ("class 0", "class 1")


def make_toy(name: str, n: int = 200, noise: float = 0.1, seed: int = 0) -> ToyData:
    """``n`` points of the named set, half of each class; ``noise`` is the spread added to every point,
    as a fraction of the set's size (0 gives clean sets; ``cats-dogs`` always has its natural spread)."""
    if name not in TOY_DATASETS:
        raise ConfigError(f"unknown toy data set {name!r}; choose one of {', '.join(TOY_DATASETS)}")
    if not 2 <= n <= MAX_TOY_POINTS:
        raise ConfigError(f"a toy data set has 2..{MAX_TOY_POINTS} points, got {n}")
    if not (np.isfinite(noise) and 0 <= noise <= 1):
        raise ConfigError(f"noise is a fraction in [0, 1], got {noise}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    rng.shuffle(labels)
    if name == "cats-dogs":
        return _cats_and_dogs(labels, noise, rng)
    points = _SHAPES[name](labels, rng)
    points = points + rng.normal(0.0, noise, size=points.shape)
    return ToyData(name, points, labels.astype(np.int64), class_names=_CLASS_NAMES[name])


def _linear(labels, rng):
    # uniform in the square, class by the side of the line x2 = 0.5 x1 + 0.1, keeping a margin around it
    points = np.empty((len(labels), 2))
    for label in (0, 1):
        wanted = np.flatnonzero(labels == label)
        found = np.empty((0, 2))
        while len(found) < len(wanted):
            candidates = rng.uniform(-1, 1, size=(4 * len(wanted) + 4, 2))
            side = candidates[:, 1] - (0.5 * candidates[:, 0] + 0.1)
            found = np.concatenate([found, candidates[(np.abs(side) > 0.1) & ((side > 0) == bool(label))]])
        points[wanted] = found[: len(wanted)]
    return points


def _xor(labels, rng):
    # class 1 in the quadrants where the signs of x1 and x2 differ; kept off the axes so clean XOR is exact
    magnitude = rng.uniform(0.1, 1.0, size=(len(labels), 2))
    first_sign = rng.choice([-1.0, 1.0], size=len(labels))
    second_sign = np.where(labels == 1, -first_sign, first_sign)
    return magnitude * np.stack([first_sign, second_sign], axis=1)


def _circles(labels, rng):
    radius = np.where(labels == 1, rng.uniform(0.0, 0.45, len(labels)), rng.uniform(0.65, 1.0, len(labels)))
    angle = rng.uniform(0, 2 * np.pi, len(labels))
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)


def _spirals(labels, rng):
    t = np.sqrt(rng.uniform(0.02, 1.0, len(labels)))
    angle = 3.5 * np.pi * t + np.pi * labels
    return np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)


def _cats_and_dogs(labels, noise, rng) -> ToyData:
    # shoulder height (cm) and weight (kg): house cats around 25 cm / 4.5 kg, small-to-medium dogs
    # around 45 cm / 15 kg; the spread grows with noise so the blobs can be made to overlap
    spread = 1.0 + 4.0 * noise
    dog = labels == 1
    height = np.where(dog, rng.normal(45, 6 * spread, len(labels)), rng.normal(25, 2.5 * spread, len(labels)))
    weight = np.where(dog, rng.normal(15, 4 * spread, len(labels)), rng.normal(4.5, 1.2 * spread, len(labels)))
    points = np.stack([np.clip(height, 10, None), np.clip(weight, 1, None)], axis=1)
    return ToyData("cats-dogs", points, labels.astype(np.int64), ("height (cm)", "weight (kg)"), ("cat", "dog"))


_SHAPES = {"linear": _linear, "xor": _xor, "circles": _circles, "spirals": _spirals}
_CLASS_NAMES = {"linear": ("below", "above"), "xor": ("same signs", "different signs"),
                "circles": ("outer ring", "inner disc"), "spirals": ("spiral A", "spiral B")}
