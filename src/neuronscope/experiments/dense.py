"""The standard figures of a dense network's run, recomputed from its weights and test images."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from .. import inspect, plot
from ..data import Dataset
from ..errors import CheckpointError, ConfigError
from ..files import atomic_write_json, written_after
from ..inspect.activation_map import activation_map, load_maps, save_maps
from ..inspect.timelapse import weights_history
from ..plot.activation_map import plot_activation_maps
from ..plot.timelapse import plot_timelapse, timelapse_apng
from ..report import NamedFigure
from ..runs import CONFIG, MODEL, Run
from ..runs.layout import read_json

MISTAKES_SHOWN = 40
TSNE_POINTS = 500  # t-SNE takes about a second for 500 points on two cores; PCA maps use 1,000


def run_figures(run: Run, data: Dataset | Callable[[], Dataset], k: int = 3) -> list[NamedFigure]:
    """The run's figures, each drawn on first use. ``data`` may be a function that loads the test
    set: it is then called only if a figure that needs test images is drawn."""
    test_set = cache(data) if callable(data) else (lambda: data)
    model, names = run.model, run.model.config.layer_names
    figures = []
    for layer in names[:-1] if len(names) > 1 else names:
        figures.append(NamedFigure(f"weights_{layer}", f"What each {layer} neuron looks for",
                                   f"{_weights_caption(names.index(layer) > 0)}. Blue pixels push the neuron "
                                   f"up, red pull it down.",
                                   lambda layer=layer: plot.plot_weights_images(inspect.weights_images(model, layer))))
    if len(names) > 1:
        below = names[-2]
        figures.append(NamedFigure("contributions_output", f"Which {below} neurons each class leans on",
                                   "Each panel is one class; each cell one neuron below, colored by the weight "
                                   "the class puts on it.",
                                   lambda: plot.plot_contributions(inspect.contributions(model, "output"),
                                                                   test_set().class_names, below)))
        for layer in names[1:]:
            k_layer = min(k, model.config.layers[names.index(layer)])
            figures.append(NamedFigure(f"lego_{layer}", f"Lego blocks of {layer}",
                                       f"For each {layer} neuron, the {k_layer} neurons below it with the largest "
                                       f"positive and the most negative contributions.",
                                       lambda layer=layer, k_layer=k_layer: plot.plot_lego_blocks(
                                           inspect.lego_blocks(model, layer, k=k_layer),
                                           test_set().class_names if layer == "output" else None)))
    hidden = names[:-1] or names
    figures.append(NamedFigure("activation_map", "A map of activation space",
                               f"The test images placed by PCA of each hidden layer's activations, and by t-SNE of "
                               f"{hidden[-1]}'s ({TSNE_POINTS} of them): images a layer treats alike lie close. "
                               f"Colors are the true classes; some images are drawn where they lie.",
                               lambda: _activation_maps(run, test_set(), hidden)))
    figures.append(NamedFigure("confusion", "Confusion matrix", "Rows: true class; columns: predicted class.",
                               lambda: _confusion(model, test_set())))
    figures.append(NamedFigure("mistakes", "Misclassified test images",
                               "The test images the network gets wrong with the most confidence.",
                               lambda: plot.plot_mistakes(inspect.misclassified(
                                   model, test_set().test_images, test_set().test_labels, limit=MISTAKES_SHOWN),
                                   test_set().class_names)))
    if run.history:
        figures.append(NamedFigure("training_curves", "Training curves", "Accuracy and cost after each epoch.",
                                   lambda: plot.plot_training_curves(run.history)))
    if len(run.snapshot_epochs) > 1:
        history = cache(lambda: weights_history(run))
        figures.append(NamedFigure("timelapse", f"How the {names[0]} weights images formed",
                                   "Every kept epoch, from the untrained network on: each neuron's weights image "
                                   "(each frame on its own color scale, so the pattern shows at every size).",
                                   lambda: plot_timelapse(history()), animation=lambda: timelapse_apng(history())))
    return figures


def _weights_caption(projected: bool) -> str:
    if projected:
        return "Each neuron's weights carried back to the pixels through the layers below"
    return "Each neuron's incoming weights, one tile per neuron"


def _activation_maps(run: Run, data: Dataset, layers: list[str]):
    """PCA maps of ``layers`` and a t-SNE map of the last, kept in the run (a t-SNE takes a second)."""
    wanted = [(layer, "pca", 1000) for layer in layers] + [(layers[-1], "tsne", TSNE_POINTS)]
    images, labels = data.test_images, data.test_labels

    def read(path):
        maps = load_maps(path)
        if [(m.layer, m.method, len(m.coords)) for m in maps] != [(l, m, min(p, len(images))) for l, m, p in wanted] \
                or any(m.indices.max() >= len(images) or not np.array_equal(m.labels, labels[m.indices])
                       for m in maps):
            raise ConfigError("kept maps of other settings")
        return maps

    maps = kept_in_run(run, MAPS, read, lambda: [activation_map(run.model, images, labels, layer, method=method,
                                                                points=points) for layer, method, points in wanted],
                       save_maps)
    return plot_activation_maps(maps, images, data.class_names)


def _confusion(model, data: Dataset):
    predicted, _ = inspect.predict(model, data.test_images)
    matrix = inspect.confusion_matrix(data.test_labels, predicted, data.num_classes)
    return plot.plot_confusion_matrix(matrix, data.class_names)


HEALTH = "health.json"
MAPS = "activation_maps.npz"


def health_hints(run: Run, load_data: Callable[[], Dataset]) -> list[dict]:
    """The run's health hints (``inspect.health``) as JSON objects, computed once and kept in the run as
    health.json until its weights or configuration change; ``load_data`` gives the training and test images
    and is called only when they must be computed."""
    def read(path):
        kept = read_json(path).get("hints")
        if not (isinstance(kept, list) and all(isinstance(h, dict) and isinstance(h.get("message"), str)
                                               for h in kept)):
            raise CheckpointError(f"{path}: not a list of hints")
        return kept

    def compute():
        from ..inspect.health import run_hints

        return [hint.to_json() for hint in run_hints(run.in_pytorch(), load_data())]

    return kept_in_run(run, HEALTH, read, compute, lambda path, hints: atomic_write_json(path, {"hints": hints}))


def kept_in_run(run: Run, name: str, read: Callable, compute: Callable, write: Callable):
    """A result computed from the run's network, kept in ``RUN/name`` until its weights or configuration
    change: ``read(path)`` it when it is newer than both (a damaged copy raises and is computed again),
    else ``compute()`` and ``write(path, result)`` it (a read-only run folder computes it every time)."""
    path = run.path / name
    if path.is_file() and written_after(path, [run.path / MODEL, run.path / CONFIG]):
        try:
            return read(path)
        except (CheckpointError, ConfigError, OSError, ValueError, KeyError):
            pass
    result = compute()
    try:
        write(path, result)
    except OSError:
        pass
    return result
