"""The kinds of run, as ``config.json`` records them: which model and training settings each holds,
and which commands open it, so a run given to the wrong command gets a useful one-line answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from torch import nn

from ..configs import Each, Number, OneOf, Optional, Text, Whole
from ..data import DATASETS
from ..errors import ConfigError
from ..models import MLP, CharRNN, CharRNNConfig, ConvNet, ConvNetConfig, LinearClassifier, LinearConfig, MLPConfig
from ..models.efficientnet_lite import EfficientNetLite, EfficientNetLiteConfig
from ..training import (
    CharTrainConfig,
    CharTrainingState,
    ModuleTrainConfig,
    TrainConfig,
    TrainingState,
    char_loop,
    loop,
    module_loop,
)


@dataclass(frozen=True)
class Kind:
    name: str  # as config.json records it
    title: str  # "a dense network"
    model_config: type
    model: type[nn.Module]
    training: type
    loop: Callable  # loop(model, data, training, *, state, on_checkpoint, progress)
    state: type  # what the loop hands each checkpoint, to resume from
    fits: Callable  # fits(model, data, training) refuses data the model cannot train on
    commands: str  # the commands that use it
    data_key: str = "dataset"  # where config.json describes the data it was trained on
    data_fields: dict = field(default_factory=lambda: DATASET_FIELDS)  # what that description may hold

    def build(self, config) -> nn.Module:
        return self.model(config)


SIZE = Optional(Whole(0, 10**9))
PATH = Optional(Text(1, 4096))
DATASET_FIELDS = {"name": OneOf(*DATASETS), "train_size": SIZE, "test_size": SIZE,
                  "image_shape": Each(Whole(1, 4096), 2, 3), "class_names": Each(Text(0, 200), 1, 1000),
                  "location": PATH, "imported_from": PATH}
UNIT = Each(Number(0, 1), 3, 3)
PRETRAINED_FIELDS = {"name": OneOf("imagenet"), "weights_from": Text(1, 200), "mean": UNIT, "std": UNIT,
                     "class_names": Each(Text(0, 200), 1, 100_000)}
CORPUS_FIELDS = {"name": Text(1, 4096), "source": Text(0, 4096), "characters": Whole(0, 10**10),
                 "is_code": OneOf(True, False), "language": Optional(Text(1, 64)), "location": PATH}



def _not_trained_here(*args, **kwargs):
    """The training loop and data check of a kind that holds published weights."""
    raise ConfigError("an ImageNet classifier holds published weights; neuronscope does not train it")


KINDS = {kind.name: kind for kind in (
    Kind("mlp", "a dense network", MLPConfig, MLP, TrainConfig, loop.train, TrainingState, loop.check_fits,
         "neuronscope figures|report|serve|experiment noise|robustness|morph|visualize|attack|features analyze"),
    Kind("convnet", "a ConvNet", ConvNetConfig, ConvNet, ModuleTrainConfig, module_loop.train_module, TrainingState,
         module_loop.check_fits, "neuronscope convnet report|visualize|dream|attack|serve|features analyze"),
    Kind("linear", "a linear classifier", LinearConfig, LinearClassifier, ModuleTrainConfig, module_loop.train_module,
         TrainingState, module_loop.check_fits, "neuronscope visualize|attack|serve (templates: neuronscope templates)"),
    Kind("char-rnn", "a character-level model", CharRNNConfig, CharRNN, CharTrainConfig, char_loop.train_chars,
         CharTrainingState, char_loop.check_fits, "neuronscope text sample|cells|serve", data_key="corpus",
         data_fields=CORPUS_FIELDS),
    Kind("imagenet", "an ImageNet classifier", EfficientNetLiteConfig, EfficientNetLite, ModuleTrainConfig,
         _not_trained_here, TrainingState, _not_trained_here,
         "neuronscope imagenet classify|visualize|attack|fool", data_fields=PRETRAINED_FIELDS),
)}
IMAGE_KINDS = ("mlp", "convnet", "linear")
PRETRAINED_KINDS = ("imagenet",)
DENSE_KINDS = ("mlp",)
TEXT_KINDS = ("char-rnn",)


def parameter_count(config) -> int:
    """How many weights and biases the model ``config`` describes has (counted on torch's meta device:
    nothing is allocated)."""
    import torch

    with torch.device("meta"):
        return sum(p.numel() for p in kind_of_config(config).build(config).parameters())


def kind_of_config(config) -> Kind:
    """The kind whose model a model configuration describes."""
    for kind in KINDS.values():
        if isinstance(config, kind.model_config):
            return kind
    raise TypeError(f"not a neuronscope model configuration: {type(config).__name__}")
