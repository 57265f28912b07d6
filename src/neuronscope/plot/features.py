"""Figures of neurons against dictionary features: what each answers to, how mixed that is, how well
they match across seeds, and the toy model's geometry of superposition."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..inspect.discovery import INTERPRETABLE_AUC, signal_window
from ..inspect.polysemanticity import ClassMix
from ..inspect.toy_superposition import REPRESENTED, ToyModel, importance
from . import palette
from .style import DIVERGING, TileSheet, new_figure, symmetric_norm

NEURON_COLOR, FEATURE_COLOR = "#888888", "#1f5fbf"
TILE, GAP = 0.42, 0.05


def mix_label(mix: ClassMix, unit: int, class_names: Sequence[str], shown: int = 2) -> str:
    """The classes of a unit's top examples, commonest first: "3 88%, 5 8%"."""
    counts = mix.counts[unit]
    total = max(int(counts.sum()), 1)
    order = np.argsort(-counts, kind="stable")[:shown]
    return ", ".join(f"{class_names[c]} {100 * counts[c] / total:.0f}%" for c in order if counts[c])


def _unit_rows(sheet: TileSheet, x: float, y: float, mix: ClassMix, units: Sequence[int], images: np.ndarray,
               directions: np.ndarray | None, renderings: dict[int, np.ndarray] | None, class_names: Sequence[str],
               prefix: str, examples: int) -> None:
    """One row per unit from (x, y): its label, its direction in pixels, its rendering, its top examples."""
    row_height = TILE + 0.3
    for r, unit in enumerate(units):
        top = y + r * row_height
        needed = int(mix.classes_needed[unit])
        sheet.text(x, top + 0.02, f"{prefix}{unit}: {needed} class{'es' if needed > 1 else ''} "
                                  f"({mix_label(mix, unit, class_names)})", fontsize=7.5, va="top")
        left = x
        for picture in (directions, renderings):
            if picture is None:
                continue
            if picture is directions:
                norm, _ = symmetric_norm(picture[unit])
                sheet.image(picture[unit], left, top + 0.2, TILE, cmap=DIVERGING, norm=norm)
            else:
                sheet.picture(picture[unit], left, top + 0.2, TILE)
            left += TILE + GAP
        left += 0.08
        for k in mix.top[unit][:examples]:
            sheet.picture(images[k], left, top + 0.2, TILE)
            left += TILE + GAP


def plot_units_side_by_side(neurons: ClassMix, features: ClassMix, images: np.ndarray, class_names: Sequence[str],
                            *, layer: str, neuron_directions: np.ndarray | None = None,
                            feature_directions: np.ndarray | None = None, shown: int = 16,
                            examples: int = 6) -> Figure:
    """The ``shown`` most monosemantic neurons (left) against the most monosemantic features (right):
    each with its class mix, its direction in pixels when the layer has one, and its top examples."""
    neuron_units, feature_units = neurons.ranked()[:shown], features.ranked()[:shown]
    columns = examples + (neuron_directions is not None)
    block = columns * (TILE + GAP) + 0.3
    rows = max(len(neuron_units), len(feature_units), 1)
    sheet = TileSheet(2 * block + 0.4, 0.9 + rows * (TILE + 0.3))
    sheet.title(f"{layer}: the {shown} most readable neurons (left) and dictionary features (right)")
    for x, mix, units, directions, name in ((0.2, neurons, neuron_units, neuron_directions, "neuron "),
                                            (0.2 + block + 0.2, features, feature_units, feature_directions,
                                             "feature ")):
        sheet.text(x, 0.5, f"{name.strip()}s (all: {mix.mean_classes_needed:.2f} classes on average)", fontsize=9,
                   va="top", weight="bold")
        _unit_rows(sheet, x, 0.8, mix, units, images, directions, None, class_names, name, examples)
    return sheet.figure


