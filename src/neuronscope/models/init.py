"""Fresh weights from a seed alone, for any model."""

from __future__ import annotations

import torch
from torch import nn


def reset_parameters(model: nn.Module, seed: int) -> nn.Module:
    """Draw every layer's weights the way torch initializes that layer, from ``seed``.

    Torch's layers draw from the global generator; it is forked for the duration, so the same seed
    gives the same weights whatever ran before, and nothing outside sees its state change.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for module in model.modules():
            if module is not model and callable(getattr(module, "reset_parameters", None)):
                module.reset_parameters()
    return model
