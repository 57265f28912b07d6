"""The settings of dictionary learning and of the toy model of superposition, kept apart from the code
that uses them so the command line can show their defaults without loading torch."""

from __future__ import annotations

from dataclasses import dataclass

from .configs import Number, OneOf, Settings, Whole
from .errors import ConfigError

SPARSITY_KINDS = ("topk", "l1")
MAX_FEATURES = 65_536
FEATURES_PER_UNIT = 8  # the default dictionary size, per neuron, channel or cell of the layer


@dataclass(frozen=True)
class SAEConfig(Settings):
    """features: dictionary size (4-8x the layer's width is usual); sparsity: ``topk`` (k features per
    input) or ``l1`` (penalty ``l1`` on activations); epochs over the activations, batch size, Adam's
    learning rate, seed."""

    features: int = 800
    sparsity: str = "topk"
    k: int = 16
    l1: float = 0.15  # about 20 active features per input on an MNIST MLP's hidden layer
    epochs: int = 10
    batch_size: int = 1024
    lr: float = 3e-3
    seed: int = 0

    constraints = {"features": Whole(1, MAX_FEATURES), "sparsity": OneOf(*SPARSITY_KINDS), "k": Whole(1, MAX_FEATURES),
                   "l1": Number(0, 1e4), "epochs": Whole(1, 10_000), "batch_size": Whole(1, 1 << 16),
                   "lr": Number(0, 10, open_low=True), "seed": Whole(0, 2**32 - 1)}
    what = "sparse-autoencoder"

    def __post_init__(self):
        super().__post_init__()
        if self.sparsity == "topk" and self.k > self.features:
            raise ConfigError(f"k ({self.k}) cannot exceed the number of features ({self.features})")


@dataclass(frozen=True)
class ToyConfig(Settings):
    """features n, dimensions m, sparsity (chance a feature is zero), importance decay (feature i weighs
    decay^i), Adam steps, batch size, learning rate, independent starts (the best is kept), seed."""

    features: int = 5
    dimensions: int = 2
    sparsity: float = 0.9
    importance_decay: float = 0.9
    steps: int = 800
    batch_size: int = 512
    lr: float = 3e-2
    starts: int = 4
    seed: int = 0

    constraints = {"features": Whole(1, 64), "dimensions": Whole(1, 64), "sparsity": Number(0, 1, open_high=True),
                   "importance_decay": Number(0, 1, open_low=True), "steps": Whole(1, 100_000),
                   "batch_size": Whole(1, 8192), "lr": Number(0, 10, open_low=True), "starts": Whole(1, 64),
                   "seed": Whole(0, 2**32 - 1)}
    what = "toy-model"

    def __post_init__(self):
        super().__post_init__()
        if self.dimensions > self.features:
            raise ConfigError(f"the dimensions ({self.dimensions}) must not outnumber the features ({self.features})")
