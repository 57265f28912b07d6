"""Fully connected networks in PyTorch: the classic MLP and, with no hidden layer, linear classifiers
(their configuration and a NumPy reading of them are in ``models.dense``)."""

from __future__ import annotations

import math

import torch
from torch import nn

from ..choices import INITS
from ..errors import ConfigError
from .dense import MLPConfig
from .layers import HookPoint, pre

ACTIVATIONS = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh}


class MLP(nn.Module):
    """A stack of dense layers. ``forward`` returns the output layer's scores (weighted sums).

    Inputs are (n, input_size) float32, or images (n, height, width) or (n, 1, height, width), which
    are flattened.
    """

    def __init__(self, config: MLPConfig):
        super().__init__()
        self.config = config
        self.layers = nn.ModuleList(nn.Linear(i, o) for i, o in zip(config.layers, config.layers[1:]))
        # each layer's value after its activation (the output layer's: the network's answer)
        self.points = nn.ModuleList(HookPoint() for _ in self.layers)
        self._activation = ACTIVATIONS[config.activation]

    def reset_parameters(self, init: str = "scaled", seed: int = 0) -> MLP:
        """``normal``: weights and biases N(0, 1); ``scaled``: weights N(0, 1/fan_in), biases N(0, 1)."""
        if init not in INITS:
            raise ConfigError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for layer in self.layers:
                std = 1.0 if init == "normal" else 1.0 / math.sqrt(layer.in_features)
                layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator) * std)
                layer.bias.copy_(torch.randn(layer.bias.shape, generator=generator))
        return self

    def _flatten(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 4 and x.shape[1] == 1:  # (n, 1, H, W), the layout of image tools
            x = x[:, 0]
        if x.dim() == 3 and tuple(x.shape[1:]) == self.config.image_shape:
            return x.reshape(x.shape[0], -1)
        if x.dim() != 2 or x.shape[1] != self.config.layers[0]:
            raise ConfigError(f"expected inputs of shape (n, {self.config.layers[0]}) or (n, "
                              f"{', '.join(map(str, self.config.image_shape))}), got {tuple(x.shape)}")
        return x

    def activations(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every layer's activations by name (hidden1, ..., output); output holds the network's answer
        (its scores through the output function)."""
        x = self._flatten(x)
        result = {}
        names = self.config.layer_names
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if names[i] == "output":
                x = output_activation(x, self.config.output)
            else:
                x = self._activation(x)
            result[names[i]] = x
        return result

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The output layer's scores (weighted sums), (n, classes)."""
        return self.scores_above_first_layer(self.layers[0](self._flatten(x)))

    def scores_above_first_layer(self, sums: torch.Tensor) -> torch.Tensor:
        """The output layer's scores, given the first layer's weighted sums (n, first-layer neurons)."""
        for point, layer in zip(self.points, self.layers[1:]):
            sums = layer(point(self._activation(sums)))
        answer = self.points[-1]
        if answer._forward_hooks:  # the answer is computed only for someone listening: training never is
            answer(output_activation(sums, self.config.output))
        return sums

    def named_layers(self) -> dict[str, nn.Module]:
        """Modules whose outputs are each layer's activations (hidden1, ..., output) and, under
        ``NAME.pre``, its weighted sums z."""
        names = self.config.layer_names
        return {**dict(zip(names, self.points)), **{pre(name): layer for name, layer in zip(names, self.layers)}}

    def weight_matrices(self) -> list[torch.Tensor]:
        """Each layer's (out, in) weight matrix, detached."""
        return [layer.weight.detach() for layer in self.layers]


def output_activation(scores: torch.Tensor, output: str) -> torch.Tensor:
    if output == "sigmoid":
        return torch.sigmoid(scores)
    if output == "softmax":
        return torch.softmax(scores, dim=-1)
    return scores


def probabilities(model: MLP, x: torch.Tensor) -> torch.Tensor:
    """(n, classes) confidences: softmax of the scores, except sigmoid outputs, which are their own activations."""
    scores = model(x)
    if model.config.output == "sigmoid":
        return torch.sigmoid(scores)
    return torch.softmax(scores, dim=-1)
