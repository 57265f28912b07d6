"""Training hyperparameters, presets, and how a preset plus flags becomes a full run description."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..configs import config_from_json, config_to_json
from ..errors import ConfigError
from ..models.mlp import INITS, MLPConfig
from .costs import COSTS, DEFAULT_OUTPUT, VALID_OUTPUTS

OPTIMIZERS = ("sgd", "adam")


@dataclass(frozen=True)
class TrainConfig:
    """How to train. ``l2`` is lambda in Nielsen's convention: the cost gains lambda/(2n) * sum(w^2)
    over all weights (not biases), n being the number of training images."""

    cost: str = "quadratic"
    init: str = "normal"
    optimizer: str = "sgd"
    lr: float = 3.0
    batch_size: int = 10
    epochs: int = 30
    l2: float = 0.0
    seed: int = 0

    def __post_init__(self):
        if self.cost not in COSTS:
            raise ConfigError(f"unknown cost {self.cost!r}; choose one of {', '.join(COSTS)}")
        if self.init not in INITS:
            raise ConfigError(f"unknown init {self.init!r}; choose one of {', '.join(INITS)}")
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and 0 < self.lr <= 1e4):
            raise ConfigError(f"learning rate must be a finite number in (0, 10000], got {self.lr}")
        if not (isinstance(self.l2, (int, float)) and math.isfinite(self.l2) and 0 <= self.l2 <= 1e6):
            raise ConfigError(f"l2 must be a finite number in [0, 1000000], got {self.l2}")
        if not (isinstance(self.batch_size, int) and 1 <= self.batch_size <= 1_000_000):
            raise ConfigError(f"batch size must be a whole number from 1 to 1000000, got {self.batch_size}")
        if not (isinstance(self.epochs, int) and 1 <= self.epochs <= 100_000):
            raise ConfigError(f"epochs must be a whole number from 1 to 100000, got {self.epochs}")
        if not (isinstance(self.seed, int) and 0 <= self.seed < 2**63):
            raise ConfigError(f"seed must be a non-negative whole number, got {self.seed}")

    def to_json(self) -> dict:
        return config_to_json(self)

    @classmethod
    def from_json(cls, data: dict) -> TrainConfig:
        return config_from_json(cls, data, "training")


@dataclass(frozen=True)
class Preset:
    hidden: tuple[int, ...]
    activation: str
    training: TrainConfig


PRESETS = {
    "nielsen": Preset((30,), "sigmoid", TrainConfig()),
    "3b1b": Preset((16, 16), "sigmoid", TrainConfig()),
    "modern": Preset((100,), "relu", TrainConfig(cost="cross-entropy", init="scaled", optimizer="adam", lr=1e-3,
                                                 batch_size=64, epochs=10, l2=5.0)),
}
DEFAULT_PRESET = "3b1b"


def build_configs(*, input_size: int, num_classes: int, image_shape: tuple[int, int], preset: str = DEFAULT_PRESET,
                  layers: list[int] | None = None, activation: str | None = None, output: str | None = None,
                  **training_overrides) -> tuple[MLPConfig, TrainConfig]:
    """Start from ``preset``, apply every override that is not None, and check the result fits the data.

    The preset's hidden sizes sit between the dataset's input and class count; ``layers`` replaces
    them and must start with ``input_size`` and end with ``num_classes``.
    """
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    base = PRESETS[preset]
    training = replace(base.training, **{k: v for k, v in training_overrides.items() if v is not None})
    if layers is None:
        layers = [input_size, *base.hidden, num_classes]
    elif layers[0] != input_size or layers[-1] != num_classes:
        raise ConfigError(f"layers {list(layers)} must start with the input size {input_size} "
                          f"and end with the number of classes {num_classes}")
    output = output or DEFAULT_OUTPUT[training.cost]
    if output not in VALID_OUTPUTS[training.cost]:
        raise ConfigError(f"cost {training.cost!r} needs a {' or '.join(VALID_OUTPUTS[training.cost])} output, "
                          f"got {output!r}")
    model = MLPConfig(layers=tuple(layers), activation=activation or base.activation, output=output,
                      image_shape=image_shape)
    return model, training
