"""Every cell of a recurrent language model, character by character: gates, cell states, hidden states.

``torch.nn.LSTM`` returns only the last layer's hidden states; to see the gates the recurrence is
re-run here from the model's own weights (the same equations, checked against the module).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data.text import Vocabulary
from ..errors import DataError
from ..models.char_rnn import CharRNN

SATURATED_LOW, SATURATED_HIGH = 0.1, 0.9
MAX_TRACED_CHARS = 200_000


@dataclass(frozen=True)
class CellTrace:
    """``layers[l][name]`` is (len(text), hidden) float32 for each named signal of layer l:
    LSTM ``cell``, ``hidden``, ``input_gate``, ``forget_gate``, ``output_gate``; GRU ``hidden``,
    ``reset_gate``, ``update_gate``; RNN ``hidden``. ``probabilities`` (len(text), vocabulary) is
    the model's prediction of the character after each one."""

    cell_type: str
    text: str
    layers: list[dict[str, np.ndarray]]
    probabilities: np.ndarray

    @property
    def state_name(self) -> str:
        """The signal whose units are the layer's "cells": the LSTM's cell state, else the hidden state."""
        return "cell" if self.cell_type == "lstm" else "hidden"

    def states(self, layer: int) -> np.ndarray:
        return self.layers[layer][self.state_name]


def trace_cells(model: CharRNN, text: str) -> CellTrace:
    """Run ``text`` through the model from a zero state and record every layer's signals."""
    if not text:
        raise DataError("there is no text to trace")
    if len(text) > MAX_TRACED_CHARS:
        raise DataError(f"{len(text)} characters is over the {MAX_TRACED_CHARS} traced at once")
    vocabulary = Vocabulary(model.config.vocabulary)
    tokens = torch.from_numpy(vocabulary.encode(text))
    device = next(model.parameters()).device
    rnn, kind, hidden = model.rnn, model.config.cell, model.config.hidden
    layers = []
    with torch.inference_mode():
        inputs = model.embed(tokens.to(device)).float()
        for l in range(model.config.layers):
            w_ih, w_hh = getattr(rnn, f"weight_ih_l{l}"), getattr(rnn, f"weight_hh_l{l}")
            b_ih, b_hh = getattr(rnn, f"bias_ih_l{l}"), getattr(rnn, f"bias_hh_l{l}")
            projected = inputs @ w_ih.T + b_ih  # every time step's input part at once
            signals = _RECURRENCES[kind](projected, w_hh, b_hh, hidden)
            layers.append({k: v.cpu().numpy() for k, v in signals.items()})
            inputs = signals["hidden"]
        probabilities = torch.softmax(model.head(inputs), dim=-1).cpu().numpy()
    return CellTrace(kind, text, layers, probabilities)


def _lstm(projected, w_hh, b_hh, hidden):
    steps = projected.shape[0]
    out = {k: torch.empty(steps, hidden) for k in ("input_gate", "forget_gate", "candidate", "output_gate",
                                                   "cell", "hidden")}
    h = torch.zeros(hidden)
    c = torch.zeros(hidden)
    for t in range(steps):
        gates = projected[t] + w_hh @ h + b_hh
        i, f, g, o = gates.chunk(4)  # PyTorch's gate order
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        for name, value in (("input_gate", i), ("forget_gate", f), ("candidate", g), ("output_gate", o),
                            ("cell", c), ("hidden", h)):
            out[name][t] = value
    return out


def _gru(projected, w_hh, b_hh, hidden):
    steps = projected.shape[0]
    out = {k: torch.empty(steps, hidden) for k in ("reset_gate", "update_gate", "candidate", "hidden")}
    h = torch.zeros(hidden)
    for t in range(steps):
        x_r, x_z, x_n = projected[t].chunk(3)
        h_r, h_z, h_n = (w_hh @ h + b_hh).chunk(3)
        r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
        n = torch.tanh(x_n + r * h_n)
        h = (1 - z) * n + z * h
        for name, value in (("reset_gate", r), ("update_gate", z), ("candidate", n), ("hidden", h)):
            out[name][t] = value
    return out


def _rnn(projected, w_hh, b_hh, hidden):
    out = {"hidden": torch.empty(projected.shape[0], hidden)}
    h = torch.zeros(hidden)
    for t in range(projected.shape[0]):
        h = torch.tanh(projected[t] + w_hh @ h + b_hh)
        out["hidden"][t] = h
    return out


_RECURRENCES = {"lstm": _lstm, "gru": _gru, "rnn": _rnn}
GATES = {"lstm": ("input_gate", "forget_gate", "output_gate"), "gru": ("reset_gate", "update_gate"),
         "rnn": ("hidden",)}


@dataclass(frozen=True)
class Saturation:
    """``left[l][gate]`` and ``right[l][gate]``: (hidden,) fraction of characters at which each cell's
    gate is below 0.1 (left-saturated: closed) or above 0.9 (right-saturated: open). For a vanilla
    RNN, its tanh hidden state below -0.9 or above 0.9."""

    gates: tuple[str, ...]
    left: list[dict[str, np.ndarray]]
    right: list[dict[str, np.ndarray]]


def saturation(trace: CellTrace) -> Saturation:
    gates = GATES[trace.cell_type]
    low, high = (SATURATED_LOW, SATURATED_HIGH) if trace.cell_type != "rnn" else (-SATURATED_HIGH, SATURATED_HIGH)
    left = [{g: (layer[g] < low).mean(axis=0) for g in gates} for layer in trace.layers]
    right = [{g: (layer[g] > high).mean(axis=0) for g in gates} for layer in trace.layers]
    return Saturation(gates, left, right)
