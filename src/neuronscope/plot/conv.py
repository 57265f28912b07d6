"""Figures of convolutional networks: kernels, feature maps, the images that excite a channel, and
convolution spelled out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..inspect.conv import TopExamples
from . import palette
from .images import show_image
from .style import DIVERGING, grid_shape, new_figure, symmetric_norm, tiles

MAPS_SHOWN = 32


def _normalized_rgb(kernel: np.ndarray) -> np.ndarray:
    """(3, k, k) weights -> (k, k, 3) in [0, 1], stretched so that 0 is mid-gray."""
    reach = np.abs(kernel).max() or 1.0
    return (kernel.transpose(1, 2, 0) / reach + 1) / 2


def plot_kernels(kernels: np.ndarray, layer: str = "conv1") -> Figure:
    """Each first-layer kernel as a small image: blue/red weights for grayscale input, colors for RGB."""
    n, channels, k, _ = kernels.shape
    rows, cols = grid_shape(n, max_columns=16)
    fig = new_figure(0.9 * cols + 1.6, 1.0 * rows + 0.8)
    axes, used = tiles(fig, n, rows, cols)
    if channels == 3:
        for i, ax in enumerate(used):
            ax.imshow(_normalized_rgb(kernels[i]), interpolation="nearest")
            ax.set_title(f"#{i}", fontsize=8, pad=2)
    else:
        norm, reach = symmetric_norm(kernels[:, 0])
        for i, ax in enumerate(used):
            shown = ax.imshow(kernels[i, 0], cmap=DIVERGING, norm=norm, interpolation="nearest")
            ax.set_title(f"#{i}", fontsize=8, pad=2)
        bar = fig.colorbar(shown, ax=axes, shrink=0.8, pad=0.02, fraction=0.04)
        bar.set_label(f"weight (blue likes ink, red dislikes; ±{reach:.2g})")
    fig.suptitle(f"{layer}: {n} learned {k}x{k} kernels", fontsize=11)
    return fig


def plot_feature_maps(image, maps: dict[str, np.ndarray], title: str) -> Figure:
    """The input, then for each conv layer the first ``MAPS_SHOWN`` channels' maps (bright = active)."""
    layers = [(name, m) for name, m in maps.items() if m.ndim == 3]
    cols = 8
    blocks = [(name, m[:MAPS_SHOWN]) for name, m in layers]
    rows = 1 + sum((len(m) + cols - 1) // cols for _, m in blocks)
    fig = new_figure(1.1 * cols + 0.6, 1.15 * rows + 0.8)
    grid = fig.add_gridspec(rows, cols)
    ax = fig.add_subplot(grid[0, 0])
    show_image(ax, image)
    ax.set_title("input", fontsize=9)
    ax.set_xticks([]), ax.set_yticks([])
    row = 1
    for name, stack in blocks:
        reach = palette.reach(stack) if stack.min() < 0 else float(stack.max()) or 1.0
        for c, plane in enumerate(stack):
            ax = fig.add_subplot(grid[row + c // cols, c % cols])
            ax.imshow(plane, cmap="magma" if stack.min() >= 0 else DIVERGING, vmin=0 if stack.min() >= 0 else -reach,
                      vmax=reach, interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            ax.set_title(f"{name}:{c}", fontsize=7, pad=1)
        row += (len(stack) + cols - 1) // cols
    fig.suptitle(title, fontsize=11)
    return fig


def plot_top_examples(top: TopExamples, images, channels: Sequence[int], labels: Sequence[str]) -> Figure:
    """One row per channel: the dataset images that excite it most, a cross where it fired hardest."""
    k = top.indices.shape[1]
    fig = new_figure(0.95 * k + 1.2, 1.05 * len(channels) + 0.7)
    _, axes = tiles(fig, len(channels) * k, len(channels), k)
    for r, channel in enumerate(channels):
        for c in range(k):
            ax = axes[r * k + c]
            index = int(top.indices[channel, c])
            show_image(ax, images[index])
            row, col = top.positions[channel, c]
            ax.plot([col - 0.5], [row - 0.5], marker="+", color="#e8590c", markersize=9, markeredgewidth=2)
            ax.set_title(f"{labels[index]} {top.values[channel, c]:.2g}", fontsize=7, pad=1)
            if c == 0:
                ax.set_ylabel(f"{top.layer}:{channel}", fontsize=9)
    fig.suptitle(f"{top.layer}: the test images each channel responds to most (+ = strongest position)",
                 fontsize=11)
    return fig


def plot_convolution(image: np.ndarray, kernel: np.ndarray, output: np.ndarray, name: str) -> Figure:
    """Input, kernel (numbers written in), output, side by side; a signed output in blue/red."""
    fig = new_figure(10.5, 3.6)
    ax_in, ax_kernel, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.7, 1]})
    show_image(ax_in, image)
    ax_in.set_title("input", fontsize=10)
    norm, reach = symmetric_norm(kernel)
    ax_kernel.imshow(kernel, cmap=DIVERGING, norm=norm)
    for (r, c), value in np.ndenumerate(kernel):
        ax_kernel.text(c, r, f"{value:.3g}", ha="center", va="center", fontsize=9 if kernel.shape[0] == 3 else 7,
                       color="white" if abs(value) > 0.6 * reach else "black")
    ax_kernel.set_title(f"kernel: {name}", fontsize=10)
    signed = output.min() < -1e-9
    if output.ndim == 3 and not signed:
        ax_out.imshow(np.clip(output, 0, 1))
    elif signed:
        plane = output if output.ndim == 2 else output.mean(2)
        out_norm, out_reach = symmetric_norm(plane)
        shown = ax_out.imshow(plane, cmap=DIVERGING, norm=out_norm, interpolation="nearest")
        fig.colorbar(shown, ax=ax_out, shrink=0.8).set_label(f"output (blue +, red −; ±{out_reach:.2g})")
    else:
        show_image(ax_out, np.clip(output, 0, 1))
    ax_out.set_title("output = Σ kernel × pixels under it", fontsize=10)
    for ax in (ax_in, ax_kernel, ax_out):
        ax.set_xticks([]), ax.set_yticks([])
    return fig
