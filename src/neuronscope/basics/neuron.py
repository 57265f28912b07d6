"""One artificial neuron: a weighted sum of inputs plus a bias, passed through an activation.

A threshold unit fires when ``w·x > threshold``; moving the threshold to the left-hand side gives
``w·x + b > 0`` with ``b = -threshold``. The bias *is* the threshold, seen from the other side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError


def step(z):
    return (np.asarray(z) > 0).astype(np.float64)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


def relu(z):
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def tanh(z):
    return np.tanh(np.asarray(z, dtype=np.float64))


ACTIVATIONS = {"step": step, "sigmoid": sigmoid, "relu": relu, "tanh": tanh}


def activation(name: str):
    if name not in ACTIVATIONS:
        raise ConfigError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


@dataclass(frozen=True)
class Neuron:
    """``weights`` (k,), ``bias`` a number; ``z(x)`` and ``fire(x)`` for one input (k,) or a batch (n, k)."""

    weights: tuple[float, ...]
    bias: float
    activation: str = "step"

    @classmethod
    def with_threshold(cls, weights, threshold: float, activation: str = "step") -> Neuron:
        """The neuron that fires when ``w·x > threshold``: its bias is ``-threshold``."""
        return cls(tuple(float(w) for w in weights), -float(threshold), activation)

    def z(self, x) -> np.ndarray:
        """The weighted sum plus the bias, z = w·x + b: what the activation receives."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape[-1] != len(self.weights):
            raise ConfigError(f"this neuron has {len(self.weights)} inputs, got {x.shape[-1]}")
        return x @ np.asarray(self.weights) + self.bias

    def fire(self, x) -> np.ndarray:
        return activation(self.activation)(self.z(x))


@dataclass(frozen=True)
class Decision:
    inputs: dict[str, float]
    weights: dict[str, float]
    threshold: float
    weighted_sum: float  # w·x, without the bias
    go: bool

    @property
    def z(self) -> float:
        """w·x + b with b = -threshold: positive exactly when the neuron goes."""
        return self.weighted_sum - self.threshold


@dataclass(frozen=True)
class FestivalExample:
    """One neuron deciding "should I go to the festival?": each factor's value, its importance (the
    weight), and the threshold the weighted sum must pass. ``value_range``: what a value may be."""

    name: str
    values: dict[str, float]
    weights: dict[str, float]
    threshold: float
    value_range: tuple[float, float]


# The article's numbers: ratings out of 4 times importances out of 4, 3x4 + 2x2 + 4x2 + 2x1 = 26 > 25: go.
FESTIVAL = FestivalExample("ratings", {"weather": 3.0, "music": 2.0, "company": 4.0, "price": 2.0},
                           {"weather": 4.0, "music": 2.0, "company": 2.0, "price": 1.0}, 25.0, (0.0, 4.0))
# The same decision with yes/no factors: 1 if the factor holds, 0 if not.
FESTIVAL_YES_NO = FestivalExample("yes-no", {"good weather": 1.0, "music I like": 0.0, "friends are coming": 1.0,
                                             "cheap ticket": 0.0},
                                  {"good weather": 4.0, "music I like": 3.0, "friends are coming": 2.0,
                                   "cheap ticket": 1.0}, 5.0, (0.0, 1.0))
FESTIVAL_EXAMPLES = {example.name: example for example in (FESTIVAL, FESTIVAL_YES_NO)}


def festival_decision(values: dict[str, float] | None = None, weights: dict[str, float] | None = None,
                      threshold: float | None = None, example: FestivalExample = FESTIVAL) -> Decision:
    """Go when the weighted sum of the factors exceeds the threshold (a step neuron with bias -threshold).
    ``values`` and ``weights`` replace the example's for the factors they name; the rest stay the example's."""
    for given in (values or {}, weights or {}):
        unknown = sorted(set(given) - set(example.weights))
        if unknown:
            raise ConfigError(f"unknown factor {unknown[0]!r}; the factors are {', '.join(example.weights)}")
    numbers = {**(values or {}), **(weights or {}), "threshold": example.threshold if threshold is None else threshold}
    if not all(np.isfinite(float(v)) for v in numbers.values()):
        raise ConfigError("values, weights and the threshold must be finite numbers")
    low, high = example.value_range
    values = {name: float(v) for name, v in {**example.values, **(values or {})}.items()}
    outside = [name for name, v in values.items() if not low <= v <= high]
    if outside:
        raise ConfigError(f"{outside[0]!r} is {values[outside[0]]:g}; in this example values go from {low:g} to "
                          f"{high:g}")
    weights = {name: float(w) for name, w in {**example.weights, **(weights or {})}.items()}
    threshold = float(numbers["threshold"])
    x = [values[name] for name in weights]
    neuron = Neuron.with_threshold(list(weights.values()), threshold)
    return Decision(dict(values), weights, threshold, float(neuron.z(x) - neuron.bias), bool(neuron.fire(x)))
