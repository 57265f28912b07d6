"""Figures of weights: neuron weights images, contribution grids, and per-class "Lego blocks"."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..inspect import LegoBlocks, WeightsImages
from .style import DIVERGING, grid_shape, hide_ticks, new_figure, symmetric_norm, tiles


def _colorbar(fig: Figure, image, axes, reach: float, label: str) -> None:
    bar = fig.colorbar(image, ax=axes, shrink=0.8, pad=0.02, fraction=0.04)
    bar.set_label(f"{label}  (blue likes, red dislikes; clipped at ±{reach:.2g})")


def plot_weights_images(weights: WeightsImages, title: str | None = None) -> Figure:
    """A grid of every neuron's weights image, one shared symmetric color scale, index on each tile."""
    n = len(weights.images)
    rows, cols = grid_shape(n)
    fig = new_figure(1.25 * cols + 1.6, 1.3 * rows + 0.7)
    norm, reach = symmetric_norm(weights.images)
    axes, used = tiles(fig, n, rows, cols)
    for i, ax in enumerate(used):
        shown = ax.imshow(weights.images[i], cmap=DIVERGING, norm=norm, interpolation="nearest")
        ax.set_title(f"#{i}", fontsize=9, pad=2)
    what = "weights projected to pixels (product of weight matrices)" if weights.projected else "incoming weights"
    fig.suptitle(title or f"{weights.layer}: each neuron's {what}", fontsize=12)
    _colorbar(fig, shown, axes, reach, "weight")
    return fig


def plot_contributions(matrix: np.ndarray, class_names: Sequence[str], below: str = "hidden layer") -> Figure:
    """For each output class, its weights on the neurons below drawn as a small grid of cells."""
    n_targets, n_below = matrix.shape
    rows, cols = grid_shape(n_below)
    padded = np.full((n_targets, rows * cols), np.nan)
    padded[:, :n_below] = matrix
    panel_rows, panel_cols = grid_shape(n_targets, max_columns=5)
    cell = 0.28 if cols <= 8 else 0.2
    fig = new_figure(panel_cols * (cols * cell + 0.4) + 1.5, panel_rows * (rows * cell + 0.6) + 0.6)
    norm, reach = symmetric_norm(matrix)
    axes, used = tiles(fig, n_targets, panel_rows, panel_cols)
    for t, ax in enumerate(used):
        shown = ax.imshow(padded[t].reshape(rows, cols), cmap=DIVERGING, norm=norm)
        ax.set_title(f"{class_names[t]}", fontsize=11)
        if n_below <= 64:
            for j in range(n_below):
                value = matrix[t, j]
                color = "white" if abs(value) > 0.6 * reach else "black"
                ax.text(j % cols, j // cols, str(j), ha="center", va="center", fontsize=6, color=color)
    fig.suptitle(f"Each class's weight on every {below} neuron (cell label = neuron index)", fontsize=12)
    _colorbar(fig, shown, axes, reach, "contribution")
    return fig


def plot_lego_blocks(blocks: Sequence[LegoBlocks], names: Sequence[str] | None = None) -> Figure:
    """One row per target neuron: the weights images of the neurons it leans on most (blue titles)
    and of those it pushes against most (red titles), with their contributions."""
    k = len(blocks[0].positive)
    rows = len(blocks)
    # fixed margins: with a hundred tiles, constrained layout takes seconds and changes nothing here
    width, height = 1.15 * (2 * k) + 2.2, 1.25 * rows + 0.9
    fig = new_figure(width, height, layout=None)
    grid = fig.add_gridspec(rows, 2 * k + 1, width_ratios=[1] * k + [0.25] + [1] * k, left=0.9 / width,
                            right=1 - 1.3 / width, top=1 - 0.75 / height, bottom=0.1 / height, hspace=0.35,
                            wspace=0.12)
    images = np.concatenate([np.stack([b.positive_images, b.negative_images]) for b in blocks])
    norm, reach = symmetric_norm(images)
    shown = None
    for r, block in enumerate(blocks):
        label = names[block.target] if names else f"#{block.target}"
        tiles = [(block.positive, block.positive_values, block.positive_images, 0, "#1f5fbf"),
                 (block.negative, block.negative_values, block.negative_images, k + 1, "#c0392b")]
        for indices, values, pictures, offset, color in tiles:
            for c in range(k):
                ax = fig.add_subplot(grid[r, offset + c])
                hide_ticks(ax)
                shown = ax.imshow(pictures[c], cmap=DIVERGING, norm=norm, interpolation="nearest")
                ax.set_title(f"#{indices[c]} {values[c]:+.2f}", fontsize=8, color=color, pad=2)
                if offset == 0 and c == 0:
                    ax.set_ylabel(label, fontsize=11, rotation=0, ha="right", va="center")
    layer, below = blocks[0].layer, blocks[0].below
    how = " (images projected to pixels)" if blocks[0].images_projected else ""
    fig.suptitle(f"{layer}: the {below} neurons each one leans on (left, +) and pushes against (right, −){how}",
                 fontsize=11, y=1 - 0.15 / height, va="top")
    bar = fig.colorbar(shown, cax=fig.add_axes([1 - 1.0 / width, 0.3, 0.15 / width, 0.4]))
    bar.set_label(f"weight  (blue likes, red dislikes; clipped at ±{reach:.2g})")
    return fig


def plot_templates(templates: np.ndarray, class_names: Sequence[str], title: str) -> Figure:
    """A linear classifier's weights per class (classes, C, H, W): blue/red on one shared scale for
    grayscale, colors stretched per class (gray = 0) for RGB."""
    n, channels = templates.shape[:2]
    rows, cols = grid_shape(n, max_columns=10)
    fig = new_figure(1.45 * cols + (1.6 if channels == 1 else 0.4), 1.6 * rows + 0.7)
    axes, used = tiles(fig, n, rows, cols)
    norm, reach = symmetric_norm(templates)
    for i, ax in enumerate(used):
        if channels == 3:
            ax.imshow(_stretched_rgb(templates[i]), interpolation="bilinear")
        else:
            shown = ax.imshow(templates[i, 0], cmap=DIVERGING, norm=norm, interpolation="nearest")
        ax.set_title(class_names[i], fontsize=10, pad=2)
    if channels == 1:
        _colorbar(fig, shown, axes, reach, "weight")
    fig.suptitle(title, fontsize=12)
    return fig


def _stretched_rgb(template: np.ndarray) -> np.ndarray:
    """(3, H, W) weights -> (H, W, 3) in [0, 1]: each class's own range stretched, as in CS231n."""
    low, high = template.min(), template.max()
    return ((template - low) / ((high - low) or 1.0)).transpose(1, 2, 0)
