"""Generated text, one character at a time, with the probability the model gave each choice and
the alternatives it weighed."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..data.text import Vocabulary
from ..errors import ConfigError, DataError
from ..models.char_rnn import CharRNN
from ..models.modes import in_eval_mode

MAX_SAMPLE_CHARS = 20_000
MAX_PRIME_CHARS = 20_000


@dataclass(frozen=True)
class SampledChar:
    char: str
    probability: float  # at temperature 1, so it reads as the model's own belief
    alternatives: list[tuple[str, float]]  # the most likely characters at this point, best first


@in_eval_mode
def sample_text(model: CharRNN, length: int = 500, *, prime: str = "", temperature: float = 1.0, seed: int = 0,
                top: int = 5) -> list[SampledChar]:
    """``length`` characters after ``prime`` (which must use only characters the model knows).

    ``temperature`` divides the logits before sampling: below 1 the model's favourites win more
    often, above 1 its choices spread out; the probabilities reported are the model's own (T = 1).
    """
    if not 1 <= length <= MAX_SAMPLE_CHARS:
        raise ConfigError(f"length must be 1..{MAX_SAMPLE_CHARS}, got {length}")
    if not (math.isfinite(temperature) and 0 < temperature <= 10):
        raise ConfigError(f"temperature must be in (0, 10], got {temperature}")
    if len(prime) > MAX_PRIME_CHARS:
        raise DataError(f"the prime text is {len(prime)} characters; at most {MAX_PRIME_CHARS}")
    vocabulary = Vocabulary(model.config.vocabulary)
    if not prime:
        prime = "\n" if "\n" in vocabulary.chars else vocabulary.chars[0]
    tokens = torch.from_numpy(vocabulary.encode(prime))[None]
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    out = []
    with torch.inference_mode():
        logits, state = model(tokens.to(device))
        last = logits[0, -1]
        for _ in range(length):
            probabilities = torch.softmax(last.float().cpu(), dim=-1)
            tempered = torch.softmax(last.float().cpu() / temperature, dim=-1)
            choice = int(torch.multinomial(tempered, 1, generator=generator))
            best = torch.topk(probabilities, min(top, len(vocabulary)))
            out.append(SampledChar(vocabulary.chars[choice], float(probabilities[choice]),
                                   [(vocabulary.chars[int(i)], float(p)) for p, i in zip(best.values, best.indices)]))
            logits, state = model(torch.tensor([[choice]], device=device), state)
            last = logits[0, -1]
    return out
