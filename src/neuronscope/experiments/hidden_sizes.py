"""How many hidden neurons does it take? Accuracy of 784-H-10 networks against H, for the classic
sigmoid network of Nielsen's book and a modern ReLU/Adam setup, averaged over seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import inspect
from ..errors import ConfigError
from ..plot.experiments import plot_accuracy_vs_hidden, plot_networks_side_by_side
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import DENSE_KINDS, open_run
from ..training.config import build_configs
from .training import DataSpec, Network, TrainingGroup, train_networks

SETUPS = {"classic": "nielsen", "modern": "modern"}  # setup name -> the preset it trains with
DEFAULT_SIZES = (1, 2, 3, 4, 5, 10, 20, 30, 100)
SMALL_NETWORK = 10  # networks up to this many hidden neurons have their weights shown
MAX_SIZE = 10_000

# Published test accuracies of the classic setup (784-H-10 sigmoid, quadratic cost, SGD on all 60,000
# training images), each a single run: what a reader of the originals expects to see beside the sweep.
NIELSEN = "Nielsen, Neural Networks and Deep Learning, ch. 1 (one run)"
ARTICLE = "the digit-network article's hidden-size experiment (one run each)"
PUBLISHED_TRAINING = (60_000, 30)  # training images, epochs
REPORTED = {"classic": {2: (0.2280, ARTICLE), 3: (0.5875, ARTICLE), 4: (0.8373, ARTICLE), 5: (0.8665, ARTICLE),
                        10: (0.9343, ARTICLE), 30: (0.9542, NIELSEN), 100: (0.9659, NIELSEN)}}


def sweep_groups(out: Path, data: DataSpec, dataset: dict, sizes, seeds: int, setups,
                 epochs: int | None) -> dict[tuple[str, int], TrainingGroup]:
    """One group per (setup, seed): all sizes train together from that seed."""
    inputs, classes = int(np.prod(dataset["image_shape"])), len(dataset["class_names"])
    groups = {}
    for setup in setups:
        for seed in range(seeds):
            networks = []
            for h in sizes:
                model, training = build_configs(input_size=inputs, num_classes=classes,
                                                image_shape=tuple(dataset["image_shape"]), preset=SETUPS[setup],
                                                layers=[inputs, h, classes], seed=seed, epochs=epochs)
                networks.append(Network(str(out / "runs" / f"{setup}-h{h}-seed{seed}"), model, training))
            groups[setup, seed] = TrainingGroup(data, tuple(networks))
    return groups


def hidden_sweep(out: str | Path, *, sizes=DEFAULT_SIZES, seeds: int = 3, setups=tuple(SETUPS),
                 epochs: int | None = None, data: DataSpec = DataSpec(), workers: int | None = None,
                 ray_address: str | None = None, progress: bool = True) -> ExperimentReport:
    """Train every (setup, size, seed) network into ``out/runs`` (skipping finished ones) and report."""
    sizes = sorted(set(sizes))
    if not sizes or sizes[0] < 1 or sizes[-1] > MAX_SIZE:
        raise ConfigError(f"hidden sizes must be whole numbers from 1 to {MAX_SIZE}, got {sizes}")
    if not 1 <= seeds <= 100:
        raise ConfigError(f"seeds must be between 1 and 100, got {seeds}")
    unknown = [s for s in setups if s not in SETUPS]
    if unknown or not setups:
        raise ConfigError(f"unknown setup {', '.join(unknown) or '(none)'}; choose from {', '.join(SETUPS)}")
    out = Path(out)
    loaded = data.load(progress)
    dataset = loaded.summary()
    groups = sweep_groups(out, data, dataset, sizes, seeds, setups, epochs)
    train_networks(list(groups.values()), dataset, workers=workers, ray_address=ray_address, progress=progress)

    accuracy: dict[str, dict[int, list[float]]] = {setup: {h: [] for h in sizes} for setup in setups}
    small_rows: dict[str, list] = {setup: [] for setup in setups}
    for (setup, seed), group in groups.items():
        for network in group.networks:
            run = open_run(network.path, kinds=DENSE_KINDS)
            h = network.model.layers[1]
            accuracy[setup][h].append(run.test_accuracy)
            if h <= SMALL_NETWORK and seed == 0:
                small_rows[setup].append((f"H={h}\n{100 * run.history[-1]['test_accuracy']:.1f}%",
                                          inspect.weights_images(run.model, "hidden1").images))

    def cell(values: list[float]) -> str:
        a = 100 * np.array(values)
        return f"{a.mean():.2f} ± {a.std():.2f} ({a.min():.1f}–{a.max():.1f})"

    reported = reported_for(setups, sizes) if dataset["name"] == "mnist" else {}
    reported_columns = [f"{s} reported" for s in setups if reported.get(s)]

    def reported_cells(h: int) -> list[str]:
        return [f"{100 * reported[s][h][0]:.2f}" if h in reported[s] else "" for s in setups if reported.get(s)]

    table = Table(f"Test accuracy (%) on {dataset['test_size']} test images: mean ± sd over {seeds} seeds "
                  f"(min–max)" + ("; reported: published single runs on all 60,000 training images (sources in "
                                  "results.json)" if reported_columns else ""),
                  ["hidden neurons", *setups, *reported_columns],
                  [[h, *(cell(accuracy[s][h]) for s in setups), *reported_cells(h)] for h in sizes])
    figures = [NamedFigure("accuracy_vs_hidden", "Accuracy against hidden neurons",
                           "Mean over seeds with standard deviation; faint dots are single seeds"
                           + ("; crosses are published single runs." if reported_columns else "."),
                           plot_accuracy_vs_hidden(accuracy, {s: {h: v for h, (v, _) in r.items()}
                                                              for s, r in reported.items()}))]
    for setup in setups:
        if small_rows[setup]:
            figures.append(NamedFigure(
                f"small_networks_{setup}", f"The small {setup} networks' neurons",
                "Each row is one network (seed 0) with its test accuracy; each tile one hidden neuron's "
                "weights image (blue likes, red dislikes, each row on its own scale).",
                plot_networks_side_by_side(small_rows[setup], f"{setup}: every hidden neuron of the networks "
                                                              f"with {SMALL_NETWORK} or fewer")))
    return ExperimentReport(
        "hidden-sweep", "How many hidden neurons does it take?",
        _summary(accuracy, sizes, reported, dataset["train_size"], {s: groups[s, 0].networks[0].training.epochs
                                                                    for s in setups}), figures, [table],
        {"dataset": dataset, "sizes": sizes, "seeds": seeds, "setups": {s: SETUPS[s] for s in setups},
         "epochs": {s: groups[s, 0].networks[0].training.epochs for s in setups},
         "test_accuracy": {s: {str(h): accuracy[s][h] for h in sizes} for s in setups},
         "reported": {s: {str(h): {"test_accuracy": v, "source": source} for h, (v, source) in r.items()}
                      for s, r in reported.items()}})


def reported_for(setups, sizes) -> dict[str, dict[int, tuple[float, str]]]:
    """The published figures for the setups and sizes of this sweep."""
    return {s: {h: REPORTED[s][h] for h in sizes if h in REPORTED.get(s, {})} for s in setups if s in REPORTED}


def _summary(accuracy: dict[str, dict[int, list[float]]], sizes: list[int], reported, train_size: int,
             epochs: dict[str, int]) -> list[str]:
    lines = ["Each 784-H-10 network is trained from scratch for every hidden size H and seed; networks of one "
             "seed train together as one block-diagonal network, with exactly the updates each would get alone."]
    for setup, per_size in accuracy.items():
        means = {h: 100 * float(np.mean(per_size[h])) for h in sizes}
        best = max(means.values())
        enough = next((h for h in sizes if means[h] >= best - 5), sizes[-1])
        lines.append(f"{setup}: {means[sizes[0]]:.1f}% with {sizes[0]} hidden neuron(s), {best:.1f}% at best; "
                     f"{enough} neurons already come within 5 points of the best.")
        spreads = {h: 100 * float(np.ptp(per_size[h])) for h in sizes if len(per_size[h]) > 1}
        if spreads:
            widest = max(spreads, key=spreads.get)
            lines.append(f"{setup}: small networks depend strongly on their starting weights: with {widest} hidden "
                         f"neurons the seeds land {spreads[widest]:.1f} points apart "
                         f"({100 * min(per_size[widest]):.1f}% to {100 * max(per_size[widest]):.1f}%): a single run "
                         f"is one draw from that range.")
    for setup, figures in reported.items():
        if figures:
            outside = [h for h, (value, _) in figures.items()
                       if not min(accuracy[setup][h]) - 0.02 <= value <= max(accuracy[setup][h]) + 0.02]
            lines.append(f"{setup} against the published runs: "
                         + ", ".join(f"H={h} {100 * value:.2f}% (measured {100 * np.mean(accuracy[setup][h]):.1f}%)"
                                     for h, (value, _) in figures.items())
                         + (f"; outside the seeds' range by more than 2 points at H={', '.join(map(str, outside))}."
                            if outside else "; each within 2 points of the seeds' range.")
                         + ("" if train_size >= PUBLISHED_TRAINING[0] and epochs[setup] >= PUBLISHED_TRAINING[1] else
                            f" The published runs trained on {PUBLISHED_TRAINING[0]:,} images for "
                            f"{PUBLISHED_TRAINING[1]} epochs, this sweep on {train_size:,} for {epochs[setup]}: "
                            f"expect lower figures here."))
    return lines
