"""The one meaning of a layer's name: the value the next layer reads (after the activation). The
weighted sums before it are ``NAME.pre``. Every model maps both to modules in ``named_layers()``,
so a forward hook on a name sees exactly what ``activations()`` returns under it."""

from __future__ import annotations

from torch import nn

PRE = ".pre"


def pre(layer: str) -> str:
    """The name of ``layer``'s weighted sums, before its activation."""
    return layer + PRE


class HookPoint(nn.Identity):
    """A place in a model that names the value passing through it, for forward hooks."""
