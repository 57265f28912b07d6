"""Models. Every image model names its layers (``config.layer_names``) and exposes
``activations(x) -> dict[str, Tensor]`` and ``named_layers()``: a layer's name means the value the next
layer reads (after the activation), ``NAME.pre`` its weighted sums, and a forward hook on a name sees
exactly what ``activations()`` returns under it. The character-level model names its recurrent
layers (``layer1``, ...); ``nn.LSTM`` does not expose one layer's states to hooks, so
``inspect.cells.trace_cells`` re-runs the recurrence from its weights to read every cell and gate."""

from .char_rnn import CELLS, CharRNN, CharRNNConfig
from .convnet import ConvNet, ConvNetConfig
from .init import reset_parameters
from .layers import PRE, HookPoint, pre
from .linear import LinearClassifier, LinearConfig
from .mlp import ACTIVATIONS, INITS, MLP, OUTPUTS, MLPConfig, probabilities

__all__ = ["ACTIVATIONS", "CELLS", "PRE", "CharRNN", "CharRNNConfig", "ConvNet", "ConvNetConfig", "HookPoint", "INITS",
           "LinearClassifier", "LinearConfig", "MLP", "MLPConfig", "OUTPUTS", "pre", "probabilities",
           "reset_parameters"]
