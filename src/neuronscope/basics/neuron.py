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


# "Should I go to the festival?": each factor is 1 (yes) or 0 (no); the weights say how much it matters.
FESTIVAL_WEIGHTS = {"good weather": 4.0, "music I like": 3.0, "friends are coming": 2.0, "cheap ticket": 1.0}
FESTIVAL_THRESHOLD = 5.0


def festival_decision(inputs: dict[str, float], weights: dict[str, float] | None = None,
                      threshold: float = FESTIVAL_THRESHOLD) -> Decision:
    """Go when the weighted sum of the factors exceeds the threshold (a step neuron with bias -threshold)."""
    weights = dict(FESTIVAL_WEIGHTS if weights is None else weights)
    unknown = sorted(set(inputs) - set(weights))
    if unknown:
        raise ConfigError(f"unknown factor {unknown[0]!r}; the factors are {', '.join(weights)}")
    values = {name: float(inputs.get(name, 0.0)) for name in weights}
    x = list(values.values())
    neuron = Neuron.with_threshold(list(weights.values()), threshold)
    return Decision(values, weights, float(threshold), float(neuron.z(x) - neuron.bias), bool(neuron.fire(x)))
