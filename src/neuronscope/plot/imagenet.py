"""Figures for the ImageNet network: classes rendered raw and regularized, a photo attacked toward a
class with its top-5 before and after."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from ..imagenet.looking import ClassView, PhotoAttack
from .images import show_image
from .style import DIVERGING, hide_ticks, new_figure, symmetric_norm, tiles


def plot_class_views(views: Sequence[ClassView]) -> Figure:
    """One column per class: the raw-pixel rendering above the regularized one, each titled with the
    probability the network itself gives it."""
    n = len(views)
    fig = new_figure(2.3 * n + 0.8, 5.2)
    axes, _ = tiles(fig, 2 * n, 2, n)
    for k, view in enumerate(views):
        for row, (image, p) in enumerate(((view.raw, view.raw_probability),
                                          (view.regularized, view.regularized_probability))):
            show_image(axes[row, k], image)
            axes[row, k].set_title(f"{view.name}: {100 * p:.1f}%", fontsize=9)
    axes[0, 0].set_ylabel("raw pixels", fontsize=10)
    axes[1, 0].set_ylabel("regularized\n(Fourier, decorrelated color,\njitter, scale, rotation)", fontsize=9)
    fig.suptitle("What each class looks like to the network (the network's own probability above each)",
                 fontsize=11)
    return fig


def _top_list(ax, title: str, top: list[tuple[str, float]], marked: str) -> None:
    ax.axis("off")
    lines = [title] + [f"{100 * p:6.2f}%  {name}" for name, p in top]
    for k, line in enumerate(lines):
        ax.text(0.0, 0.95 - 0.15 * k, line, fontsize=10 if k else 11, family="monospace" if k else None,
                fontweight="bold" if k and top[k - 1][0] == marked else None, va="top",
                color="#c0392b" if k and top[k - 1][0] == marked else "#1d2330")


def plot_photo_attack(result: PhotoAttack) -> Figure:
    """The photo, the change magnified (blue brighter, red darker, its own scale), the changed photo,
    and the network's top-5 for each."""
    attack = result.attack
    fig = new_figure(14, 3.9)
    grid = fig.add_gridspec(1, 5, width_ratios=[1, 1, 1, 0.9, 0.9])
    original, adversarial = attack.original[0], attack.adversarial[0]
    change = 255 * (adversarial - original).mean(0).cpu().numpy()  # in pixel levels
    norm, _ = symmetric_norm(change)
    titles = ("photo", f"change, magnified (each pixel ±{255 * result.epsilon:.3g}/255 at most)", "changed photo")
    for column, (image, title) in enumerate(zip((original, None, adversarial), titles)):
        ax = fig.add_subplot(grid[0, column])
        hide_ticks(ax)
        if image is None:
            shown = ax.imshow(change, cmap=DIVERGING, norm=norm, interpolation="nearest")
            fig.colorbar(shown, ax=ax, shrink=0.8).set_label("mean change over RGB (levels of 255)")
        else:
            show_image(ax, image)
        ax.set_title(title, fontsize=9)
    _top_list(fig.add_subplot(grid[0, 3]), "before", result.before, result.target)
    _top_list(fig.add_subplot(grid[0, 4]), "after", result.after, result.target)
    verdict = "reached" if result.reached else "not reached"
    fig.suptitle(f"Pushed toward “{result.target}” ({verdict}: {100 * result.after[0][1]:.1f}% "
                 f"“{result.after[0][0]}”)", fontsize=11)
    return fig
