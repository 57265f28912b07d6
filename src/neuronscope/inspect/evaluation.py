"""Predictions on a dataset: confusion matrix and the test digits the network gets wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..models.dense import DenseArrays

if TYPE_CHECKING:
    import torch
    from torch import nn


def model_inputs(model: nn.Module, images: np.ndarray, device: torch.device | str = "cpu") -> torch.Tensor:
    """Image arrays as the model reads them: flat vectors for a dense network, (n, C, H, W) for the rest."""
    from ..data.tensors import as_inputs, image_tensor
    from ..models.mlp import MLP

    return as_inputs(images, device) if isinstance(model, MLP) else image_tensor(images, device)


def predict(model: nn.Module | DenseArrays, images: np.ndarray, batch: int | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """(predicted classes (n,), confidences (n, classes)) for (n, h, w) or (n, h, w, 3) images, from
    any image classifier (a dense network's sigmoid outputs are their own confidences)."""
    if isinstance(model, DenseArrays):
        probs = model.probabilities(images)
        return probs.argmax(1), probs
    import torch

    from ..models.mlp import MLP, probabilities

    # a ConvNet's feature maps for 10,000 images fill half a gigabyte: smaller batches stay in cache
    batch = batch or (10_000 if isinstance(model, MLP) else 256)
    device = next(model.parameters()).device
    answer = (lambda x: probabilities(model, x)) if isinstance(model, MLP) else (lambda x: torch.softmax(model(x), 1))
    with torch.no_grad():
        probs = torch.cat([answer(model_inputs(model, images[i:i + batch], device))
                           for i in range(0, len(images), batch)])
    probs = probs.cpu().numpy()
    return probs.argmax(1), probs


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """(classes, classes) counts; row = true class, column = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


@dataclass(frozen=True)
class Mistakes:
    """Misclassified images, most confident mistakes first."""

    indices: np.ndarray  # positions in the evaluated set
    images: np.ndarray  # (n, h, w)
    labels: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray  # the network's confidence in its (wrong) prediction
    total: int  # how many mistakes there were before ``limit``


def misclassified(model: nn.Module | DenseArrays, images: np.ndarray, labels: np.ndarray,
                  limit: int | None = 40) -> Mistakes:
    predicted, probs = predict(model, images)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probs[wrong, predicted[wrong]]
    order = wrong[np.argsort(-confidence, kind="stable")][:limit]
    return Mistakes(order, images[order], labels[order], predicted[order], probs[order, predicted[order]], len(wrong))
