"""Figures of a network's results: training curves, confusion matrix, misclassified examples."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..inspect import Mistakes
from .style import grid_shape, grid_sheet, new_figure


def plot_training_curves(history: Sequence[dict]) -> Figure:
    """Accuracy and loss per epoch, on the training and the test set."""
    fig = new_figure(10, 3.6)
    acc_ax, loss_ax = fig.subplots(1, 2)
    epochs = [h["epoch"] for h in history]
    for split, style in (("train", "--"), ("test", "-")):
        acc_ax.plot(epochs, [100 * h[f"{split}_accuracy"] for h in history], style, marker="o", ms=3, label=split)
        loss_ax.plot(epochs, [h[f"{split}_loss"] for h in history], style, marker="o", ms=3, label=split)
    if history:
        best = max(history, key=lambda h: h["test_accuracy"])
        acc_ax.annotate(f"best test {100 * best['test_accuracy']:.2f}% (epoch {best['epoch']})",
                        (best["epoch"], 100 * best["test_accuracy"]), textcoords="offset points", xytext=(-10, -22),
                        ha="right", fontsize=9)
    acc_ax.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
    loss_ax.set(xlabel="epoch", ylabel="cost", title="Cost")
    for ax in (acc_ax, loss_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def plot_confusion_matrix(matrix: np.ndarray, class_names: Sequence[str]) -> Figure:
    """Counts of (true, predicted) pairs; color shows the share of each true class."""
    n = len(class_names)
    fig = new_figure(0.55 * n + 2.5, 0.5 * n + 1.6)
    ax = fig.subplots()
    share = matrix / np.maximum(matrix.sum(1, keepdims=True), 1)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if share[i, j] > 0.5 else "black")
    short = [name[:8] for name in class_names]
    ax.set_xticks(range(n), short, rotation=45 if max(map(len, short)) > 2 else 0, ha="right" if n > 2 else "center")
    ax.set_yticks(range(n), short)
    ax.set(xlabel="predicted", ylabel="true")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    ax.set_title(f"Confusion matrix ({100 * accuracy:.2f}% correct of {matrix.sum()})")
    return fig


def plot_mistakes(mistakes: Mistakes, class_names: Sequence[str]) -> Figure:
    """Misclassified images, most confident first, titled true → predicted (confidence)."""
    n = len(mistakes.images)
    _, cols = grid_shape(max(n, 1))
    size = 1.1
    sheet, corners = grid_sheet(n, cols, size, left=0.3, header=0.55, gap=0.2, title_room=0.22)
    for i, (x, y) in enumerate(corners):
        true, pred = class_names[mistakes.labels[i]][:6], class_names[mistakes.predicted[i]][:6]
        sheet.picture(mistakes.images[i], x, y, size, f"{true}→{pred} {100 * mistakes.confidence[i]:.0f}%",
                      color="#c0392b", fontsize=8)
    sheet.title(f"{mistakes.total} misclassified test images; the {n} most confident mistakes "
                f"(true → predicted, confidence)", fontsize=11)
    return sheet.figure
