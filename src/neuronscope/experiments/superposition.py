"""The toy model of superposition at several sparsities: features going from ignored, to one per
dimension, to packed several to a dimension as they become rarer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tqdm.auto import tqdm

from ..inspect.toy_superposition import ToyConfig, ToyModel, train_toy_model
from ..report import ExperimentReport, NamedFigure, Table

SPARSITIES = (0.0, 0.7, 0.9, 0.97, 0.99, 0.997)


def superposition_experiment(config: ToyConfig = ToyConfig(), sparsities: Sequence[float] = SPARSITIES, *,
                             progress: bool = True) -> ExperimentReport:
    """Train the toy model at each sparsity and show how its features share its dimensions."""
    from ..plot.features import plot_toy_geometry

    models: list[ToyModel] = [train_toy_model(replace(config, sparsity=float(s)))
                              for s in tqdm(sparsities, desc="toy models", unit="model", disable=not progress,
                                            leave=False)]
    n, m = config.features, config.dimensions
    dense, sparse = models[0], models[-1]
    summary = [
        f"{n} features, each zero with probability S and otherwise uniform in [0, 1], feature i weighing "
        f"{config.importance_decay:g}^i in the loss, squeezed through {m} dimensions and read back through a "
        f"ReLU (Elhage et al., Toy Models of Superposition, 2022).",
        f"Dense (S = {dense.config.sparsity:g}): {dense.represented} features represented, about one per "
        f"dimension. Sparse (S = {sparse.config.sparsity:g}): {sparse.represented} features share the {m} "
        f"dimensions, {sparse.dimensions_per_feature:.2f} dimensions per feature: rare features seldom fire "
        f"together, so the ReLU can filter out the interference of sharing.",
    ]
    table = Table("Each sparsity", ["sparsity", "features represented", "dimensions per feature", "loss"],
                  [[f"{model.config.sparsity:g}", model.represented, f"{model.dimensions_per_feature:.2f}",
                    f"{model.loss:.5f}"] for model in models])
    figure = NamedFigure("toy_superposition", "Features entering superposition",
                         "Top: W^T W (blue positive, red negative): a clean diagonal is one dimension per "
                         "feature, off-diagonal entries are features sharing. Bottom: the features' directions "
                         + ("in the two dimensions." if m == 2 else "'s lengths, colored by how much they share."),
                         lambda: plot_toy_geometry(models))
    return ExperimentReport("superposition", "The toy model of superposition", summary, [figure], [table],
                            {"config": config.to_json(), "models": [model.to_json() for model in models]})
