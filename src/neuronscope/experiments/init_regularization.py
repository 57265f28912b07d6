"""The same network trained twice: N(0, 1) initialization without regularization, and
N(0, 1)/sqrt(fan_in) initialization with L2. Same accuracy or not, their neurons look different:
the first keeps the noise it started with, most plainly in the pixels no digit ever inks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import inspect
from ..inspect.matching import match_neurons, roughness
from ..plot.experiments import plot_accuracy_curves, plot_matched_pairs
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import DENSE_KINDS, open_run
from ..training.config import build_configs
from .training import DataSpec, Network, TrainingGroup, train_networks

NAMES = ("unregularized", "regularized")


def init_vs_regularization(out: str | Path, *, hidden: int = 30, epochs: int = 30, lr: float = 0.5, l2: float = 5.0,
                           seed: int = 0, data: DataSpec = DataSpec(), workers: int | None = None,
                           ray_address: str | None = None, progress: bool = True) -> ExperimentReport:
    """784-hidden-10 sigmoid networks with the cross-entropy cost (as in chapter 3 of Nielsen's
    book), SGD with batch 10: ``normal`` init and no L2 against ``scaled`` init and L2 ``l2``."""
    out = Path(out)
    loaded = data.load(progress)
    dataset = loaded.summary()
    groups = []
    for name, init, strength in ((NAMES[0], "normal", 0.0), (NAMES[1], "scaled", l2)):
        model, training = build_configs(
            input_size=loaded.input_size, num_classes=loaded.num_classes, image_shape=loaded.image_shape,
            preset="nielsen", layers=[loaded.input_size, hidden, loaded.num_classes], loss="cross-entropy",
            output="sigmoid", init=init, l2=strength, lr=lr, epochs=epochs, seed=seed)
        groups.append(TrainingGroup(data, (Network(str(out / "runs" / name), model, training),)))
    train_networks(groups, dataset, workers=workers, ray_address=ray_address, progress=progress)

    runs = [open_run(g.networks[0].path, kinds=DENSE_KINDS) for g in groups]
    images = [inspect.weights_images(r.model, "hidden1").images for r in runs]
    matching = match_neurons(images[0], images[1], seed=seed)
    rough = [roughness(i) for i in images]
    never_inked = loaded.train_images.max(0) == 0
    dead_weight = [float(np.abs(i[:, never_inked]).mean()) if never_inked.any() else 0.0 for i in images]
    inked_weight = [float(np.abs(i[:, ~never_inked]).mean()) for i in images]
    finals = [r.history[-1] for r in runs]

    table = Table("The two runs", ["", *NAMES], [
        ["test accuracy (%)", *(f"{100 * f['test_accuracy']:.2f}" for f in finals)],
        ["train accuracy (%)", *(f"{100 * f['train_accuracy']:.2f}" for f in finals)],
        ["roughness of weights images (median; lower is smoother)", *(f"{np.median(r):.3f}" for r in rough)],
        [f"mean |weight| on the {int(never_inked.sum())} pixels no training image inks",
         *(f"{w:.3f}" for w in dead_weight)],
        ["mean |weight| on the other pixels", *(f"{w:.3f}" for w in inked_weight)],
    ])
    pairs = Table("Matching the neurons of the two runs (optimal assignment on |correlation| of weights images)",
                  ["", "value"], [
                      ["mean |correlation| of matched pairs", f"{np.abs(matching.correlation).mean():.3f}"],
                      ["mean |correlation| of random pairs", f"{matching.random_correlation:.3f}"],
                      ["best matched pair", f"{np.abs(matching.correlation).max():.3f}"]])
    figures = [
        NamedFigure("accuracy_curves", "Accuracy per epoch", "Solid: test set; dashed: training set.",
                    plot_accuracy_curves(dict(zip(NAMES, [r.history for r in runs])))),
        NamedFigure("matched_neurons", "Matched neurons side by side",
                    "Each column pairs a neuron of the unregularized run (upper) with its partner in the "
                    "regularized run (lower), best match first; each tile on its own color scale.",
                    plot_matched_pairs(images[0], images[1], matching, NAMES, (rough[0], rough[1]))),
    ]
    summary = [
        f"Two 784-{hidden}-10 sigmoid networks, cross-entropy cost, SGD lr {lr}, batch 10, {epochs} epochs, "
        f"seed {seed}: one starts from N(0, 1) weights with no regularization, the other from N(0, 1)/sqrt(784) "
        f"with L2 (lambda {l2}).",
        f"Test accuracy {100 * finals[0]['test_accuracy']:.2f}% against {100 * finals[1]['test_accuracy']:.2f}%. "
        f"The unregularized neurons are rougher (median roughness {np.median(rough[0]):.2f} against "
        f"{np.median(rough[1]):.2f}): pixels that no training digit inks never receive a gradient, so without "
        f"weight decay they keep their random starting weights (mean |weight| there {dead_weight[0]:.2f} "
        f"against {dead_weight[1]:.2f}).",
    ]
    return ExperimentReport("init-vs-regularization", "Initialization and regularization: what changes inside",
                            summary, figures, [table, pairs], {
                                "dataset": dataset, "hidden": hidden, "epochs": epochs, "lr": lr, "l2": l2,
                                "seed": seed,
                                "runs": {n: {"test_accuracy": f["test_accuracy"], "history": r.history,
                                             "roughness": rr.tolist(), "never_inked_mean_abs_weight": d}
                                         for n, f, r, rr, d in zip(NAMES, finals, runs, rough, dead_weight)},
                                "matching": {"partner": matching.partner.tolist(),
                                             "correlation": matching.correlation.tolist(),
                                             "random_pair_mean_abs_correlation": matching.random_correlation}})
