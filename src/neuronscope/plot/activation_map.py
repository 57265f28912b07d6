"""Maps of activation space: the test images as points colored by class, some of them shown as
thumbnails where they lie, one panel per layer and method."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from ..inspect.activation_map import METHOD_NAMES, ActivationMap
from .images import as_picture, picture_style
from .mosaic import Mosaic, tile_colors
from .style import new_figure

CLASS_COLORS = tuple(f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
                     for r, g, b in colormaps["tab10"].colors)


def spread_points(coords: np.ndarray, count: int) -> list[int]:
    """``count`` points far from each other (greedy farthest-point order from the most central one):
    where thumbnails go without piling up."""
    if not len(coords):
        return []
    scaled = (coords - coords.min(0)) / np.maximum(np.ptp(coords, 0), 1e-12)
    chosen = [int(np.argmin(((scaled - np.median(scaled, 0)) ** 2).sum(1)))]
    distance = ((scaled - scaled[chosen[0]]) ** 2).sum(1)
    while len(chosen) < min(count, len(coords)):
        chosen.append(int(np.argmax(distance)))
        distance = np.minimum(distance, ((scaled - scaled[chosen[-1]]) ** 2).sum(1))
    return chosen


def map_title(activation_map: ActivationMap) -> str:
    title = f"{activation_map.layer} · {METHOD_NAMES[activation_map.method]}"
    if activation_map.explained is not None:
        title += f" ({100 * activation_map.explained.sum():.0f}% of the variance)"
    return title


def plot_activation_maps(maps: Sequence[ActivationMap], images: np.ndarray, class_names: Sequence[str],
                         thumbnails: int = 24, columns: int = 4) -> Figure:
    """One panel per map, ``columns`` to a row: every image a dot in its class's color, ``thumbnails``
    of them drawn where they lie."""
    columns = min(columns, len(maps))
    rows = -(-len(maps) // columns)
    fig = new_figure(4.6 * columns + 0.8, 4.6 * rows + 0.4)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[len(maps):]:
        ax.axis("off")
    for ax, activation_map in zip(axes, maps):
        coords, labels = activation_map.coords, activation_map.labels
        colors = [CLASS_COLORS[label % len(CLASS_COLORS)] for label in labels]
        ax.scatter(coords[:, 0], coords[:, 1], c=colors, s=7, alpha=0.55, linewidths=0)
        low, high = coords.min(0), coords.max(0)
        margin = 0.08 * np.maximum(high - low, 1e-9)
        ax.set(xlim=(low[0] - margin[0], high[0] + margin[0]), ylim=(low[1] - margin[1], high[1] + margin[1]))
        ax.set_autoscale_on(False)
        ax.set_box_aspect(1)  # a square panel keeps the thumbnails square
        half = 0.03 * (high - low + 2 * margin)
        pictures = Mosaic()
        pictures.set_zorder(3)  # over the dots, under the frames
        ax.add_artist(pictures)
        for k in spread_points(coords, thumbnails):
            x, y = coords[k]
            picture = as_picture(images[activation_map.indices[k]])
            pictures.add(tile_colors(picture, **picture_style(picture))[0],
                         (x - half[0], x + half[0], y - half[1], y + half[1]))
            ax.add_patch(Rectangle((x - half[0], y - half[1]), 2 * half[0], 2 * half[1], fill=False, zorder=4,
                                   linewidth=1.6, edgecolor=colors[k]))
        ax.set_title(map_title(activation_map), fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    shown = sorted(set(np.concatenate([m.labels for m in maps]).tolist()))
    fig.legend([Line2D([], [], marker="o", ls="", color=CLASS_COLORS[c % len(CLASS_COLORS)]) for c in shown],
               [class_names[c] for c in shown], loc="outside right center", frameon=False, title="class")
    fig.suptitle("Each test image placed by its activations: images the layer treats alike lie close", fontsize=11)
    return fig
