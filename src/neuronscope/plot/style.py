"""Shared figure conventions: blue = positive ("likes"), red = negative ("dislikes"), white = 0."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from ..files import atomic_write_bytes
from . import palette

DIVERGING = palette.colormap()  # low = red, high = blue: the pages' palette too


def symmetric_norm(values: np.ndarray) -> tuple[Normalize, float]:
    """A color norm centred on 0 with the palette's reach both ways; returns it and that reach."""
    reach = palette.reach(values)
    return Normalize(vmin=-reach, vmax=reach), reach


def grid_shape(n: int, max_columns: int = 10) -> tuple[int, int]:
    """Rows and columns for n tiles, close to square but never wider than max_columns."""
    square = max(1, math.ceil(math.sqrt(n)))
    exact = [c for c in range(square, min(max_columns, n) + 1) if n % c == 0 and c <= 1.6 * math.sqrt(n)]
    columns = exact[0] if exact else min(max_columns, square)
    return math.ceil(n / columns), columns


def new_figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    # Figure objects, not pyplot: no global state, safe in a web server's threads.
    return Figure(figsize=(width, height), dpi=100, layout=layout)


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path, dpi: int = 110) -> Path:
    """Write a figure atomically as PNG or SVG, chosen by the path's suffix."""
    path = Path(path)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix.lstrip(".") or "png", dpi=dpi, facecolor="white")
    atomic_write_bytes(path, buffer.getvalue())
    return path


def hide_ticks(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def tiles(fig: Figure, n: int, rows: int, cols: int):
    """A rows x cols grid of tick-less axes; returns the whole grid and the first n, the rest blanked."""
    grid = fig.subplots(rows, cols, squeeze=False)
    for i, ax in enumerate(grid.flat):
        hide_ticks(ax)
        if i >= n:
            ax.axis("off")
    return grid, list(grid.flat)[:n]
