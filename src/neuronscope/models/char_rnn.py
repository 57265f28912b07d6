"""A character-level language model: characters in, the next character's probabilities out,
through stacked recurrent layers (LSTM, GRU or a vanilla tanh RNN)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..choices import CELLS
from ..configs import Number, OneOf, Settings, Text, Whole
from ..errors import ConfigError

MAX_HIDDEN = 2048
MAX_LAYERS = 6
MAX_VOCABULARY = 10_000


@dataclass(frozen=True)
class CharRNNConfig(Settings):
    """``vocabulary``: the model's characters in id order; ``hidden`` cells per layer."""

    vocabulary: str
    cell: str = "lstm"
    hidden: int = 128
    layers: int = 2
    embedding: int = 64
    dropout: float = 0.0

    constraints = {"vocabulary": Text(1, MAX_VOCABULARY), "cell": OneOf(*CELLS), "hidden": Whole(1, MAX_HIDDEN),
                   "layers": Whole(1, MAX_LAYERS), "embedding": Whole(1, MAX_HIDDEN),
                   "dropout": Number(0, 1, open_high=True)}
    what = "char-RNN"

    def __post_init__(self):
        super().__post_init__()
        if len(set(self.vocabulary)) != len(self.vocabulary):
            raise ConfigError("the vocabulary must be a string of distinct characters")

    @property
    def layer_names(self) -> list[str]:
        return [f"layer{i + 1}" for i in range(self.layers)]


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
