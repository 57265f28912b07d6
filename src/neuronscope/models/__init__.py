"""Models. Every model names its layers and exposes ``activations(x) -> dict[str, Tensor]``."""

from .char_rnn import CELLS, CharRNN, CharRNNConfig
from .mlp import ACTIVATIONS, INITS, MLP, OUTPUTS, MLPConfig, probabilities

__all__ = ["ACTIVATIONS", "CELLS", "CharRNN", "CharRNNConfig", "INITS", "MLP", "MLPConfig", "OUTPUTS", "probabilities"]
