"""Figures of adversarial examples: the digit, the change (magnified), the result and both answers;
accuracy against the size of the change; images made from noise that fool the network."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..inspect.adversarial import Attack, FoolingImage
from .images import show_image
from .style import DIVERGING, new_figure, symmetric_norm, tiles


def plot_attack(attack: Attack, class_names: Sequence[str], title: str, shown: int = 6) -> Figure:
    """Columns: examples. Rows: original with its answer, the perturbation in blue (+) / red (−) on its
    own scale, the adversarial image with the new answer."""
    n = min(shown, len(attack.labels))
    fig = new_figure(1.6 * n + 1.8, 5.6)
    axes, used = tiles(fig, 3 * n, 3, n)
    change = attack.perturbation[:n].cpu().numpy()
    per_image = change.mean(1) if change.shape[1] == 3 else change[:, 0]
    norm, reach = symmetric_norm(per_image)
    for i in range(n):
        show_image(axes[0, i], attack.original[i])
        axes[0, i].set_title(f"{class_names[int(attack.original_prediction[i])]} "
                             f"{100 * float(attack.original_confidence[i]):.0f}%", fontsize=9)
        picture = axes[1, i].imshow(per_image[i], cmap=DIVERGING, norm=norm, interpolation="nearest")
        axes[1, i].set_title(f"max |Δ| {np.abs(change[i]).max():.2f}", fontsize=8)
        show_image(axes[2, i], attack.adversarial[i])
        fooled = int(attack.prediction[i]) != int(attack.labels[i])
        axes[2, i].set_title(f"{class_names[int(attack.prediction[i])]} {100 * float(attack.confidence[i]):.0f}%",
                             fontsize=9, color="#c0392b" if fooled else "black")
    for row, label in enumerate(("original", "change\n(magnified)", "adversarial")):
        axes[row, 0].set_ylabel(label, fontsize=9)
    fig.colorbar(picture, ax=axes[1, :], shrink=0.8, pad=0.02).set_label(f"Δ pixel (±{reach:.2g})")
    fig.suptitle(title, fontsize=11)
    return fig


def plot_accuracy_under_attack(epsilons: Sequence[float], curves: dict[str, dict[str, np.ndarray]],
                               norm: str = "linf") -> Figure:
    """curves: {model name: {method: accuracies}}, one line per model and method."""
    fig = new_figure(6.4, 4.2)
    ax = fig.subplots()
    styles = {"fgsm": "--", "pgd": "-"}
    for model_name, methods in curves.items():
        color = None
        for method, accuracy in methods.items():
            (line,) = ax.plot(epsilons, 100 * np.asarray(accuracy), styles.get(method, "-"), marker="o",
                              color=color, label=f"{model_name} {method.upper()}")
            color = line.get_color()
    ax.set_xlabel("ε (largest change per pixel)" if norm == "linf" else "ε (length of the whole change, L2)")
    ax.set_ylabel("test accuracy under attack (%)")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("How fast accuracy falls as the allowed change grows", fontsize=11)
    return fig


def plot_fooling_images(fooled: Sequence[FoolingImage], class_names: Sequence[str], tile: float = 1.4) -> Figure:
    fig = new_figure(tile * len(fooled) + 0.4, tile + 0.6)
    _, used = tiles(fig, len(fooled), 1, len(fooled))
    for ax, image in zip(used, fooled):
        show_image(ax, image.image)
        ax.set_title(f"“{class_names[image.target]}” {100 * image.confidence:.1f}%", fontsize=9)
    fig.suptitle("Noise optimized until the network is sure of a class", fontsize=11)
    return fig
