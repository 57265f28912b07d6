"""Shared figure conventions: blue = positive ("likes"), red = negative ("dislikes"), white = 0."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from ..files import atomic_write_bytes
from . import palette
from .images import as_picture, picture_style
from .mosaic import Mosaic, tile_colors

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


class ShownFigure(Figure):
    """A Figure that shows itself in a notebook that never imported pyplot."""

    def _repr_png_(self) -> bytes:
        return figure_png(self)


def new_figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    # Figure objects, not pyplot: no global state, safe in a web server's threads.
    return ShownFigure(figsize=(width, height), dpi=100, layout=layout)


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 110) -> bytes:
    """The figure as a PNG or SVG file's contents."""
    buffer = io.BytesIO()
    # light PNG compression: a tenth faster to draw, files a tenth larger
    options = {"pil_kwargs": {"compress_level": 2}} if fmt == "png" else {}
    fig.savefig(buffer, format=fmt, dpi=dpi, facecolor="white", **options)
    return buffer.getvalue()


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    return figure_bytes(fig, "png", dpi)


def save_figure(fig: Figure, path: str | Path, dpi: int = 110) -> Path:
    """Write a figure atomically as PNG or SVG, chosen by the path's suffix."""
    path = Path(path)
    atomic_write_bytes(path, figure_bytes(fig, path.suffix.lstrip(".") or "png", dpi))
    return path


def hide_ticks(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


class TileSheet:
    """Many small images drawn into one full-figure axes, placed in inches from the top left corner.

    An axes per tile costs about 10 ms (ticks, layout engine) and grids have hundreds of tiles; one
    shared axes, whose tiles are drawn as one image (:class:`~neuronscope.plot.mosaic.Mosaic`), draws
    the same picture an order of magnitude faster.
    """

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.figure = new_figure(width, height, layout=None)
        self.canvas = self.figure.add_axes((0, 0, 1, 1))
        self.canvas.set_xlim(0, width)
        self.canvas.set_ylim(height, 0)
        self.canvas.set_autoscale_on(False)
        self.canvas.set_axis_off()
        self.mosaic = Mosaic()
        self.canvas.add_artist(self.mosaic)
        self.frames = Frames(facecolors="none", edgecolors="#444", linewidths=0.6)
        self.canvas.add_collection(self.frames, autolim=False)

    def image(self, picture, x: float, y: float, size: float, title: str | None = None, color: str = "black",
              fontsize: float = 9, smooth: bool = False, **colors):
        """One tile of side ``size`` inches, its title just above it, colored as ``imshow`` would with
        ``colors`` (cmap, norm, vmin, vmax) and scaled bilinearly if ``smooth``; returns the color mapping
        for a colorbar."""
        rgba, shown = tile_colors(picture, **colors)
        self.mosaic.add(rgba, (x, x + size, y + size, y), smooth)
        self.frames.boxes.append([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])
        if title:
            self.text(x + size / 2, y - 0.04, title, color=color, fontsize=fontsize, ha="center", va="bottom")
        return shown

    def picture(self, image, x: float, y: float, size: float, title: str | None = None, **style):
        """An input image as every figure shows inputs (``images.show_image``), as one tile."""
        picture = as_picture(image)
        return self.image(picture, x, y, size, title, **picture_style(picture), **style)

    def text(self, x: float, y: float, text: str, **style):
        return self.canvas.text(x, y, text, **style)

    def title(self, text: str, fontsize: float = 12) -> None:
        self.text(self.width / 2, 0.12, text, fontsize=fontsize, ha="center", va="top", wrap=True)

    def colorbar(self, shown, x: float, y: float, height: float, label: str) -> None:
        """A vertical colorbar 0.15 in wide with its top left corner at (x, y)."""
        box = (x / self.width, 1 - (y + height) / self.height, 0.15 / self.width, height / self.height)
        self.figure.colorbar(shown, cax=self.figure.add_axes(box)).set_label(label)


class Frames(PolyCollection):
    """The tiles' outlines as one collection: a patch per tile would cost half a millisecond each."""

    def __init__(self, **style):
        super().__init__([], **style)
        self.boxes: list[list[tuple[float, float]]] = []

    def draw(self, renderer) -> None:
        self.set_verts(self.boxes)
        super().draw(renderer)


def sheet_grid(n: int, cols: int, size: float, left: float, top: float, gap: float = 0.12,
               title_height: float = 0.22) -> list[tuple[float, float]]:
    """Top left corners of n tiles of ``size`` inches laid out row by row, each with room for a title."""
    return [(left + (i % cols) * (size + gap), top + title_height + (i // cols) * (size + title_height + gap))
            for i in range(n)]


def grid_sheet(n: int, cols: int, size: float, *, left: float, header: float, gap: float, title_room: float,
               right: float = 0.0) -> tuple[TileSheet, list[tuple[float, float]]]:
    """A sheet sized for n tiles in rows of ``cols`` below a ``header`` (inches) for the title, with
    ``right`` inches spare (for a colorbar), and the tiles' top left corners."""
    rows = -(-max(n, 1) // cols)
    sheet = TileSheet(left + cols * (size + gap) + right, header + rows * (size + title_room + gap) + 0.1)
    return sheet, sheet_grid(n, cols, size, left, header, gap, title_room)


def tiles(fig: Figure, n: int, rows: int, cols: int):
    """A rows x cols grid of tick-less axes; returns the whole grid and the first n, the rest blanked."""
    grid = fig.subplots(rows, cols, squeeze=False)
    for i, ax in enumerate(grid.flat):
        hide_ticks(ax)
        if i >= n:
            ax.axis("off")
    return grid, list(grid.flat)[:n]
