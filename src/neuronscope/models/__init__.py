"""Models. Every model names its layers and exposes ``activations(x) -> dict[str, Tensor]``."""

from .mlp import ACTIVATIONS, INITS, MLP, OUTPUTS, MLPConfig, probabilities

__all__ = ["ACTIVATIONS", "INITS", "MLP", "MLPConfig", "OUTPUTS", "probabilities"]
