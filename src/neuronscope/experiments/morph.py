"""Slide one test digit into another and find where the network changes its mind, and which of
its neurons carry the change."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..inspect import predict
from ..inspect.probes import morph_path
from ..plot.experiments import plot_morph
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import IMAGE_KINDS, open_run


def pick_example(images: np.ndarray, labels: np.ndarray, predicted: np.ndarray, label: int) -> int:
    """Index of the first test image of class ``label`` that the network gets right (else the first of it)."""
    of_class = np.flatnonzero(labels == label)
    if not len(of_class):
        raise ConfigError(f"no test image of class {label}")
    right = of_class[predicted[of_class] == label]
    return int(right[0] if len(right) else of_class[0])


def morph_experiment(run: str | Path, *, source: int = 3, target: int = 8, steps: int = 41,
                     index_a: int | None = None, index_b: int | None = None, data_dir=None,
                     progress: bool = True) -> ExperimentReport:
    """Interpolate from a test image of class ``source`` to one of class ``target`` (or the test
    images ``index_a`` and ``index_b``) in ``steps`` steps."""
    trained = open_run(run, kinds=IMAGE_KINDS)
    data = trained.load_test_set(data_dir, progress=progress)
    names = data.class_names
    for label in (source, target):
        if not 0 <= label < len(names):
            raise ConfigError(f"classes are 0..{len(names) - 1}, got {label}")
    for index in (index_a, index_b):
        if index is not None and not 0 <= index < len(data.test_labels):
            raise ConfigError(f"test image index must be in 0..{len(data.test_labels) - 1}, got {index}")
    predicted, _ = predict(trained.model, data.test_images)
    a = index_a if index_a is not None else pick_example(data.test_images, data.test_labels, predicted, source)
    b = index_b if index_b is not None else pick_example(data.test_images, data.test_labels, predicted, target)
    path = morph_path(trained.model, data.test_images[a], data.test_images[b], steps=steps)
    start, end = names[path.predicted[0]], names[path.predicted[-1]]
    flips = [(float(path.t[i - 1]), float(path.t[i]), names[path.predicted[i - 1]], names[path.predicted[i]])
             for i in path.flips]
    summary = [f"Test image {a} (a {names[data.test_labels[a]]}) fades into test image {b} "
               f"(a {names[data.test_labels[b]]}) in {steps} steps: image(t) = (1 - t) · first + t · second."]
    if flips:
        summary.append(f"The answer goes from “{start}” to “{end}” through {len(flips)} flip(s); the first between "
                       f"t = {flips[0][0]:.3f} and {flips[0][1]:.3f}. The {path.layer} neurons that change most "
                       f"across it: " + ", ".join(f"#{n} ({c:+.2f})" for n, c in zip(path.changing, path.change))
                       + ".")
    else:
        summary.append(f"The answer stays “{start}” all the way.")
    table = Table("Where the answer flips", ["between t", "and t", "from", "to"],
                  [[f"{f[0]:.3f}", f"{f[1]:.3f}", f[2], f[3]] for f in flips])
    figure = NamedFigure("morph", f"From {names[data.test_labels[a]]} to {names[data.test_labels[b]]}",
                         "Top: frames along the path with the network's answer. Middle: its confidence in each "
                         "class it gives. Bottom: the neurons that change most across the first flip.",
                         plot_morph(path, names))
    return ExperimentReport("morph", f"Morphing a {names[data.test_labels[a]]} into a {names[data.test_labels[b]]}",
                            summary, [figure], [table] if flips else [], {
                                "run": str(trained.path), "index_a": a, "index_b": b, "steps": steps,
                                "t": path.t.tolist(), "predicted": path.predicted.tolist(),
                                "probabilities": path.probabilities.tolist(),
                                "flips": [{"t_before": f[0], "t_after": f[1], "from": f[2], "to": f[3]}
                                          for f in flips],
                                "layer": path.layer, "changing_neurons": path.changing.tolist(),
                                "change": path.change.tolist()})
