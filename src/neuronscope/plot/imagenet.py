"""Figures for the ImageNet network: classes rendered raw and regularized, a photo dreamed octave by
octave and the dogs its dreams grow, a photo attacked toward a class with its top-5 before and after,
style transfer with and without smoothing, and an atlas of the layers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..imagenet.atlas import Atlas
from ..imagenet.classes import DOG_BREEDS, find_class
from ..imagenet.looking import AttackCurve, ClassView, PhotoAttack, PhotoDream
from ..imagenet.style import StyleTransfer
from .images import show_image
from .style import DIVERGING, TileSheet, hide_ticks, new_figure, symmetric_norm, tiles


def plot_class_views(views: Sequence[ClassView]) -> Figure:
    """One column per class: the raw-pixel rendering above the regularized one, each titled with the
    probability the network itself gives it."""
    n = len(views)
    fig = new_figure(max(4.2, 2.3 * n + 0.8), 5.4)
    axes, _ = tiles(fig, 2 * n, 2, n)
    for k, view in enumerate(views):
        for row, (image, p) in enumerate(((view.raw, view.raw_probability),
                                          (view.regularized, view.regularized_probability))):
            show_image(axes[row, k], image)
            axes[row, k].set_title(f"{view.name}: {100 * p:.1f}%", fontsize=9)
    axes[0, 0].set_ylabel("raw pixels", fontsize=10)
    axes[1, 0].set_ylabel("regularized\n(Fourier, decorrelated color,\njitter, scale, rotation)", fontsize=9)
    fig.suptitle("What each class looks like to the network\n(the network's own probability above each)",
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
    marked = result.target or result.after[0][0]
    _top_list(fig.add_subplot(grid[0, 3]), "before", result.before, marked)
    _top_list(fig.add_subplot(grid[0, 4]), "after", result.after, marked)
    verdict = "reached" if result.reached else "not reached"
    toward = f"toward “{result.target}”" if result.target else f"away from “{result.before[0][0]}”"
    fig.suptitle(f"Pushed {toward} ({verdict}: {100 * result.after[0][1]:.1f}% “{result.after[0][0]}”)",
                 fontsize=11)
    return fig


DOG_COLOR = "#a0522d"


def plot_photo_dream(result: PhotoDream, title: str | None = None) -> Figure:
    """The photo and the dream as each octave ended, each with the network's top-3 (dog breeds in
    brown) and the share of dog breeds in its top-5."""
    dreamed = result.dream
    images = [dreamed.original, *dreamed.octave_images]
    height, width = dreamed.original.shape[-2:]
    panel, gap, above, below = 2.8, 0.25, 0.85, 0.7  # inches: every image the same size, labels under it
    image_height = panel * height / width
    fig = new_figure(len(images) * (panel + gap) + gap, above + image_height + below, layout=None)
    size = fig.get_size_inches()
    for k, image in enumerate(images):
        ax = fig.add_axes((((gap + k * (panel + gap)) / size[0]), below / size[1], panel / size[0],
                           image_height / size[1]))
        show_image(ax, image)
        hide_ticks(ax)
        top, share = (result.before, result.dog_share_before) if k == 0 else \
            (result.after_octave[k - 1], result.dog_share_after_octave[k - 1])
        name = "photo" if k == 0 else f"octave {k} ({image.shape[-1]}x{image.shape[-2]})"
        ax.set_title(f"{name}\n{100 * share:.0f}% dog breeds in top-5", fontsize=9)
        for line, (label, p) in enumerate(top[:3]):
            dog = find_class(label) in DOG_BREEDS
            ax.text(0.5, -0.04 - 0.2 * line / image_height, f"{label} {100 * p:.0f}%" + (" (dog)" if dog else ""),
                    transform=ax.transAxes, ha="center", va="top", fontsize=8.5,
                    color=DOG_COLOR if dog else "#1d2330", fontweight="bold" if dog else None)
    fig.suptitle(title or f"Dreaming at {dreamed.layer}: {len(dreamed.octave_sizes)} octaves, "
                          f"{len(dreamed.amplification) // len(dreamed.octave_sizes)} steps each, "
                          f"{result.seconds:.1f} s", fontsize=11, y=1 - 0.12 / size[1], va="top")
    return fig


def plot_dog_census(names: Sequence[str], results: Sequence[PhotoDream]) -> Figure:
    """A table of the share of dog breeds in the network's top-5: one row per photo (and their mean),
    one column for the photo and one after each octave of its dream."""
    shares = 100 * np.array([[r.dog_share_before, *r.dog_share_after_octave] for r in results])
    shares = np.vstack([shares, shares.mean(0)])
    rows = [*names, "mean"]
    columns = ["photo", *(f"octave {k}" for k in range(1, shares.shape[1]))]
    fig = new_figure(1.25 * len(columns) + 2, 0.42 * len(rows) + 1.5)
    ax = fig.add_subplot()
    ax.imshow(shares, cmap="Oranges", vmin=0, vmax=100, aspect="auto")
    for (row, column), share in np.ndenumerate(shares):
        ax.text(column, row, f"{share:.0f}%", ha="center", va="center", fontsize=9,
                color="white" if share > 60 else "#1d2330", fontweight="bold" if row == len(rows) - 1 else None)
    ax.axhline(len(rows) - 1.5, color="#1d2330", lw=1.5)
    ax.set_xticks(range(len(columns)), columns, fontsize=9)
    ax.set_yticks(range(len(rows)), rows, fontsize=9)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    ax.set_title(f"Why so many dogs? Dog breeds in the top-5 as {results[0].dream.layer} dreams\n"
                 f"(a top-5 drawn at random would hold {100 * len(DOG_BREEDS) / 1000:.1f}%: 118 of 1,000 classes)",
                 fontsize=10)
    return fig


SMOOTHING_NAMES = {"none": "plain Gram matrices (Gatys)", "softmax": "softmax-smoothed (Wang et al. 2021)"}


def plot_style_transfers(results: Sequence[StyleTransfer]) -> Figure:
    """The content photo, the style image, each transfer, and how each one's style and content losses
    moved."""
    first = results[0]
    panels = [(first.content, "content photo"), (first.style, "style"),
              *((r.image, f"{SMOOTHING_NAMES[r.smoothing]}\nstyle loss {r.style_loss_fall:.0f}x lower, "
                          f"{r.seconds:.0f} s") for r in results)]
    fig = new_figure(3.2 * len(panels) + 3.6, 3.5)
    grid = fig.add_gridspec(1, len(panels) + 1, width_ratios=[1] * len(panels) + [1.15])
    for column, (image, title) in enumerate(panels):
        ax = fig.add_subplot(grid[0, column])
        show_image(ax, image)
        hide_ticks(ax)
        ax.set_title(title, fontsize=9)
    ax = fig.add_subplot(grid[0, -1])
    colors = {"none": "#c0392b", "softmax": "#1f5fbf"}
    for r in results:
        evaluations = np.arange(1, len(r.style_loss) + 1)
        ax.plot(evaluations, r.style_loss / r.style_loss[0], color=colors[r.smoothing], label=f"{r.smoothing}: style")
        ax.plot(evaluations, r.content_loss, color=colors[r.smoothing], ls="--", lw=1, label=f"{r.smoothing}: content")
    ax.set_yscale("log")
    ax.set_ylim(bottom=1e-3)  # the content loss starts at 0, from the content photo itself
    ax.set_xlabel("loss evaluation (L-BFGS)")
    ax.set_ylabel("loss (style: vs its start)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    fig.suptitle("Style transfer with an ImageNet classifier", fontsize=11)
    return fig


def plot_attack_curve(curve: AttackCurve) -> Figure:
    """The share of photos keeping their class as the budget grows, beside what each photo is called
    at each budget (changed ones in red)."""
    levels = 255 * curve.epsilons
    fig = new_figure(4.2 + 1.55 * len(levels), 1.6 + 0.3 * len(curve.names))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.3, 0.55 * len(levels)])
    ax = fig.add_subplot(grid[0, 0])
    ax.plot(levels, 100 * curve.kept, color="#c0392b", marker="o")
    ax.set_xlabel("budget: largest change per pixel (levels of 255)")
    ax.set_ylabel("photos keeping their class (%)")
    ax.set_ylim(-3, 103)
    ax.grid(alpha=0.3)
    table = fig.add_subplot(grid[0, 1])
    table.axis("off")
    table.set_xlim(-0.5, len(levels) - 0.5)
    table.set_ylim(len(curve.names) - 0.5, -1.2)
    for column, level in enumerate(levels):
        table.text(column, -1, f"±{level:g}/255", ha="center", fontsize=8, fontweight="bold")
        for row, name in enumerate(curve.top[column]):
            changed = name != curve.top[0][row] if curve.epsilons[0] == 0 else False
            table.text(column, row, name[:20], ha="center", va="center", fontsize=7.5,
                       color="#c0392b" if changed else "#1d2330")
    for row, photo in enumerate(curve.names):
        table.text(-0.55, row, photo, ha="right", va="center", fontsize=8)
    fig.suptitle(f"Untargeted PGD on {len(curve.names)} photos: the network's own answer, kept or lost",
                 fontsize=11)
    return fig


def plot_atlas(atlas: Atlas, tile: float = 1.25) -> Figure:
    """One row per layer, shallow to deep: each channel's rendering with, under it, the crops of the
    photos at hand that excite it most."""
    columns = max(len(row.channels) for row in atlas.layers)
    gap, label_width, title_room, crop_gap = 0.12, 1.1, 0.2, 0.04
    crop = (tile - crop_gap * 2) / 3
    row_height = title_room + tile + crop_gap + crop + 0.25
    sheet = TileSheet(label_width + columns * (tile + gap) + 0.1, 0.75 + len(atlas.layers) * row_height + 0.35)
    sheet.title(f"What channels at each depth respond to: rendered from noise ({atlas.size} px, {atlas.steps} steps, "
                f"Lucid recipe), and the crops of {len(atlas.photos)} photos that excite each most", fontsize=11)
    for r, row in enumerate(atlas.layers):
        top = 0.75 + r * row_height
        sheet.text(label_width - 0.15, top + title_room + tile / 2, row.layer, ha="right", va="center", fontsize=10,
                   fontweight="bold")
        if row.kernels:
            sheet.text(label_width - 0.15, top + title_room + tile / 2 + 0.2, "its kernels", ha="right", va="top",
                       fontsize=8, color="#5b6478")
        for c, (channel, picture, examples) in enumerate(zip(row.channels, row.renderings, row.examples)):
            left = label_width + c * (tile + gap)
            sheet.image(picture, left, top + title_room, tile, f"#{channel}", fontsize=8)
            for k, example in enumerate(examples):
                sheet.image(example.crop, left + k * (crop + crop_gap), top + title_room + tile + crop_gap, crop)
    sheet.text(0.1, sheet.height - 0.12, "Crops come from: " + ", ".join(atlas.photos) + " (the photos at hand, not "
               "ImageNet itself)", fontsize=8, color="#5b6478", va="bottom")
    return sheet.figure
