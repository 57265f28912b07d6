"""Figures of activation maximization (what each unit wants to see, raw pixels beside regularized) and
of deep dreams."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..inspect.dream import Dream
from ..inspect.featurevis import Rendering, total_variation_of
from .images import show_image
from .style import DIVERGING, grid_sheet, hide_ticks, new_figure, symmetric_norm, tiles


def plot_raw_vs_regularized(raw: Rendering, regularized: Rendering, labels: Sequence[str], title: str) -> Figure:
    """Two rows of the same objectives: optimized pixels ("noise the network loves") above, the
    regularized rendering below; each tile titled with its label and reached objective value."""
    n = len(labels)
    cols = min(n, 10)
    fig = new_figure(1.3 * cols + 1.4, 2.9 * ((n + 9) // 10) + 0.6)
    rows = 2 * ((n + 9) // 10)
    _, axes = tiles(fig, rows * cols, rows, cols)
    for rendering, row_offset, name in ((raw, 0, "raw pixels"), (regularized, 1, "regularized")):
        tv = total_variation_of(rendering.images).numpy()
        for i in range(n):
            ax = axes[(2 * (i // cols) + row_offset) * cols + i % cols]
            show_image(ax, rendering.images[i])
            ax.set_title(f"{labels[i]}  {rendering.final[i]:.3g}", fontsize=8, pad=2)
            if i % cols == 0:
                ax.set_ylabel(f"{name}\nTV {tv.mean():.2f}", fontsize=9)
    fig.suptitle(title, fontsize=11)
    return fig


def plot_dream(dream: Dream, title: str) -> Figure:
    """The original, the dream, what changed (blue added, red removed) and the amplification per step."""
    fig = new_figure(12, 3.4)
    grid = fig.add_gridspec(1, 4, width_ratios=[1, 1, 1, 1.6])
    for i, (image, name) in enumerate(((dream.original, "original"), (dream.image, "dreamed"))):
        ax = fig.add_subplot(grid[0, i])
        show_image(ax, image)
        ax.set_title(name, fontsize=10)
        hide_ticks(ax)
    change = (dream.image - dream.original).numpy()
    change = change.mean(0)
    norm, reach = symmetric_norm(change)
    ax = fig.add_subplot(grid[0, 2])
    ax.imshow(change, cmap=DIVERGING, norm=norm, interpolation="nearest")
    ax.set_title(f"change (±{reach:.2g})", fontsize=10)
    hide_ticks(ax)
    ax = fig.add_subplot(grid[0, 3])
    steps = np.arange(1, len(dream.amplification) + 1)
    ax.plot(steps, dream.amplification, color="#1f5fbf")
    per_octave = len(steps) // len(dream.octave_sizes)
    for k, size in enumerate(dream.octave_sizes):
        ax.axvline(k * per_octave + 0.5, color="gray", lw=0.6, ls=":")
        ax.text(k * per_octave + 1, ax.get_ylim()[1], f"{size[0]}px", fontsize=7, va="top", color="gray")
    ax.set_xlabel("step")
    ax.set_ylabel(f"{dream.layer} activation² vs original")
    ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=11)
    return fig


def plot_rendering(rendering: Rendering, labels: Sequence[str] | None = None) -> Figure:
    """Every image of one rendering, titled with its label and the objective it reached."""
    n = len(rendering.images)
    cols = min(n, 8)
    size = 1.3
    sheet, corners = grid_sheet(n, cols, size, left=0.3, header=0.55, gap=0.15, title_room=0.24)
    for i, (x, y) in enumerate(corners):
        label = f"{labels[i]}  " if labels else ""
        sheet.picture(rendering.images[i], x, y, size, f"{label}{rendering.final[i]:.3g}", fontsize=8)
    sheet.title(f"{rendering.objective}: start {rendering.start.mean():.3g} → {rendering.final.mean():.3g}",
                fontsize=11)
    return sheet.figure
