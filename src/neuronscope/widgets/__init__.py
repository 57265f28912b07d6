"""Notebook widgets: the digit lab inside a notebook cell (needs the ``notebook`` extra)."""

from .drawlab import DrawLab

__all__ = ["DrawLab"]
