"""A dense network's configuration, and the network read into NumPy (:class:`DenseArrays`): all that
figures and reports need to look at a trained dense network, without loading PyTorch.
:class:`~neuronscope.models.mlp.MLP` is the same network in PyTorch, for training and gradients."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..choices import ACTIVATIONS, INITS, OUTPUTS
from ..configs import Each, OneOf, Settings, Whole
from ..errors import ConfigError

__all__ = ["ACTIVATIONS", "INITS", "MAX_NEURONS", "OUTPUTS", "DenseArrays", "MLPConfig", "state_shapes"]

MAX_NEURONS = 100_000


@dataclass(frozen=True)
class MLPConfig(Settings):
    """Architecture of a dense network.

    layers: sizes from input to output, e.g. (784, 30, 10); two entries make a linear classifier.
    activation: hidden-layer nonlinearity. output: what turns the last layer's weighted sums
    (scores) into the network's answer: sigmoid (Nielsen's networks), softmax, or linear scores
    (a multiclass SVM). image_shape: how an input vector folds into an image, for pictures.
    """

    layers: tuple[int, ...]
    activation: str = "sigmoid"
    output: str = "sigmoid"
    image_shape: tuple[int, int] = (28, 28)

    constraints = {"layers": Each(Whole(1, MAX_NEURONS), 2, 64), "activation": OneOf(*ACTIVATIONS),
                   "output": OneOf(*OUTPUTS), "image_shape": Each(Whole(1, MAX_NEURONS), 2, 2)}
    kind = "mlp"
    what = "dense-network"

    def __post_init__(self):
        super().__post_init__()
        if math.prod(self.image_shape) != self.layers[0]:
            raise ConfigError(f"image shape {list(self.image_shape)} does not hold the {self.layers[0]} inputs")

    @property
    def layer_names(self) -> list[str]:
        """Names of the layers that have neurons: hidden1, hidden2, ..., output."""
        return [f"hidden{i}" for i in range(1, len(self.layers) - 1)] + ["output"]


def state_shapes(config: MLPConfig) -> dict[str, tuple[int, ...]]:
    """The weights file's tensor names and shapes for ``config`` (those of ``MLP(config).state_dict()``)."""
    shapes = {}
    for i, (inputs, outputs) in enumerate(zip(config.layers, config.layers[1:])):
        shapes[f"layers.{i}.weight"], shapes[f"layers.{i}.bias"] = (outputs, inputs), (outputs,)
    return shapes


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * x))  # never overflows, unlike 1 / (1 + exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


_HIDDEN = {"sigmoid": _sigmoid, "relu": lambda x: np.maximum(x, 0), "tanh": np.tanh}
_OUTPUT = {"sigmoid": _sigmoid, "softmax": _softmax, "linear": lambda x: x}


@dataclass(frozen=True, repr=False)
class DenseArrays:
    """A dense network's weights as float32 arrays and its forward pass in NumPy, answering as ``MLP``
    does (to float32 rounding)."""

    config: MLPConfig
    weights: tuple[np.ndarray, ...]  # each layer's (out, in) matrix
    biases: tuple[np.ndarray, ...]

    @classmethod
    def from_state(cls, config: MLPConfig, tensors: dict[str, np.ndarray]) -> DenseArrays:
        """From a state dict's arrays (names as :func:`state_shapes`)."""
        count = len(config.layers) - 1
        take = lambda name: np.ascontiguousarray(tensors[name], dtype=np.float32)  # noqa: E731
        return cls(config, tuple(take(f"layers.{i}.weight") for i in range(count)),
                   tuple(take(f"layers.{i}.bias") for i in range(count)))

    def __repr__(self) -> str:
        return f"DenseArrays({'-'.join(map(str, self.config.layers))}, {self.config.activation})"

    def weight_matrices(self) -> list[np.ndarray]:
        return list(self.weights)

    def parameters(self) -> list[np.ndarray]:
        return [array for pair in zip(self.weights, self.biases) for array in pair]

    def _flatten(self, images) -> np.ndarray:
        x = np.asarray(images, dtype=np.float32)
        if x.ndim == 4 and x.shape[1] == 1:
            x = x[:, 0]
        if x.ndim == 3 and tuple(x.shape[1:]) == tuple(self.config.image_shape):
            return x.reshape(len(x), -1)
        if x.ndim != 2 or x.shape[1] != self.config.layers[0]:
            raise ConfigError(f"expected inputs of shape (n, {self.config.layers[0]}) or (n, "
                              f"{', '.join(map(str, self.config.image_shape))}), got {tuple(x.shape)}")
        return x

    def _layers(self, images) -> dict[str, np.ndarray]:
        """Each layer's value by name: hidden layers after their activation, the output layer's scores."""
        x, values = self._flatten(images), {}
        for name, weight, bias in zip(self.config.layer_names, self.weights, self.biases):
            x = x @ weight.T + bias
            values[name] = x = x if name == "output" else _HIDDEN[self.config.activation](x)
        return values

    def activations(self, images) -> dict[str, np.ndarray]:
        """Every layer's activations by name, as ``MLP.activations``: output holds the network's answer."""
        values = self._layers(images)
        values["output"] = _OUTPUT[self.config.output](values["output"])
        return values

    def scores(self, images) -> np.ndarray:
        """The output layer's weighted sums, (n, classes)."""
        return self._layers(images)["output"]

    def probabilities(self, images) -> np.ndarray:
        """(n, classes) confidences as ``models.mlp.probabilities``: sigmoid outputs are their own,
        every other output is read through a softmax."""
        scores = self.scores(images)
        return _sigmoid(scores) if self.config.output == "sigmoid" else _softmax(scores)
