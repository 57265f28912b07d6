"""Training hyperparameters, presets, and how a preset plus flags becomes a full run description."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..choices import COSTS, DEFAULT_OUTPUT, DEFAULT_PRESET, INITS, OPTIMIZERS, VALID_OUTPUTS
from ..configs import BATCH_SIZE, EPOCHS, L2, LEARNING_RATE, SEED, OneOf, Settings
from ..errors import ConfigError
from ..models.dense import MLPConfig


@dataclass(frozen=True)
class TrainConfig(Settings):
    """How to train a dense network. ``loss`` is the cost function; ``l2`` is lambda in Nielsen's
    convention: the cost gains lambda/(2n) * sum(w^2) over all weights (not biases), n being the
    number of training images. Training starts from weights drawn by ``init`` with ``seed``."""

    loss: str = "quadratic"
    init: str = "normal"
    optimizer: str = "sgd"
    lr: float = 3.0
    batch_size: int = 10
    epochs: int = 30
    l2: float = 0.0
    seed: int = 0

    constraints = {"loss": OneOf(*COSTS), "init": OneOf(*INITS), "optimizer": OneOf(*OPTIMIZERS),
                   "lr": LEARNING_RATE, "batch_size": BATCH_SIZE, "epochs": EPOCHS, "l2": L2, "seed": SEED}
    renamed = {"cost": "loss"}
    what = "training"


@dataclass(frozen=True)
class Preset:
    hidden: tuple[int, ...]
    activation: str
    training: TrainConfig


PRESETS = {
    "nielsen": Preset((30,), "sigmoid", TrainConfig()),
    "3b1b": Preset((16, 16), "sigmoid", TrainConfig()),
    "modern": Preset((100,), "relu", TrainConfig(loss="cross-entropy", init="scaled", optimizer="adam", lr=1e-3,
                                                 batch_size=64, epochs=10, l2=5.0)),
}


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
    output = output or DEFAULT_OUTPUT[training.loss]
    if output not in VALID_OUTPUTS[training.loss]:
        raise ConfigError(f"loss {training.loss!r} needs a {' or '.join(VALID_OUTPUTS[training.loss])} output, "
                          f"got {output!r}")
    model = MLPConfig(layers=tuple(layers), activation=activation or base.activation, output=output,
                      image_shape=image_shape)
    return model, training
