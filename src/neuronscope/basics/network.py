"""A tiny fully connected network in float64 NumPy, with backpropagation written out by hand.

Small enough to follow every number: the lab's backpropagation page shows each forward value and
gradient of a 2-2-1 network, and the decision-boundary pages train networks of a few dozen weights.
For two classes the output is one sigmoid neuron, the probability of class 1; for more, one neuron
per class through a softmax.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from .neuron import relu, sigmoid, tanh

TRAINABLE_ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("cross-entropy", "squared")
MAX_TINY_NEURONS = 64
MAX_TINY_LAYERS = 4
MAX_TINY_CLASSES = 10

_FUNCTIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}
# each derivative written in terms of the activation's output a and input z
_DERIVATIVES = {"sigmoid": lambda z, a: a * (1 - a), "tanh": lambda z, a: 1 - a * a,
                "relu": lambda z, a: (z > 0).astype(np.float64)}


@dataclass(frozen=True)
class Forward:
    """Every layer's weighted sums ``z[l]`` (n, width) and activations ``a[l]``; ``a[0]`` is the input."""

    z: list[np.ndarray]
    a: list[np.ndarray]

    @property
    def probability(self) -> np.ndarray:
        """(n,) probability of class 1, for a network with one (sigmoid) output neuron."""
        if self.a[-1].shape[1] != 1:
            raise ConfigError("this network has one output per class: use probabilities")
        return self.a[-1][:, 0]

    @property
    def probabilities(self) -> np.ndarray:
        """(n, classes) probability of each class (two columns for a single sigmoid output)."""
        out = self.a[-1]
        return np.column_stack([1 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out


@dataclass(frozen=True)
class Gradients:
    """d loss / d parameter for every weight ``weights[l]`` (out, in) and bias ``biases[l]`` (out,),
    and d loss / d z for every layer's weighted sums (``deltas[l]``, (n, width)): what flows back."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    deltas: list[np.ndarray]

    def flat(self) -> np.ndarray:
        return np.concatenate([g.ravel() for pair in zip(self.weights, self.biases) for g in pair])


@dataclass(frozen=True)
class TinyNetwork:
    """Layers ``weights[l]`` (out, in) and ``biases[l]`` (out,); hidden layers use ``activation``; a
    single output neuron is a sigmoid (two classes), several are a softmax (one per class)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activation: str = "tanh"

    def __post_init__(self):
        if self.activation not in TRAINABLE_ACTIVATIONS:
            raise ConfigError(f"hidden activation must be one of {', '.join(TRAINABLE_ACTIVATIONS)} "
                              f"(a step has no slope to learn from), got {self.activation!r}")
        if len(self.weights) != len(self.biases) or not self.weights:
            raise ConfigError("a network needs one bias vector per weight matrix, and at least one layer")
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            if w.ndim != 2 or b.shape != (w.shape[0],):
                raise ConfigError(f"layer {l}: weights must be (out, in) and biases (out,), got {w.shape} and {b.shape}")
            if l and w.shape[1] != self.weights[l - 1].shape[0]:
                raise ConfigError(f"layer {l} takes {w.shape[1]} inputs but layer {l - 1} has {self.weights[l - 1].shape[0]} neurons")
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                raise ConfigError(f"layer {l} has a weight or bias that is not a finite number")
        if not (1 <= self.weights[-1].shape[0] <= MAX_TINY_CLASSES and self.weights[-1].shape[0] != 2):
            raise ConfigError(f"the output layer has one neuron (the probability of class 1 of two) or one per "
                              f"class for 3..{MAX_TINY_CLASSES} classes, got {self.weights[-1].shape[0]}")

    @classmethod
    def create(cls, sizes: tuple[int, ...] = (2, 4, 1), activation: str = "tanh", seed: int = 0) -> TinyNetwork:
        """Random weights N(0, 1/fan_in), zero biases; ``sizes`` from the inputs to the output neurons
        (1 for two classes, else one per class)."""
        sizes = tuple(int(s) for s in sizes)
        if len(sizes) < 2 or len(sizes) > MAX_TINY_LAYERS + 1:
            raise ConfigError(f"sizes run from the inputs to the output neurons with at most {MAX_TINY_LAYERS - 1} "
                              f"hidden layers, e.g. (2, 4, 1); got {sizes}")
        if any(not 1 <= s <= MAX_TINY_NEURONS for s in sizes):
            raise ConfigError(f"each layer has 1..{MAX_TINY_NEURONS} neurons, got {sizes}")
        rng = np.random.default_rng(seed)
        weights = tuple(rng.normal(0, 1 / np.sqrt(n_in), (n_out, n_in)) for n_in, n_out in zip(sizes, sizes[1:]))
        return cls(weights, tuple(np.zeros(n) for n in sizes[1:]), activation)

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    def forward(self, x) -> Forward:
        a = _as_batch(x, self.sizes[0])
        zs, activations = [], [a]
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ w.T + b
            if l < len(self.weights) - 1:
                a = _FUNCTIONS[self.activation](z)
            else:
                a = sigmoid(z) if z.shape[1] == 1 else _softmax(z)
            zs.append(z)
            activations.append(a)
        return Forward(zs, activations)

    @property
    def classes(self) -> int:
        return max(2, self.sizes[-1])

    def probability(self, x) -> np.ndarray:
        """(n,) probability of class 1 for inputs (n, inputs) (two-class networks)."""
        return self.forward(x).probability

    def probabilities(self, x) -> np.ndarray:
        """(n, classes) probability of each class for inputs (n, inputs)."""
        return self.forward(x).probabilities

    def loss(self, x, y, loss: str = "cross-entropy") -> float:
        if self.sizes[-1] > 1:
            return class_loss(self.forward(x).probabilities, y, loss)
        return mean_loss(self.forward(x).probability, _as_targets(y), loss)

    def gradients(self, x, y, loss: str = "cross-entropy") -> Gradients:
        """Backpropagation: the mean loss's gradient with respect to every weight and bias."""
        forward = self.forward(x)
        if self.sizes[-1] > 1:
            probabilities = forward.probabilities
            targets = _class_targets(probabilities, y, loss)
            return self._backward(forward, (probabilities - np.eye(self.classes)[targets]) / len(probabilities))
        y = _as_targets(y)
        p = forward.probability[:, None]
        n = len(p)
        if loss == "cross-entropy":
            delta = (p - y[:, None]) / n  # the sigmoid's slope cancels against the log's
        elif loss == "squared":
            delta = (p - y[:, None]) * p * (1 - p) / n
        else:
            raise ConfigError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        return self._backward(forward, delta)

    def _backward(self, forward: Forward, delta: np.ndarray) -> Gradients:
        """From d loss / d z of the output layer back through every layer."""
        deltas = [delta]
        weight_grads, bias_grads = [], []
        for l in range(len(self.weights) - 1, -1, -1):
            weight_grads.append(delta.T @ forward.a[l])
            bias_grads.append(delta.sum(axis=0))
            if l:
                delta = (delta @ self.weights[l]) * _DERIVATIVES[self.activation](forward.z[l - 1], forward.a[l])
                deltas.append(delta)
        return Gradients(weight_grads[::-1], bias_grads[::-1], deltas[::-1])

    def numerical_gradients(self, x, y, loss: str = "cross-entropy", eps: float = 1e-6) -> Gradients:
        """The same gradients by central finite differences: nudge each parameter by ±eps."""
        def nudged(l: int, which: str, index: tuple, amount: float) -> float:
            weights, biases = [w.copy() for w in self.weights], [b.copy() for b in self.biases]
            (weights if which == "w" else biases)[l][index] += amount
            return TinyNetwork(tuple(weights), tuple(biases), self.activation).loss(x, y, loss)

        weight_grads, bias_grads = [], []
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            for which, shape, out in (("w", w.shape, weight_grads), ("b", b.shape, bias_grads)):
                grad = np.empty(shape)
                for index in np.ndindex(shape):
                    grad[index] = (nudged(l, which, index, eps) - nudged(l, which, index, -eps)) / (2 * eps)
                out.append(grad)
        return Gradients(weight_grads, bias_grads, [])

    def step(self, x, y, lr: float, loss: str = "cross-entropy") -> TinyNetwork:
        """One step of gradient descent: every parameter moves by -lr times its gradient."""
        grads = self.gradients(x, y, loss)
        return TinyNetwork(tuple(w - lr * g for w, g in zip(self.weights, grads.weights)),
                           tuple(b - lr * g for b, g in zip(self.biases, grads.biases)), self.activation)


def _as_batch(x, inputs: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    x = x[None, :] if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[1] != inputs:
        raise ConfigError(f"expected inputs of shape (n, {inputs}), got {x.shape}")
    if not np.isfinite(x).all():
        raise ConfigError("inputs must be finite numbers")
    return x


def _as_targets(y) -> np.ndarray:
    y = np.atleast_1d(np.asarray(y, dtype=np.float64))
    if not ((y >= 0) & (y <= 1)).all():
        raise ConfigError("targets are probabilities of class 1, in [0, 1]")
    return y


def _class_targets(probabilities: np.ndarray, y, loss: str) -> np.ndarray:
    """``y`` as class numbers for ``probabilities`` (n, classes), refusing what a softmax output cannot
    learn from: another loss, other classes, another count."""
    if loss != "cross-entropy":
        raise ConfigError("a network with one output per class trains on the cross-entropy only")
    classes = probabilities.shape[1]
    y = np.atleast_1d(np.asarray(y))
    if not (np.issubdtype(y.dtype, np.number) and np.all(y == np.round(y)) and ((y >= 0) & (y < classes)).all()):
        raise ConfigError(f"targets are class numbers 0..{classes - 1}")
    if len(probabilities) != len(y):
        raise ConfigError(f"{len(probabilities)} inputs but {len(y)} targets")
    return y.astype(np.int64)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def class_loss(probabilities: np.ndarray, y: np.ndarray, loss: str = "cross-entropy") -> float:
    """The mean cross-entropy of class probabilities (n, classes) against class numbers ``y`` (n,)."""
    targets = _class_targets(probabilities, y, loss)
    return float(-np.mean(np.log(np.clip(probabilities[np.arange(len(targets)), targets], 1e-12, None))))


def mean_loss(p: np.ndarray, y: np.ndarray, loss: str = "cross-entropy") -> float:
    """The mean loss of probabilities of class 1 ``p`` (n,) against targets ``y`` (n,)."""
    if len(p) != len(y):
        raise ConfigError(f"{len(p)} inputs but {len(y)} targets")
    if loss == "cross-entropy":
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    if loss == "squared":
        return float(np.mean(0.5 * (p - y) ** 2))
    raise ConfigError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
