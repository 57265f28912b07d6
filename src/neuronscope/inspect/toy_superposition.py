"""The toy model of superposition (Elhage et al., "Toy Models of Superposition", 2022): n features,
each zero with probability ``sparsity`` and otherwise uniform in [0, 1], squeezed through m < n
dimensions and read back by x' = ReLU(W^T W x + b), the i-th feature weighted by importance^i. Dense
features: the m most important get a dimension each and the rest are ignored. Sparse features: more
than m share the dimensions in superposition (antipodal pairs, triangles, pentagons), because two
features rarely fire together and the ReLU filters the small interference away."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..feature_configs import ToyConfig

REPRESENTED = 0.5  # a feature whose direction is at least this long is represented
FINAL_BATCH = 8192  # inputs the starts are compared on, once trained


@dataclass(frozen=True)
class ToyModel:
    """weights W (m, n): column i is feature i's direction; bias (n,); loss the importance-weighted
    squared error it reached."""

    config: ToyConfig
    weights: np.ndarray
    bias: np.ndarray
    loss: float

    @property
    def norms(self) -> np.ndarray:
        """(n,) each feature's direction length: about 1 if represented, about 0 if ignored."""
        return np.linalg.norm(self.weights, axis=0)

    @property
    def represented(self) -> int:
        return int((self.norms >= REPRESENTED).sum())

    @property
    def gram(self) -> np.ndarray:
        """(n, n) W^T W: the diagonal is each feature's squared length, the rest their interference."""
        return self.weights.T @ self.weights

    @property
    def interference(self) -> np.ndarray:
        """(n,) how much other features share each one's direction: the sum over j != i of
        (unit w_i . w_j)^2; 0 for a feature with a dimension of its own (Elhage et al.'s measure)."""
        unit = self.weights / np.maximum(self.norms, 1e-9)
        overlap = (unit.T @ self.weights) ** 2
        np.fill_diagonal(overlap, 0)
        return overlap.sum(1)

    @property
    def dimensions_per_feature(self) -> float:
        """m over the squared Frobenius norm of W: 1 when each represented feature has its own dimension,
        1/2 for antipodal pairs, 2/5 for pentagons."""
        return self.config.dimensions / max(float((self.weights ** 2).sum()), 1e-9)

    def to_json(self) -> dict:
        return {"config": self.config.to_json(), "weights": self.weights.round(5).tolist(),
                "bias": self.bias.round(5).tolist(), "loss": self.loss, "norms": self.norms.round(5).tolist(),
                "interference": self.interference.round(5).tolist(), "represented": self.represented,
                "dimensions_per_feature": self.dimensions_per_feature,
                "importance": importance(self.config).round(5).tolist()}


def importance(config: ToyConfig) -> np.ndarray:
    return config.importance_decay ** np.arange(config.features)


def train_toy_model(config: ToyConfig = ToyConfig()) -> ToyModel:
    """Train ``config.starts`` models side by side from different random starts; keep the best."""
    n, m, starts = config.features, config.dimensions, config.starts
    generator = torch.Generator().manual_seed(config.seed)
    weights = (torch.randn(starts, m, n, generator=generator) * math.sqrt(2 / (m + n))).requires_grad_()
    bias = torch.zeros(starts, 1, n, requires_grad=True)
    weight_of = torch.as_tensor(importance(config), dtype=torch.float32)
    optimizer = torch.optim.Adam([weights, bias], lr=config.lr)
    for _ in range(config.steps):
        x = _sparse_batch(starts, config.batch_size, config, generator)
        loss_per_start = _losses(weights, bias, x, weight_of)
        optimizer.zero_grad()
        loss_per_start.sum().backward()
        optimizer.step()
    with torch.no_grad():
        final = _losses(weights, bias, _sparse_batch(starts, FINAL_BATCH, config, generator), weight_of)
    best = int(final.argmin())
    return ToyModel(config, weights[best].detach().numpy().astype(np.float64),
                    bias[best, 0].detach().numpy().astype(np.float64), float(final[best]))


def _sparse_batch(starts: int, batch_size: int, config: ToyConfig, generator: torch.Generator) -> torch.Tensor:
    shape = (starts, batch_size, config.features)
    values = torch.rand(shape, generator=generator)
    return values * (torch.rand(shape, generator=generator) >= config.sparsity)


def _losses(weights: torch.Tensor, bias: torch.Tensor, x: torch.Tensor, weight_of: torch.Tensor) -> torch.Tensor:
    hidden = x @ weights.transpose(1, 2)  # (starts, batch, m)
    out = torch.relu(hidden @ weights + bias)
    return (weight_of * (x - out) ** 2).sum(2).mean(1)

