"""Models. Every model names its layers and exposes ``activations(x) -> dict[str, Tensor]``."""

from .char_rnn import CELLS, CharRNN, CharRNNConfig
from .convnet import ConvNet, ConvNetConfig
from .linear import LinearClassifier, LinearConfig
from .mlp import ACTIVATIONS, INITS, MLP, OUTPUTS, MLPConfig, probabilities

__all__ = ["ACTIVATIONS", "CELLS", "CharRNN", "CharRNNConfig", "ConvNet", "ConvNetConfig", "INITS", "LinearClassifier",
           "LinearConfig", "MLP", "MLPConfig", "OUTPUTS", "probabilities"]
