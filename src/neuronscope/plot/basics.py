"""Figures for the basics: activation functions, decision regions, descent on a loss surface."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.figure import Figure

from ..basics import (
    ACTIVATIONS,
    DescentPath,
    LineData,
    ToyFit,
    padded_bounds,
    region_grid,
    surface_grid,
    view_bounds,
)
from ..data.toy import ToyData
from .style import new_figure

# class 0 orange, class 1 blue, then six more for data with more classes (the lab's pages use the same)
CLASS_COLORS = ("#e8891d", "#2f6fb7", "#2e9e5b", "#c0392b", "#8e44ad", "#8c6d31", "#d6609f", "#5b6475")
REGIONS = LinearSegmentedColormap.from_list("regions", ["#f6c48f", "#ffffff", "#9cc0e8"])
PATH_COLORS = ("#7a7a7a", "#1f8a4c", "#c0392b")


def plot_activations(z: float | None = None) -> Figure:
    """Step, sigmoid, ReLU and tanh over z in [-5, 5]; with ``z``, the point (z, f(z)) marked on each."""
    fig = new_figure(10, 2.6)
    zs = np.linspace(-5, 5, 401)
    for ax, (name, f) in zip(fig.subplots(1, len(ACTIVATIONS)), ACTIVATIONS.items()):
        ax.axhline(0, color="#bbb", lw=0.8)
        ax.axvline(0, color="#bbb", lw=0.8)
        ax.plot(zs, f(zs), color="#2f6fb7", lw=2)
        if z is not None:
            ax.plot([z], [f(z)], "o", color="#c0392b")
            ax.set_title(f"{name}({z:g}) = {float(f(z)):.3g}")
        else:
            ax.set_title(name)
        ax.set_xlabel("weighted sum z")
        ax.set_ylim(-1.2, 5.2 if name == "relu" else 1.2)
    return fig


def _class_regions(probabilities: np.ndarray) -> np.ndarray:
    """(h, w, 3) RGB: each place in its most likely class's color, paler the less sure the model is."""
    classes = probabilities.shape[-1]
    colors = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in CLASS_COLORS[:classes]])
    sureness = (probabilities.max(-1) - 1 / classes) / (1 - 1 / classes)
    strength = 0.55 * sureness[..., None]
    return (1 - strength) + strength * colors[probabilities.argmax(-1)]


def plot_decision_regions(data: ToyData, fits: dict[str, ToyFit], resolution: int = 200) -> Figure:
    """One panel per trained model: its regions (each class in its color, paler where unsure; two
    classes: orange and blue), the data, and for networks with hidden neurons each first-layer
    neuron's own boundary (dashed)."""
    bounds = padded_bounds(data.points)
    fig = new_figure(4.2 * len(fits) + (1.2 if data.num_classes > 2 else 0), 4.2)
    x1, x2 = np.linspace(*bounds[:2], resolution), np.linspace(*bounds[2:], resolution)
    for ax, (title, fit) in zip(np.atleast_1d(fig.subplots(1, len(fits))), fits.items()):
        grid = region_grid(fit, bounds, resolution)
        if data.num_classes == 2:
            ax.imshow(grid[..., 1], origin="lower", extent=bounds, cmap=REGIONS, vmin=0, vmax=1, aspect="auto")
            ax.contour(x1, x2, grid[..., 1], levels=[0.5], colors="#1d2330", linewidths=1.5)
        else:
            ax.imshow(_class_regions(grid), origin="lower", extent=bounds, aspect="auto")
            winner = grid.argmax(-1)
            for label in range(data.num_classes):  # the edges of each class's region
                if (winner == label).any() and not (winner == label).all():
                    ax.contour(x1, x2, (winner == label).astype(float), levels=[0.5], colors="#1d2330",
                               linewidths=1.2)
        if len(fit.network.weights) > 1:
            _draw_lines(ax, fit.hidden_lines(), bounds)
        for label, color in enumerate(CLASS_COLORS[:data.num_classes]):
            points = data.points[data.labels == label]
            ax.scatter(points[:, 0], points[:, 1], s=14, color=color, edgecolor="white", linewidth=0.5,
                       label=data.class_names[label])
        ax.set_xlim(bounds[:2])
        ax.set_ylim(bounds[2:])
        ax.set_xlabel(data.feature_names[0])
        ax.set_ylabel(data.feature_names[1])
        ax.set_title(f"{title}: {fit.accuracy(data):.0%} correct")
    if data.num_classes == 2:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    else:
        fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", fontsize=8, frameon=False)
    return fig


def _draw_lines(ax, lines: np.ndarray, bounds) -> None:
    x1 = np.linspace(bounds[0], bounds[1], 2)
    for a, b, c in lines:
        if abs(b) > 1e-12:
            ax.plot(x1, -(a * x1 + c) / b, "--", color="#555", lw=0.9)
        elif abs(a) > 1e-12:
            ax.axvline(-c / a, ls="--", color="#555", lw=0.9)


def _until_it_leaves(points: np.ndarray, bounds) -> np.ndarray:
    # a diverging path zigzags off to infinity; its first exit already tells the story
    inside = ((points[:, 0] >= bounds[0]) & (points[:, 0] <= bounds[1])
              & (points[:, 1] >= bounds[2]) & (points[:, 1] <= bounds[3]))
    outside = np.flatnonzero(~inside)
    return points if not len(outside) else points[: outside[0] + 1]


def plot_descent(data: LineData, paths: Sequence[DescentPath], best: np.ndarray) -> Figure:
    """The loss surface of the line y = w·x + b (log-colored, contours) with each learning rate's
    path from the same start, one panel each, and their loss curves."""
    fig = new_figure(4 * len(paths) + 4, 4)
    axes = fig.subplots(1, len(paths) + 1)
    for ax, path, color in zip(axes, paths, PATH_COLORS * len(paths)):
        bounds = view_bounds(path, best)
        grid = surface_grid(data, bounds, 160)
        ax.imshow(grid, origin="lower", extent=bounds, cmap="viridis_r", norm=LogNorm(), aspect="auto")
        ax.contour(np.linspace(*bounds[:2], 160), np.linspace(*bounds[2:], 160), grid,
                   levels=np.geomspace(grid.min() * 1.05, grid.max(), 12), colors="white", linewidths=0.5)
        shown = _until_it_leaves(path.points, bounds)
        ax.plot(shown[:, 0], shown[:, 1], "o-", color=color, ms=3, lw=1.2, markeredgecolor="white",
                markeredgewidth=0.4)
        ax.plot(*best, "*", color="white", ms=12, markeredgecolor="black")
        ax.set_xlim(bounds[:2])
        ax.set_ylim(bounds[2:])
        ax.set_xlabel("weight w")
        ax.set_ylabel("bias b")
        verdict = "diverges" if path.diverged else f"loss {path.losses[-1]:.3g}"
        ax.set_title(f"lr {path.lr:.3g}: {len(path.points) - 1} steps, {verdict}", fontsize=10)
    curves = axes[-1]
    for path, color in zip(paths, PATH_COLORS * len(paths)):
        curves.semilogy(path.losses, color=color, label=f"lr {path.lr:.3g}")
    curves.set_xlabel("step")
    curves.set_ylabel("mean squared error")
    curves.set_title("loss per step")
    curves.legend(fontsize=8)
    return fig
