"""The tiles of a sheet drawn as one image. Matplotlib resamples and draws every image on its own;
a grid of hundreds of small pictures costs as much as hundreds of figures' worth of image passes. Here
each tile is colored once and scaled (nearest neighbour unless a tile asks to be smoothed) into a
single picture that the backend draws in one call, at the output's own resolution."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Colormap, Normalize
from PIL import Image


def tile_colors(picture, cmap: str | Colormap | None = None, norm: Normalize | None = None, vmin: float | None = None,
                vmax: float | None = None) -> tuple[np.ndarray, ScalarMappable | None]:
    """(h, w, 4) uint8 RGBA of a tile as ``imshow`` colors it, and the mapping for a colorbar (None for a
    picture that is already RGB)."""
    values = np.asarray(picture)
    if values.ndim == 3 and values.shape[2] in (3, 4):
        if values.dtype != np.uint8:
            values = np.round(np.clip(values, 0, 1) * 255).astype(np.uint8)
        alpha = np.full((*values.shape[:2], 1), 255, np.uint8)
        return (values if values.shape[2] == 4 else np.concatenate([values, alpha], axis=2)), None
    if values.ndim != 2:
        raise ValueError(f"a tile is an (h, w) or (h, w, 3) picture, got shape {values.shape}")
    mapping = ScalarMappable(norm if norm is not None else Normalize(vmin, vmax),
                             colormaps[cmap] if isinstance(cmap, str) else cmap)
    return mapping.to_rgba(values, bytes=True), mapping


class Mosaic(Artist):
    """Tiles placed in inches from the figure's top left corner, drawn together as one image."""

    def __init__(self):
        super().__init__()
        self._tiles: list[tuple[np.ndarray, float, float, float, bool]] = []

    def add(self, rgba: np.ndarray, x: float, y: float, size: float, smooth: bool = False) -> None:
        """``smooth`` scales the tile bilinearly instead of showing its pixels as blocks."""
        self._tiles.append((rgba, x, y, size, smooth))

    @property
    def tiles(self) -> list[np.ndarray]:
        """Every tile's (h, w, 4) uint8 colors, in the order they were added."""
        return [rgba for rgba, *_ in self._tiles]

    def draw(self, renderer) -> None:
        if not self._tiles or not self.get_visible():
            return
        # display units (pixels for PNG, points for SVG) per inch, and image pixels per display unit
        display, magnification = self.figure.dpi, renderer.get_image_magnification()
        per_inch = display * magnification
        # whole pixels that cover each tile (its border is drawn over the edge): no light seam
        boxes = [(math.floor(x * per_inch), math.floor(y * per_inch), math.ceil((x + size) * per_inch),
                  math.ceil((y + size) * per_inch)) for _, x, y, size, _ in self._tiles]
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
        picture = np.zeros((bottom - top, right - left, 4), np.uint8)
        for (rgba, *_, smooth), (x0, y0, x1, y1) in zip(self._tiles, boxes):
            picture[y0 - top:y1 - top, x0 - left:x1 - left] = _scaled(rgba, x1 - x0, y1 - y0, smooth)
        gc = renderer.new_gc()
        # backends place an image by its bottom left corner and take its rows from the bottom up
        renderer.draw_image(gc, left / magnification, self.figure.bbox.height - bottom / magnification,
                            picture[::-1])
        gc.restore()


def _scaled(rgba: np.ndarray, width: int, height: int, smooth: bool) -> np.ndarray:
    if smooth:
        smoothed = Image.fromarray(rgba).resize((max(width, 1), max(height, 1)), Image.BILINEAR)
        return np.asarray(smoothed)[:height, :width]
    rows = np.arange(height) * rgba.shape[0] // max(height, 1)
    columns = np.arange(width) * rgba.shape[1] // max(width, 1)
    return rgba[rows[:, None], columns[None, :]]
