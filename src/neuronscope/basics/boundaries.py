"""Train a linear model or a small MLP on a two-feature toy set and map its decision regions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.toy import ToyData
from ..errors import ConfigError
from .network import TinyNetwork, class_loss, mean_loss

MAX_TOY_STEPS = 100_000


@dataclass(frozen=True)
class Standardizer:
    """Features are shifted and scaled to mean 0, spread 1 before training, so one learning rate suits
    centimetres and kilograms alike."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, points: np.ndarray) -> Standardizer:
        std = points.std(axis=0)
        return cls(points.mean(axis=0), np.where(std > 0, std, 1.0))

    def __call__(self, points) -> np.ndarray:
        return (np.asarray(points, dtype=np.float64) - self.mean) / self.std


@dataclass(frozen=True)
class ToyFit:
    """A network trained on ``data``; ``losses`` and ``accuracies`` are recorded after every step."""

    network: TinyNetwork
    standardizer: Standardizer
    losses: np.ndarray
    accuracies: np.ndarray

    def probabilities(self, points) -> np.ndarray:
        """(n, classes) probability of each class at points (n, 2) in the data's own units."""
        return self.network.probabilities(self.standardizer(points))

    def predict(self, points) -> np.ndarray:
        return self.probabilities(points).argmax(axis=1)

    def accuracy(self, data: ToyData) -> float:
        return float(np.mean(self.predict(data.points) == data.labels))

    def hidden_lines(self) -> np.ndarray:
        """(h, 3) coefficients (a, b, c) of each first-layer neuron's boundary a·x1 + b·x2 + c = 0
        in the data's own units: where that neuron's weighted sum is zero."""
        w, b = self.network.weights[0], self.network.biases[0]
        scaled = w / self.standardizer.std
        return np.column_stack([scaled, b - scaled @ self.standardizer.mean])


def fit_toy(data: ToyData, hidden: tuple[int, ...] = (4,), activation: str = "tanh", lr: float = 0.5,
            steps: int = 2000, seed: int = 0) -> ToyFit:
    """Full-batch gradient descent on the cross-entropy; ``hidden=()`` is a linear model (logistic
    regression; softmax regression for more than two classes, with one output neuron per class)."""
    if not (np.isfinite(lr) and 0 < lr <= 100):
        raise ConfigError(f"learning rate must be in (0, 100], got {lr}")
    if not 1 <= steps <= MAX_TOY_STEPS:
        raise ConfigError(f"steps must be 1..{MAX_TOY_STEPS}, got {steps}")
    standardizer = Standardizer.fit(data.points)
    x, y = standardizer(data.points), data.labels
    classes = data.num_classes
    network = TinyNetwork.create((2, *hidden, 1 if classes == 2 else classes), activation, seed)
    losses, accuracies = np.empty(steps), np.empty(steps)
    for i in range(steps):
        network = network.step(x, y, lr)
        p = network.probabilities(x)
        # from this forward pass, not another one
        losses[i] = mean_loss(p[:, 1], y) if classes == 2 else class_loss(p, y)
        accuracies[i] = np.mean(p.argmax(axis=1) == y)
    return ToyFit(network, standardizer, losses, accuracies)


def region_grid(fit: ToyFit, bounds: tuple[float, float, float, float], resolution: int = 100) -> np.ndarray:
    """(resolution, resolution, classes) probability of each class over x1 in bounds[0:2] (columns)
    and x2 in bounds[2:4] (rows, from the bottom up)."""
    x1 = np.linspace(bounds[0], bounds[1], resolution)
    x2 = np.linspace(bounds[2], bounds[3], resolution)
    grid = np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2)
    return fit.probabilities(grid).reshape(resolution, resolution, -1)


def padded_bounds(points: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    low, high = points.min(axis=0), points.max(axis=0)
    pad = (high - low) * margin + 1e-9
    return float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), float(high[1] + pad[1])
