"""Figures of weights: neuron weights images, contribution grids, and per-class "Lego blocks"."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..inspect import LegoBlocks, WeightsImages
from .style import DIVERGING, TileSheet, grid_shape, grid_sheet, symmetric_norm

TILE, GAP, TITLE_ROOM, HEADER = 1.0, 0.12, 0.22, 0.6
COLORBAR_ROOM = 1.3


def _colorbar_label(reach: float, what: str) -> str:
    return f"{what}\nblue likes, red dislikes; clipped at ±{reach:.2g}"


def _grid_sheet(n: int, cols: int, size: float = TILE, colorbar: bool = True) -> tuple[TileSheet, list]:
    return grid_sheet(n, cols, size, left=0.25, header=HEADER, gap=GAP, title_room=TITLE_ROOM,
                      right=COLORBAR_ROOM if colorbar else 0.15)


def _side_colorbar(sheet: TileSheet, shown, reach: float, what: str) -> None:
    height = min(3.2, max(1.2, sheet.height - HEADER - 0.6))
    sheet.colorbar(shown, sheet.width - COLORBAR_ROOM + 0.2, HEADER + TITLE_ROOM, height,
                   _colorbar_label(reach, what))


def plot_weights_images(weights: WeightsImages, title: str | None = None) -> Figure:
    """A grid of every neuron's weights image, one shared symmetric color scale, index on each tile."""
    n = len(weights.images)
    _, cols = grid_shape(n)
    sheet, corners = _grid_sheet(n, cols)
    norm, reach = symmetric_norm(weights.images)
    for i, (x, y) in enumerate(corners):
        shown = sheet.image(weights.images[i], x, y, TILE, f"#{i}", cmap=DIVERGING, norm=norm)
    what = "weights projected to pixels (product of weight matrices)" if weights.projected else "incoming weights"
    sheet.title(title or f"{weights.layer}: each neuron's {what}")
    _side_colorbar(sheet, shown, reach, "weight")
    return sheet.figure


def plot_contributions(matrix: np.ndarray, class_names: Sequence[str], below: str = "hidden layer") -> Figure:
    """For each output class, its weights on the neurons below drawn as a small grid of cells."""
    n_targets, n_below = matrix.shape
    rows, cols = grid_shape(n_below)
    padded = np.full((n_targets, rows * cols), np.nan)
    padded[:, :n_below] = matrix
    _, panel_cols = grid_shape(n_targets, max_columns=5)
    size = max(1.2, min(2.2, 0.28 * cols))
    sheet, corners = _grid_sheet(n_targets, panel_cols, size)
    norm, reach = symmetric_norm(matrix)
    cell = size / cols
    for t, (x, y) in enumerate(corners):
        shown = sheet.image(padded[t].reshape(rows, cols), x, y, size, str(class_names[t]), fontsize=11,
                            cmap=DIVERGING, norm=norm)
        if n_below <= 64:
            for j in range(n_below):
                color = "white" if abs(matrix[t, j]) > 0.6 * reach else "black"
                sheet.text(x + (j % cols + 0.5) * cell, y + (j // cols + 0.5) * cell, str(j), ha="center",
                           va="center", fontsize=6, color=color)
    sheet.title(f"Each class's weight on every {below} neuron (cell label = neuron index)")
    _side_colorbar(sheet, shown, reach, "contribution")
    return sheet.figure


def plot_lego_blocks(blocks: Sequence[LegoBlocks], names: Sequence[str] | None = None) -> Figure:
    """One row per target neuron: the weights images of the neurons it leans on most (blue titles)
    and of those it pushes against most (red titles), with their contributions."""
    k, rows = len(blocks[0].positive), len(blocks)
    label_room, middle = 0.9, 0.35
    width = label_room + 2 * k * (TILE + GAP) + middle + COLORBAR_ROOM
    sheet = TileSheet(width, HEADER + rows * (TILE + TITLE_ROOM + GAP) + 0.1)
    images = np.concatenate([np.stack([b.positive_images, b.negative_images]) for b in blocks])
    norm, reach = symmetric_norm(images)
    for r, block in enumerate(blocks):
        y = HEADER + TITLE_ROOM + r * (TILE + TITLE_ROOM + GAP)
        label = names[block.target] if names else f"#{block.target}"
        sheet.text(label_room - 0.15, y + TILE / 2, str(label), fontsize=11, ha="right", va="center")
        sides = [(block.positive, block.positive_values, block.positive_images, label_room, "#1f5fbf"),
                 (block.negative, block.negative_values, block.negative_images,
                  label_room + k * (TILE + GAP) + middle, "#c0392b")]
        for indices, values, pictures, left, color in sides:
            for c in range(k):
                shown = sheet.image(pictures[c], left + c * (TILE + GAP), y, TILE, f"#{indices[c]} {values[c]:+.2f}",
                                    color=color, fontsize=8, cmap=DIVERGING, norm=norm)
    layer, below = blocks[0].layer, blocks[0].below
    how = " (images projected to pixels)" if blocks[0].images_projected else ""
    sheet.title(f"{layer}: the {below} neurons each one leans on (left, +) and pushes against (right, −){how}",
                fontsize=11)
    _side_colorbar(sheet, shown, reach, "weight")
    return sheet.figure


def plot_templates(templates: np.ndarray, class_names: Sequence[str], title: str, stretch: str = "shared") -> Figure:
    """A linear classifier's weights per class (classes, C, H, W): blue/red on one shared scale for
    grayscale; for RGB, colors stretched between the smallest and largest weight of all templates
    (``stretch="shared"``, CS231n's figures: templates compare) or of each template alone (``"per-class"``:
    each shows its own pattern at full contrast)."""
    n, channels = templates.shape[:2]
    _, cols = grid_shape(n, max_columns=10)
    size = 1.3
    sheet, corners = _grid_sheet(n, cols, size, colorbar=channels == 1)
    norm, reach = symmetric_norm(templates)
    for i, (x, y) in enumerate(corners):
        if channels == 3:
            limits = templates if stretch == "shared" else templates[i]
            sheet.image(_stretched_rgb(templates[i], limits), x, y, size, str(class_names[i]), fontsize=10,
                        smooth=True)
        else:
            shown = sheet.image(templates[i, 0], x, y, size, str(class_names[i]), fontsize=10, cmap=DIVERGING,
                                norm=norm)
    if channels == 1:
        _side_colorbar(sheet, shown, reach, "weight")
    sheet.title(title)
    return sheet.figure


def _stretched_rgb(template: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """(3, H, W) weights -> (H, W, 3) in [0, 1], the range of ``limits`` stretched to [0, 1]."""
    low, high = limits.min(), limits.max()
    return ((template - low) / ((high - low) or 1.0)).transpose(1, 2, 0)
