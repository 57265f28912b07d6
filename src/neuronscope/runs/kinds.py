"""The kinds of run, as ``config.json`` records them: which model and training settings each holds,
and which commands open it, so a run given to the wrong command gets a useful one-line answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from ..configs import Each, Number, OneOf, Optional, Text, Whole
from ..data import DATASETS
from ..errors import ConfigError

CODE_ROLES = ("model_config", "model", "training", "loop", "state", "fits")


@dataclass(frozen=True)
class Kind:
    """A kind of run. Its code is named, ``"module:attribute"`` per role, and loads when first used, so
    opening a dense run for its figures never loads the ConvNet's, the LSTM's or PyTorch's code:

    model_config and model (``nn.Module``); training (its settings' class); loop(model, data, training, *,
    state, on_checkpoint, progress); state (what the loop hands each checkpoint, to resume from); fits(model,
    data, training) refuses data the model cannot train on."""

    name: str  # as config.json records it
    title: str  # "a dense network"
    code: dict[str, str]
    commands: str  # the commands that use it
    data_key: str = "dataset"  # where config.json describes the data it was trained on
    data_fields: dict = field(default_factory=lambda: DATASET_FIELDS)  # what that description may hold

    def __getattr__(self, role: str):
        if role not in CODE_ROLES:
            raise AttributeError(role)
        return _named(self.code[role])

    def build(self, config):
        return self.model(config)

    def state_shapes(self, config) -> dict[str, tuple[int, ...]]:
        """The weights file's tensor names and shapes for ``config``, with nothing allocated."""
        if "shapes" in self.code:
            return _named(self.code["shapes"])(config)
        import torch

        with torch.device("meta"):
            return {name: tuple(t.shape) for name, t in self.build(config).state_dict().items()}


def _named(where: str):
    """What ``"module:attribute"`` names, its module loaded now."""
    module, attribute = where.split(":")
    return getattr(import_module(module), attribute)


def _code(model_config: str, model: str, training: str, loop: str, state: str = "training.state:TrainingState",
          fits: str | None = None, shapes: str | None = None) -> dict[str, str]:
    """Each role's ``module:attribute`` (modules relative to the package); ``fits`` defaults to the
    loop module's ``check_fits``; ``shapes(config)``, when given, names the weights without building the model."""
    named = {"model_config": model_config, "model": model, "training": training, "loop": loop, "state": state,
             "fits": fits or f"{loop.split(':')[0]}:check_fits", **({"shapes": shapes} if shapes else {})}
    return {role: f"neuronscope.{where}" for role, where in named.items()}


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


def not_trained_here(*args, **kwargs):
    """The training loop and data check of a kind that holds published weights."""
    raise ConfigError("an ImageNet classifier holds published weights; neuronscope does not train it")


MODULE_TRAINING = "training.module_loop:ModuleTrainConfig"
KINDS = {kind.name: kind for kind in (
    Kind("mlp", "a dense network", _code("models.dense:MLPConfig", "models.mlp:MLP", "training.config:TrainConfig",
                                         "training.loop:train",
                                         shapes="models.dense:state_shapes"),
         "neuronscope figures|report|serve|experiment noise|robustness|morph|visualize|attack|features analyze"),
    Kind("convnet", "a ConvNet", _code("models.convnet:ConvNetConfig", "models.convnet:ConvNet", MODULE_TRAINING,
                                       "training.module_loop:train_module"),
         "neuronscope convnet report|visualize|dream|attack|serve|features analyze"),
    Kind("linear", "a linear classifier", _code("models.linear:LinearConfig", "models.linear:LinearClassifier",
                                                MODULE_TRAINING, "training.module_loop:train_module"),
         "neuronscope visualize|attack|serve (templates: neuronscope templates)"),
    Kind("char-rnn", "a character-level model",
         _code("models.char_rnn:CharRNNConfig", "models.char_rnn:CharRNN", "training.char_loop:CharTrainConfig",
               "training.char_loop:train_chars", state="training.char_loop:CharTrainingState"),
         "neuronscope text sample|cells|serve", data_key="corpus", data_fields=CORPUS_FIELDS),
    Kind("imagenet", "an ImageNet classifier",
         _code("models.efficientnet_lite:EfficientNetLiteConfig", "models.efficientnet_lite:EfficientNetLite",
               MODULE_TRAINING, "runs.kinds:not_trained_here", fits="runs.kinds:not_trained_here"),
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
