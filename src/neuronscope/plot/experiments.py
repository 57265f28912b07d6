"""Figures of the experiments: sweeps, paired neurons, noise, robustness and morphing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from ..inspect.matching import NeuronMatching
from ..inspect.probes import ConfidenceSummary, MorphPath
from .style import DIVERGING, hide_ticks, new_figure, symmetric_norm

SETUP_COLORS = ("#1f5fbf", "#d9822b", "#2e9e5b", "#8e44ad")
LINE_COLORS = colormaps["tab10"].colors


def plot_accuracy_vs_hidden(results: dict[str, dict[int, list[float]]],
                            reported: dict[str, dict[int, float]] | None = None) -> Figure:
    """Test accuracy against the number of hidden neurons (log axis): per setup, the mean over
    seeds with its standard deviation as error bars, each seed as a faint dot, and published
    figures (``reported``, per setup) as crosses."""
    fig = new_figure(8, 4.6)
    ax = fig.subplots()
    sizes = sorted({h for per_size in results.values() for h in per_size})
    for color, (setup, per_size) in zip(SETUP_COLORS, results.items()):
        hs = sorted(per_size)
        accs = [100 * np.array(per_size[h]) for h in hs]
        ax.errorbar(hs, [a.mean() for a in accs], yerr=[a.std() for a in accs], color=color, marker="o",
                    capsize=3, label=f"{setup} (mean ± sd of {max(len(a) for a in accs)} seeds)")
        for h, a in zip(hs, accs):
            ax.scatter([h] * len(a), a, color=color, alpha=0.3, s=12, linewidths=0)
        published = (reported or {}).get(setup)
        if published:
            ax.scatter(list(published), [100 * v for v in published.values()], color=color, marker="x", s=60,
                       linewidths=2, zorder=3, label=f"{setup}: published single runs")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sizes))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([str(h) for h in sizes])
    ax.axhline(10, color="#888", lw=0.8, ls=":")
    ax.text(sizes[0], 11, "chance (10%)", fontsize=8, color="#666")
    ax.set(xlabel="hidden neurons (log scale)", ylabel="test accuracy (%)", ylim=(0, 100),
           title="How many hidden neurons does it take to read digits?")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return fig


def plot_networks_side_by_side(rows: Sequence[tuple[str, np.ndarray]], title: str) -> Figure:
    """One row per network: a label and its first-layer weights images (n, h, w), each row on its
    own symmetric color scale (small networks reach much larger weights than wide ones)."""
    columns = max(len(images) for _, images in rows)
    fig = new_figure(1.05 * columns + 1.8, 1.15 * len(rows) + 0.7)
    grid = fig.subplots(len(rows), columns, squeeze=False)
    for r, (label, images) in enumerate(rows):
        norm, _ = symmetric_norm(images)
        for c, ax in enumerate(grid[r]):
            hide_ticks(ax)
            if c >= len(images):
                ax.axis("off")
                continue
            ax.imshow(images[c], cmap=DIVERGING, norm=norm, interpolation="nearest")
            if c == 0:
                ax.set_ylabel(label, fontsize=9, rotation=0, ha="right", va="center")
    fig.suptitle(title, fontsize=11)
    return fig


def plot_accuracy_curves(histories: dict[str, Sequence[dict]]) -> Figure:
    """Test (solid) and training (dashed) accuracy per epoch for several runs."""
    fig = new_figure(8, 4.2)
    ax = fig.subplots()
    for color, (name, history) in zip(SETUP_COLORS, histories.items()):
        epochs = [h["epoch"] for h in history]
        ax.plot(epochs, [100 * h["test_accuracy"] for h in history], color=color, marker="o", ms=3,
                label=f"{name}: test")
        ax.plot(epochs, [100 * h["train_accuracy"] for h in history], color=color, ls="--", label=f"{name}: train")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy per epoch")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def plot_matched_pairs(images_a: np.ndarray, images_b: np.ndarray, matching: NeuronMatching,
                       names: tuple[str, str], roughness: tuple[np.ndarray, np.ndarray]) -> Figure:
    """Paired neurons of two runs, best-matched pair first: A's weights image above B's partner,
    with their correlation and each image's roughness. B's image is sign-flipped where the pair's
    correlation is negative, so both show the same pattern in the same colors."""
    order = np.argsort(-np.abs(matching.correlation), kind="stable")
    n = len(order)
    columns = min(n, 10)
    blocks = -(-n // columns)
    fig = new_figure(1.1 * columns + 1.6, 2.45 * blocks + 0.8)
    grid = fig.subplots(2 * blocks, columns, squeeze=False)
    for ax in grid.flat:
        hide_ticks(ax)
        ax.axis("off")
    for slot, i in enumerate(order):
        j = matching.partner[i]
        sign = 1.0 if matching.correlation[i] >= 0 else -1.0
        r, c = 2 * (slot // columns), slot % columns
        for ax, image, rough, label in ((grid[r, c], images_a[i], roughness[0][i], f"{names[0][:1].upper()}#{i}"),
                                        (grid[r + 1, c], sign * images_b[j], roughness[1][j],
                                         f"{names[1][:1].upper()}#{j}")):
            ax.axis("on")
            norm, _ = symmetric_norm(image)
            ax.imshow(image, cmap=DIVERGING, norm=norm, interpolation="nearest")
            ax.set_xlabel(f"{label} r̃ {rough:.2f}", fontsize=7, labelpad=1)
        grid[r, c].set_title(f"corr {matching.correlation[i]:+.2f}", fontsize=8, pad=2)
        if c == 0:
            grid[r, c].set_ylabel(names[0], fontsize=9)
            grid[r + 1, c].set_ylabel(names[1], fontsize=9)
    fig.suptitle(f"Matched neurons, best pair first (upper: {names[0]}, lower: {names[1]}; r̃ = roughness, "
                 f"lower is smoother). Random pairs correlate {matching.random_correlation:.2f} on average.",
                 fontsize=10)
    return fig


def plot_noise_answers(summaries: Sequence[ConfidenceSummary], class_names: Sequence[str]) -> Figure:
    """Which class the network answers for each image set, and how confident it is."""
    fig = new_figure(11, 3.8)
    counts_ax, conf_ax = fig.subplots(1, 2)
    width = 0.8 / len(summaries)
    x = np.arange(len(class_names))
    for k, (color, s) in enumerate(zip(SETUP_COLORS, summaries)):
        share = 100 * s.counts / max(s.counts.sum(), 1)
        counts_ax.bar(x + (k - (len(summaries) - 1) / 2) * width, share, width, color=color, label=s.name)
    counts_ax.set_xticks(x, [n[:8] for n in class_names], rotation=45 if len(class_names[0]) > 2 else 0)
    counts_ax.set(ylabel="share of images (%)", title="Which class does it answer?")
    counts_ax.legend(fontsize=8)
    names = [s.name for s in summaries]
    y = np.arange(len(summaries))
    conf_ax.barh(y, [100 * s.mean_confidence for s in summaries], color=SETUP_COLORS[:len(summaries)],
                 label="mean")
    conf_ax.scatter([100 * s.max_confidence for s in summaries], y, color="black", marker="|", s=200, label="max")
    for i, s in enumerate(summaries):
        conf_ax.text(1, i, f"mean {100 * s.mean_confidence:.1f}%, {100 * s.share_above_90:.0f}% of answers >90%",
                     va="center", fontsize=8, color="white")
    conf_ax.set_yticks(y, names)
    conf_ax.invert_yaxis()
    conf_ax.set(xlim=(0, 102), xlabel="confidence in its answer (%)", title="How sure is it?")
    conf_ax.legend(fontsize=8, loc="lower right")
    return fig


def plot_confident_images(summaries: Sequence[ConfidenceSummary], class_names: Sequence[str]) -> Figure:
    """For each image set, the images the network answers most confidently, titled with its answer."""
    columns = max(len(s.top_images) for s in summaries)
    fig = new_figure(1.2 * columns + 1.4, 1.45 * len(summaries) + 0.6)
    grid = fig.subplots(len(summaries), columns, squeeze=False)
    for r, s in enumerate(summaries):
        for c, ax in enumerate(grid[r]):
            hide_ticks(ax)
            if c >= len(s.top_images):
                ax.axis("off")
                continue
            ax.imshow(s.top_images[c], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(f"“{class_names[s.top_predicted[c]][:7]}” {100 * s.top_confidence[c]:.1f}%", fontsize=8,
                         pad=2)
            if c == 0:
                ax.set_ylabel(s.name, fontsize=9)
    fig.suptitle("The images it answers most confidently (its answer and confidence above each)", fontsize=11)
    return fig


def plot_shift_heatmaps(grids: dict[str, np.ndarray]) -> Figure:
    """Accuracy for every (dx, dy) shift, one heatmap per model, on one color scale."""
    n = len(grids)
    fig = new_figure(4.2 * n + 1.0, 4.2)
    axes = fig.subplots(1, n, squeeze=False)[0]
    shown = None
    for ax, (name, grid) in zip(axes, grids.items()):
        reach = grid.shape[0] // 2
        shown = ax.imshow(100 * grid, cmap="viridis", vmin=0, vmax=100, origin="upper",
                          extent=(-reach - 0.5, reach + 0.5, reach + 0.5, -reach - 0.5))
        for dy in range(-reach, reach + 1, max(1, reach // 3)):
            for dx in range(-reach, reach + 1, max(1, reach // 3)):
                value = 100 * grid[dy + reach, dx + reach]
                ax.text(dx, dy, f"{value:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if value < 60 else "black")
        ax.set(title=name, xlabel="shift right (pixels)", ylabel="shift down (pixels)")
    fig.colorbar(shown, ax=list(axes), shrink=0.85, label="test accuracy (%)")
    fig.suptitle("Accuracy on test digits moved dx pixels right and dy down", fontsize=11)
    return fig


def plot_shift_curves(grids: dict[str, np.ndarray]) -> Figure:
    """Accuracy against a horizontal and against a vertical shift, every network on the same axes:
    the flatter a curve, the less the network cares where the digit sits."""
    fig = new_figure(10, 4)
    axes = fig.subplots(1, 2, sharey=True)
    for color, (name, grid) in zip(SETUP_COLORS, grids.items()):
        reach = grid.shape[0] // 2
        offsets = np.arange(-reach, reach + 1)
        axes[0].plot(offsets, 100 * grid[reach], color=color, marker="o", ms=3, label=name)
        axes[1].plot(offsets, 100 * grid[:, reach], color=color, marker="o", ms=3, label=name)
    for ax, direction in zip(axes, ("right", "down")):
        ax.axvline(0, color="#888", lw=0.8, ls=":")
        ax.set(xlabel=f"shift {direction} (pixels)", ylim=(0, 100))
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("test accuracy (%)")
    axes[0].legend(fontsize=8)
    fig.suptitle("Accuracy on test digits moved sideways (left) and up or down (right)", fontsize=11)
    return fig


def plot_scale_curves(factors: np.ndarray, curves: dict[str, np.ndarray]) -> Figure:
    fig = new_figure(7, 4)
    ax = fig.subplots()
    for color, (name, curve) in zip(SETUP_COLORS, curves.items()):
        ax.plot(factors, 100 * curve, color=color, marker="o", ms=3, label=name)
    ax.axvline(1.0, color="#888", lw=0.8, ls=":")
    ax.set(xlabel="zoom factor (1 = original size)", ylabel="test accuracy (%)", ylim=(0, 100),
           title="Accuracy on test digits zoomed about the image center")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def plot_morph(path: MorphPath, class_names: Sequence[str], frames: int = 11) -> Figure:
    """The morph as a strip of frames with the network's answer, its class probabilities along the
    path, and the activations of the neurons that change most across the first flip."""
    fig = new_figure(11, 7.2)
    outer = fig.add_gridspec(3, 1, height_ratios=[1.1, 2, 2])
    strip = outer[0].subgridspec(1, frames)
    picks = np.linspace(0, len(path.t) - 1, frames).round().astype(int)
    for k, i in enumerate(picks):
        ax = fig.add_subplot(strip[k])
        hide_ticks(ax)
        ax.imshow(path.images[i], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"t={path.t[i]:.2f}\n“{class_names[path.predicted[i]][:6]}”", fontsize=8, pad=2)
    probs_ax = fig.add_subplot(outer[1])
    shown = sorted(set(path.predicted.tolist()) | {int(path.probabilities[0].argmax()),
                                                     int(path.probabilities[-1].argmax())})
    for color, c in zip(LINE_COLORS * 2, shown):
        probs_ax.plot(path.t, 100 * path.probabilities[:, c], color=color, label=f"“{class_names[c]}”")
    for flip in path.flips:
        probs_ax.axvline((path.t[flip - 1] + path.t[flip]) / 2, color="#c0392b", ls="--", lw=1)
    probs_ax.set(ylabel="confidence (%)", xlim=(0, 1), title="The network's answer along the path "
                 "(red dashes: where the answer flips)")
    probs_ax.legend(fontsize=8, ncol=min(len(shown), 5))
    probs_ax.grid(alpha=0.3)
    act_ax = fig.add_subplot(outer[2], sharex=probs_ax)
    for color, neuron, change in zip(LINE_COLORS * 2, path.changing, path.change):
        act_ax.plot(path.t, path.activations[:, neuron], color=color, label=f"#{neuron} ({change:+.2f})")
    for flip in path.flips:
        act_ax.axvline((path.t[flip - 1] + path.t[flip]) / 2, color="#c0392b", ls="--", lw=1)
    act_ax.set(xlabel="t (0 = first image, 1 = second)", ylabel="activation",
               title=f"The {path.layer} neurons that change most across the flip (change in brackets)")
    act_ax.legend(fontsize=8, ncol=3)
    act_ax.grid(alpha=0.3)
    return fig
