"""A character-level language model: characters in, the next character's probabilities out,
through stacked recurrent layers (LSTM, GRU or a vanilla tanh RNN)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..configs import config_from_json, config_to_json
from ..errors import ConfigError

CELLS = ("lstm", "gru", "rnn")
MAX_HIDDEN = 2048
MAX_LAYERS = 6


@dataclass(frozen=True)
class CharRNNConfig:
    """``vocabulary``: the model's characters in id order; ``hidden`` cells per layer."""

    vocabulary: str
    cell: str = "lstm"
    hidden: int = 128
    layers: int = 2
    embedding: int = 64
    dropout: float = 0.0

    def __post_init__(self):
        if self.cell not in CELLS:
            raise ConfigError(f"unknown cell {self.cell!r}; choose one of {', '.join(CELLS)}")
        if not 1 <= self.hidden <= MAX_HIDDEN:
            raise ConfigError(f"hidden size must be 1..{MAX_HIDDEN}, got {self.hidden}")
        if not 1 <= self.layers <= MAX_LAYERS:
            raise ConfigError(f"layers must be 1..{MAX_LAYERS}, got {self.layers}")
        if not 1 <= self.embedding <= MAX_HIDDEN:
            raise ConfigError(f"embedding size must be 1..{MAX_HIDDEN}, got {self.embedding}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        if not self.vocabulary or len(set(self.vocabulary)) != len(self.vocabulary):
            raise ConfigError("the vocabulary must be a non-empty string of distinct characters")

    @property
    def layer_names(self) -> list[str]:
        return [f"layer{i + 1}" for i in range(self.layers)]

    def to_json(self) -> dict:
        return config_to_json(self)

    @classmethod
    def from_json(cls, data: dict) -> CharRNNConfig:
        return config_from_json(cls, data, "char-RNN")


class CharRNN(nn.Module):
    def __init__(self, config: CharRNNConfig):
        super().__init__()
        self.config = config
        vocab = len(config.vocabulary)
        self.embed = nn.Embedding(vocab, config.embedding)
        recurrent = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[config.cell]
        self.rnn = recurrent(config.embedding, config.hidden, config.layers, batch_first=True,
                             dropout=config.dropout if config.layers > 1 else 0.0)
        self.head = nn.Linear(config.hidden, vocab)

    def forward(self, tokens: torch.Tensor, state=None):
        """``tokens`` (batch, time) int64 -> logits (batch, time, vocabulary) and the recurrent state
        to carry into the next chunk of the same sequences."""
        output, state = self.rnn(self.embed(tokens), state)
        return self.head(output), state


def detach_state(state):
    """The state without its history, so backpropagation stops at the chunk boundary."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()
