"""Analyses run a model in evaluation mode and leave it in the mode they found it, whatever happens."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from torch import nn

F = TypeVar("F", bound=Callable)


def in_eval_mode(function: F) -> F:
    """Run ``function(model, ...)`` with ``model`` in evaluation mode, restoring its mode in ``finally``."""

    @functools.wraps(function)
    def wrapper(model: nn.Module, *args, **kwargs):
        was_training = model.training
        model.eval()
        try:
            return function(model, *args, **kwargs)
        finally:
            model.train(was_training)

    return wrapper
