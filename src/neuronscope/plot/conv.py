"""Figures of convolutional networks: kernels, feature maps, the images that excite a channel, and
convolution spelled out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..inspect.conv import TopExamples
from . import palette
from .images import as_picture, show_image
from .style import DIVERGING, TileSheet, grid_shape, grid_sheet, new_figure, sheet_grid, symmetric_norm

MAPS_SHOWN = 32


def _normalized_rgb(kernel: np.ndarray) -> np.ndarray:
    """(3, k, k) weights -> (k, k, 3) in [0, 1], stretched so that 0 is mid-gray."""
    reach = np.abs(kernel).max() or 1.0
    return (kernel.transpose(1, 2, 0) / reach + 1) / 2


def plot_kernels(kernels: np.ndarray, layer: str = "conv1") -> Figure:
    """Each first-layer kernel as a small image: blue/red weights for grayscale input, colors for RGB."""
    n, channels, k, _ = kernels.shape
    _, cols = grid_shape(n, max_columns=16)
    size, room, header = 0.75, 0.2, 0.5
    sheet, corners = grid_sheet(n, cols, size, left=0.25, header=header, gap=0.1, title_room=room,
                                right=0.15 if channels == 3 else 1.4)
    if channels == 3:
        for i, (x, y) in enumerate(corners):
            sheet.image(_normalized_rgb(kernels[i]), x, y, size, f"#{i}", fontsize=8)
    else:
        norm, reach = symmetric_norm(kernels[:, 0])
        for i, (x, y) in enumerate(corners):
            shown = sheet.image(kernels[i, 0], x, y, size, f"#{i}", fontsize=8, cmap=DIVERGING, norm=norm)
        sheet.colorbar(shown, sheet.width - 1.2, header + room, max(1.0, min(2.6, sheet.height - header - 0.4)),
                       f"weight\nblue likes ink, red dislikes; ±{reach:.2g}")
    sheet.title(f"{layer}: {n} learned {k}x{k} kernels", fontsize=11)
    return sheet.figure


def plot_feature_maps(image, maps: dict[str, np.ndarray], title: str) -> Figure:
    """The input, then for each conv layer the first ``MAPS_SHOWN`` channels' maps (bright = active)."""
    cols, size, gap, room, header = 8, 0.95, 0.12, 0.2, 0.5
    blocks = [(name, m[:MAPS_SHOWN]) for name, m in maps.items() if m.ndim == 3]
    rows = 1 + sum(-(-len(m) // cols) for _, m in blocks)
    sheet = TileSheet(0.3 + cols * (size + gap), header + rows * (size + room + gap) + 0.1)
    sheet.picture(image, 0.3, header + room, size, "input")
    top = header + size + room + gap
    for name, stack in blocks:
        signed = stack.min() < 0
        reach = palette.reach(stack) if signed else float(stack.max()) or 1.0
        style = {"cmap": DIVERGING, "vmin": -reach, "vmax": reach} if signed else {"cmap": "magma", "vmin": 0,
                                                                                     "vmax": reach}
        for c, (x, y) in enumerate(sheet_grid(len(stack), cols, size, 0.3, top, gap, room)):
            sheet.image(stack[c], x, y, size, f"{name}:{c}", fontsize=7, **style)
        top += -(-len(stack) // cols) * (size + room + gap)
    sheet.title(title, fontsize=11)
    return sheet.figure


def plot_top_examples(top: TopExamples, images, channels: Sequence[int], labels: Sequence[str]) -> Figure:
    """One row per channel: the dataset images that excite it most, a cross where it fired hardest."""
    k = top.indices.shape[1]
    size, gap, room, header, left = 0.85, 0.1, 0.2, 0.5, 0.9
    sheet = TileSheet(left + k * (size + gap) + 0.1, header + len(channels) * (size + room + gap) + 0.1)
    for r, channel in enumerate(channels):
        y = header + room + r * (size + room + gap)
        sheet.text(left - 0.1, y + size / 2, f"{top.layer}:{channel}", fontsize=9, ha="right", va="center")
        for c in range(k):
            x, index = left + c * (size + gap), int(top.indices[channel, c])
            sheet.picture(images[index], x, y, size, f"{labels[index]} {top.values[channel, c]:.2g}", fontsize=7)
            height, width = as_picture(images[index]).shape[:2]
            row, col = top.positions[channel, c]
            sheet.canvas.plot([x + size * col / width], [y + size * row / height], marker="+", color="#e8590c",
                              markersize=9, markeredgewidth=2)
    sheet.title(f"{top.layer}: the test images each channel responds to most (+ = strongest position)",
                fontsize=11)
    return sheet.figure


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