def plot_feature_gallery(features: ClassMix, units: Sequence[int], images: np.ndarray, class_names: Sequence[str],
                         *, layer: str, directions: np.ndarray | None, renderings: dict[int, np.ndarray] | None,
                         examples: int = 8) -> Figure:
    """Dictionary features as neurons are shown: direction in pixels (blue likes, red dislikes), the
    input activation maximization draws for it, and the test images that excite it most."""
    columns = examples + (directions is not None) + (renderings is not None)
    sheet = TileSheet(columns * (TILE + GAP) + 0.5, 0.7 + len(units) * (TILE + 0.3))
    parts = [p for p, present in (("direction in pixels", directions is not None),
                                  ("activation maximization", renderings is not None)) if present]
    sheet.title(f"{layer}: dictionary features ({', '.join(parts + [f'top {examples} test images'])})",
                fontsize=10)
    _unit_rows(sheet, 0.2, 0.5, features, units, images, directions, renderings, class_names, "feature ", examples)
    return sheet.figure


def plot_polysemanticity(neurons: ClassMix, features: ClassMix, layer: str) -> Figure:
    """The share of neurons and of features needing 1, 2, ... classes to cover their top examples."""
    fig = new_figure(6.4, 3.4)
    ax = fig.add_subplot()
    most = int(max(mix.classes_needed[mix.live].max(initial=1) for mix in (neurons, features)))
    counts = np.arange(1, most + 1)
    for offset, mix, name, color in ((-0.2, neurons, "neurons", NEURON_COLOR),
                                     (0.2, features, "features", FEATURE_COLOR)):
        needed = mix.classes_needed[mix.live]
        shares = np.array([(needed == c).mean() if len(needed) else 0 for c in counts])
        ax.bar(counts + offset, 100 * shares, width=0.4, color=color,
               label=f"{len(needed)} {name}: mean {mix.mean_classes_needed:.2f}")
    ax.set_xticks(counts)
    ax.set_xlabel(f"classes needed to cover {100 * neurons.cover:.0f}% of a unit's top examples "
                  f"(1 = monosemantic)")
    ax.set_ylabel("share of units (%)")
    ax.set_title(f"{layer}: how many classes each unit answers to", fontsize=10)
    ax.legend(frameon=False)
    return fig


def plot_universality(neuron_correlations: np.ndarray, feature_correlations: np.ndarray) -> Figure:
    """Matched correlations of neurons and of features between two seeds' networks."""
    fig = new_figure(6.4, 3.2)
    ax = fig.add_subplot()
    bins = np.linspace(0, 1, 21)
    for values, name, color in ((neuron_correlations, "neurons", NEURON_COLOR),
                                (feature_correlations, "features", FEATURE_COLOR)):
        weights = np.full(len(values), 100 / max(len(values), 1))
        ax.hist(np.abs(values), bins=bins, weights=weights, color=color, alpha=0.65,
                label=f"{name}: mean {np.abs(values).mean():.2f}")
    ax.set_xlabel("correlation of a unit's activations with its match in the other network")
    ax.set_ylabel("share of matched pairs (%)")
    ax.set_title("The same network from two seeds: do its units match?", fontsize=10)
    ax.legend(frameon=False)
    return fig


def plot_toy_geometry(models: Sequence[ToyModel]) -> Figure:
    """For each sparsity: W^T W (top; the diagonal is each feature's length squared, the rest interference),
    and below it the feature directions (two dimensions: arrows) or each feature's length, colored by how
    much it shares its direction with others."""
    fig = new_figure(2.1 * len(models), 4.6)
    grid = fig.subplots(2, len(models), squeeze=False)
    for column, model in enumerate(models):
        top, bottom = grid[0, column], grid[1, column]
        norm, _ = symmetric_norm(model.gram)
        top.imshow(model.gram, cmap=DIVERGING, norm=norm, interpolation="nearest")
        top.set_xticks([])
        top.set_yticks([])
        top.set_title(f"sparsity {model.config.sparsity:g}\n{model.represented} of {model.config.features} "
                      f"represented", fontsize=9)
        if model.config.dimensions == 2:
            _draw_arrows(bottom, model)
        else:
            _draw_norms(bottom, model)
    grid[0, 0].set_ylabel("W$^T$W", fontsize=9)
    return fig


def _importance_colors(model: ToyModel) -> np.ndarray:
    weights = importance(model.config)
    return colormaps["viridis"](0.15 + 0.75 * (weights - weights.min()) / max(np.ptp(weights), 1e-9))


