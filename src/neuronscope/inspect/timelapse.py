"""How a network's weights images formed, epoch by epoch, from the snapshots a run kept."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from .weights import weights_images


@dataclass(frozen=True)
class WeightsHistory:
    """One layer's weights images after every kept epoch (epoch 0: before training)."""

    layer: str
    epochs: list[int]
    images: np.ndarray  # (epochs, neurons, h, w)
    test_accuracy: list[float | None]  # after each epoch; None where the run did not record it
    projected: bool  # images of layers above the first are carried back to the pixels


def weights_history(run, layer: str | None = None) -> WeightsHistory:
    """The weights images of ``layer`` (default: the first) in every snapshot of a dense ``run``."""
    epochs = run.snapshot_epochs
    if len(epochs) < 2:
        raise ConfigError(f"{run.path} kept no snapshots of its weights; train it with --snapshots to replay "
                          f"how they formed")
    layer = layer or run.model.config.layer_names[0]
    frames = [weights_images(run.snapshot(epoch), layer) for epoch in epochs]
    return WeightsHistory(layer, epochs, np.stack([f.images for f in frames]), run.snapshot_accuracy(),
                          frames[0].projected)
