"""Models. Every image model names its layers (``config.layer_names``) and exposes
``activations(x) -> dict[str, Tensor]`` and ``named_layers()``: a layer's name means the value the next
layer reads (after the activation), ``NAME.pre`` its weighted sums, and a forward hook on a name sees
exactly what ``activations()`` returns under it. The character-level model names its recurrent
layers (``layer1``, ...); ``nn.LSTM`` does not expose one layer's states to hooks, so
``inspect.cells.trace_cells`` re-runs the recurrence from its weights to read every cell and gate.

:class:`DenseArrays` is a dense network read into NumPy, for figures that only look at its weights
and answers. Names load on first use: the dense configuration and arrays never load PyTorch."""

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .char_rnn import CELLS, CharRNN, CharRNNConfig
    from .convnet import ConvNet, ConvNetConfig
    from .dense import INITS, OUTPUTS, DenseArrays, MLPConfig
    from .init import reset_parameters
    from .layers import PRE, HookPoint, pre
    from .linear import LinearClassifier, LinearConfig
    from .mlp import ACTIVATIONS, MLP, probabilities

__all__ = ["ACTIVATIONS", "CELLS", "CharRNN", "CharRNNConfig", "ConvNet", "ConvNetConfig", "DenseArrays", "HookPoint",
           "INITS", "LinearClassifier", "LinearConfig", "MLP", "MLPConfig", "OUTPUTS", "PRE", "pre", "probabilities",
           "reset_parameters"]
__getattr__, __dir__ = lazy_exports(__name__, __file__)
