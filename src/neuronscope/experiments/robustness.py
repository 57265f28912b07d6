"""Move and zoom the test digits and watch accuracy fall: a dense network has no notion that a
digit moved two pixels is the same digit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..errors import ConfigError
from ..inspect.probes import scale_accuracy, shift_accuracy
from ..plot.experiments import plot_scale_curves, plot_shift_curves, plot_shift_heatmaps
from ..report import ExperimentReport, NamedFigure, Table
from ..runs import IMAGE_KINDS, open_run

DEFAULT_FACTORS = tuple(np.round(np.linspace(0.5, 1.5, 11), 2))
DEFAULT_TEST_SIZE = 2000  # 169 shifts of 2,000 images: under a minute for a ConvNet on two cores


def robustness_experiment(runs: list[str | Path], *, max_shift: int = 6, factors=DEFAULT_FACTORS, data_dir=None,
                          test_size: int | None = DEFAULT_TEST_SIZE, progress: bool = True) -> ExperimentReport:
    """Accuracy of each run's network (dense, ConvNet or linear) on its first ``test_size`` test
    images (None: all) shifted by -max_shift..max_shift pixels in x and y, and zoomed by each of
    ``factors``."""
    if not runs:
        raise ConfigError("name at least one run to test")
    loaded = [open_run(r, kinds=IMAGE_KINDS) for r in runs]
    names = _labels(loaded)
    factors = np.asarray(factors, dtype=np.float64)
    grids, curves = {}, {}
    images = 0
    steps = len(loaded) * ((2 * max_shift + 1) ** 2 + len(factors))
    with tqdm(total=steps, desc="shifted and zoomed test sets", unit="set", disable=not progress, leave=False) as bar:
        for name, run in zip(names, loaded):
            data = run.load_test_set(data_dir, test_size=test_size, progress=progress)
            images = len(data.test_labels)
            grids[name] = shift_accuracy(run.model, data.test_images, data.test_labels, max_shift, on_set=bar.update)
            curves[name] = scale_accuracy(run.model, data.test_images, data.test_labels, factors, on_set=bar.update)
    ends = [s for s in (-max_shift // 2, max_shift // 2, -max_shift, max_shift) if s]
    table = Table("Test accuracy (%) under shifts (dx, dy) and zooms", ["network", "original",
                  *(f"dx {s:+d}" for s in ends), *(f"zoom {f:g}" for f in (factors.min(), factors.max()))],
                  [[n, f"{100 * g[max_shift, max_shift]:.1f}", *(f"{100 * g[max_shift, max_shift + s]:.1f}" for s in ends),
                    f"{100 * curves[n][0]:.1f}", f"{100 * curves[n][-1]:.1f}"] for n, g in grids.items()])
    summary = ["A dense network sees pixels, not shapes: every pixel has its own weights, so a digit moved a "
               "few pixels lands on weights that never learned it. A ConvNet slides the same small filters over "
               "every position and pools what they find, so a moved digit still meets the filters that know it."]
    for name, grid in grids.items():
        half = next((s for s in range(1, max_shift + 1) if grid[max_shift, max_shift + s] < grid[max_shift,
                                                                                                  max_shift] / 2), None)
        summary.append(f"{name}: {100 * grid[max_shift, max_shift]:.1f}% on {images:,} original test digits, "
                       f"{100 * grid.mean():.1f}% on average over all shifts; "
                       + (f"moving them {half} pixels right halves that." if half else
                          f"still above half of that at {max_shift} pixels right."))
    figures = [NamedFigure("shift_curves", "Moved sideways, moved up or down",
                           "Accuracy against a shift along one axis, every network on the same axes: the "
                           "flatter the curve, the less the network cares where the digit sits.",
                           plot_shift_curves(grids)),
               NamedFigure("shift_accuracy", "Shifted digits", "Accuracy for every shift; the center is the "
                           "original test set.", plot_shift_heatmaps(grids)),
               NamedFigure("scale_accuracy", "Zoomed digits", "Accuracy for each zoom factor.",
                           plot_scale_curves(factors, curves))]
    return ExperimentReport("robustness", "Where does it break? Shifted and zoomed digits", summary, figures,
                            [table], {"runs": {n: str(r.path) for n, r in zip(names, loaded)}, "max_shift": max_shift,
                                      "shift_accuracy": {n: g.tolist() for n, g in grids.items()},
                                      "factors": factors.tolist(),
                                      "scale_accuracy": {n: c.tolist() for n, c in curves.items()}})


def _labels(runs) -> list[str]:
    """Short names for the networks: their architecture, then the run's name and position where needed."""
    names = [f"{'-'.join(map(str, r.model.config.layers))} {r.model.config.activation}" if r.kind == "mlp"
             else r.architecture for r in runs]
    if len(set(names)) < len(names):
        names = [f"{n} ({r.path.name})" for n, r in zip(names, runs)]
    if len(set(names)) < len(names):
        names = [f"{n} [{i}]" for i, n in enumerate(names, 1)]
    return names