def _draw_arrows(ax, model: ToyModel) -> None:
    colors = _importance_colors(model)
    for i in np.argsort(importance(model.config)):  # the most important on top
        dx, dy = model.weights[:, i]
        ax.annotate("", xy=(dx, dy), xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": colors[i], "lw": 1.6, "shrinkA": 0, "shrinkB": 0})
    reach = max(1.3, float(np.abs(model.weights).max()) * 1.1)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.axhline(0, color="#ddd", lw=0.6, zorder=0)
    ax.axvline(0, color="#ddd", lw=0.6, zorder=0)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("feature directions\n(darker = less important)", fontsize=8)


def _draw_norms(ax, model: ToyModel) -> None:
    colors = colormaps["plasma"](0.1 + 0.8 * np.clip(model.interference, 0, 1))
    colors[model.norms < REPRESENTED] = (0.75, 0.75, 0.75, 1.0)  # an ignored feature shares nothing
    ax.barh(np.arange(model.config.features), model.norms, color=colors)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.3, float(model.norms.max()) * 1.05))
    ax.set_yticks([])
    ax.set_xlabel("length of each feature's direction\n(yellow = shares it, gray = ignored)", fontsize=8)


def plot_signal_scores(matches) -> Figure:
    """For each text signal, the best single cell's score beside the best single feature's."""
    fig = new_figure(7.2, 0.42 * len(matches) + 1.2)
    ax = fig.add_subplot()
    rows = np.arange(len(matches))
    ax.barh(rows - 0.2, [m.cell_score for m in matches], height=0.4, color=NEURON_COLOR, label="best cell")
    ax.barh(rows + 0.2, [m.feature_score for m in matches], height=0.4, color=FEATURE_COLOR,
            label="best dictionary feature")
    ax.set_yticks(rows, [f"{m.signal} ({'AUC' if m.binary else '|r|'})" for m in matches], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(INTERPRETABLE_AUC, color="#444", ls="--", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("how well one unit follows the signal")
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    return fig


def plot_text_tracks(text: str, tracks: Sequence[tuple[str, int, int, str]], cells: np.ndarray, features: np.ndarray,
                     signals, width: int = 60) -> Figure:
    """For each (signal, cell, feature, heading): a stretch of text where the signal changes, three times over:
    the signal itself (gray where it holds), the cell's state and the feature's activation (the one palette)."""
    by_name = {s.name: s for s in signals}
    lines_per_track = 2
    block = 3 * lines_per_track * 0.22 + 0.5
    sheet = TileSheet(width * 0.105 + 1.6, 0.3 + block * max(len(tracks), 1))
    y = 0.3
    for signal_name, cell, feature, heading in tracks:
        signal = by_name[signal_name]
        window = signal_window(signal, width * lines_per_track)
        chunk = text[window]
        sheet.text(0.1, y, heading, fontsize=8.5, weight="bold", va="top")
        y += 0.25
        signal_values = signal.values[window]
        rows = (("signal", np.where(signal_values > 0, 0.8, 0.0) if signal.binary
                 else signal_values / max(np.abs(signal_values).max(), 1e-9)),
                (f"cell {cell}", cells[window, cell]), (f"feature {feature}", features[window, feature]))
        for name, values in rows:
            colors = (np.column_stack([1 - 0.25 * values] * 3) if name == "signal"
                      else palette.colors(values) / 255)
            for line in range(lines_per_track):
                top = y + line * 0.22
                if line == 0:
                    sheet.text(0.1, top + 0.11, name, fontsize=7, va="center")
                for i, char in enumerate(chunk[line * width:(line + 1) * width]):
                    k = line * width + i
                    x = 1.1 + i * 0.105
                    sheet.canvas.add_patch(Rectangle((x, top), 0.105, 0.21, color=colors[k], linewidth=0))
                    shown = "↵" if char == "\n" else char
                    sheet.text(x + 0.052, top + 0.105, shown, fontsize=6.5, family="monospace", ha="center",
                               va="center")
            y += lines_per_track * 0.22 + 0.04
        y += 0.15
    return sheet.figure
