"""Figures for character-level models: training curves in nats and bits, and gate saturation."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..inspect.cells import Saturation
from .style import new_figure

LAYER_COLORS = ("#2f6fb7", "#e8891d", "#1f8a4c", "#8e44ad", "#c0392b", "#7a7a7a")


def plot_text_training(history: Sequence[dict]) -> Figure:
    """Training and validation loss against characters seen, in nats (left axis) and bits (right)."""
    fig = new_figure(7, 3.6)
    ax = fig.subplots()
    chars = np.array([h["chars"] for h in history]) / 1e6
    ax.plot(chars, [float("nan") if h.get("train_nats") is None else h["train_nats"] for h in history], color="#7a7a7a", label="training (mean since last check)")
    ax.plot(chars, [h["val_nats"] for h in history], "o-", color="#2f6fb7", ms=3, label="validation")
    ax.set_xlabel("millions of characters trained on")
    ax.set_ylabel("loss (nats / character)")
    bits_axis = ax.secondary_yaxis("right", functions=(lambda n: n / math.log(2), lambda b: b * math.log(2)))
    bits_axis.set_ylabel("bits / character")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def plot_saturation(saturation: Saturation) -> Figure:
    """One panel per gate: each cell a dot at (fraction of time left-saturated, fraction right-saturated),
    colored by layer. Dots near the right edge are gates nearly always closed; near the top, always open."""
    gates = saturation.gates
    fig = new_figure(4 * len(gates), 4)
    for ax, gate in zip(np.atleast_1d(fig.subplots(1, len(gates))), gates):
        ax.plot([0, 1], [1, 0], color="#ccc", lw=0.8)
        for layer, (left, right) in enumerate(zip(saturation.left, saturation.right)):
            ax.scatter(left[gate], right[gate], s=14, alpha=0.75, color=LAYER_COLORS[layer % len(LAYER_COLORS)],
                       label=f"layer {layer + 1}")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_aspect("equal")
        ax.set_xlabel("fraction left-saturated (< 0.1)" if gate != "hidden" else "fraction below -0.9")
        ax.set_ylabel("fraction right-saturated (> 0.9)" if gate != "hidden" else "fraction above 0.9")
        ax.set_title(gate.replace("_", " "))
    ax.legend(fontsize=8, loc="upper right")
    return fig
