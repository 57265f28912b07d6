"""Figures of activation maximization: what each unit wants to see, raw pixels beside regularized."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from ..inspect.featurevis import Rendering, total_variation_of
from .images import show_image
from .style import new_figure, tiles


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
