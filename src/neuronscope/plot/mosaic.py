"""Many small pictures in one axes (a sheet's tiles, a map's thumbnails) drawn as one image.

Matplotlib resamples and draws every image on its own, so a grid of hundreds of small pictures costs
hundreds of image passes. Here each tile is colored once and scaled (nearest neighbour unless it asks to
be smoothed) into a single picture that the backend draws in one call, at the output's own resolution."""

from __future__ import annotations

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
    """Tiles placed by their corners in the data coordinates of the axes it is added to, drawn together
    as one image (clipped to the axes)."""

    def __init__(self):
        super().__init__()
        self._tiles: list[tuple[np.ndarray, tuple[float, float, float, float], bool]] = []

    def add(self, rgba: np.ndarray, extent: tuple[float, float, float, float], smooth: bool = False) -> None:
        """``extent`` is (left, right, bottom, top) as ``imshow`` takes it; ``smooth`` scales the tile
        bilinearly instead of showing its pixels as blocks."""
        self._tiles.append((rgba, extent, smooth))

    @property
    def tiles(self) -> list[np.ndarray]:
        """Every tile's (h, w, 4) uint8 colors, in the order they were added."""
        return [rgba for rgba, *_ in self._tiles]

    def draw(self, renderer) -> None:
        if not self._tiles or not self.get_visible():
            return
        magnification = renderer.get_image_magnification()  # image pixels per display unit
        corners = np.array([((left, bottom), (right, top)) for _, (left, right, bottom, top), _ in self._tiles])
        corners = self.axes.transData.transform(corners.reshape(-1, 2)).reshape(-1, 2, 2) * magnification
        # whole pixels that cover each tile (its border is drawn over the edge): no light seam
        low, high = np.floor(corners.min(1)).astype(int), np.ceil(corners.max(1)).astype(int)
        (x0, y0), (x1, y1) = low.min(0), high.max(0)
        picture = np.zeros((y1 - y0, x1 - x0, 4), np.uint8)  # row 0 at the bottom, as backends take it
        for (rgba, _, smooth), (left, bottom), (right, top) in zip(self._tiles, low, high):
            scaled = _scaled(rgba, right - left, top - bottom, smooth)
            picture[bottom - y0:top - y0, left - x0:right - x0] = scaled[::-1]
        gc = renderer.new_gc()
        gc.set_clip_rectangle(self.axes.bbox)
        renderer.draw_image(gc, x0 / magnification, y0 / magnification, picture)
        gc.restore()


def _scaled(rgba: np.ndarray, width: int, height: int, smooth: bool) -> np.ndarray:
    if smooth:
        smoothed = Image.fromarray(rgba).resize((max(width, 1), max(height, 1)), Image.BILINEAR)
        return np.asarray(smoothed)[:height, :width]
    rows = np.arange(height) * rgba.shape[0] // max(height, 1)
    columns = np.arange(width) * rgba.shape[1] // max(width, 1)
    return rgba[rows[:, None], columns[None, :]]
