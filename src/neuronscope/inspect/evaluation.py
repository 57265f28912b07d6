"""Predictions on a dataset: confusion matrix and the test digits the network gets wrong."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data.tensors import as_inputs
from ..models.mlp import MLP, probabilities


@torch.no_grad()
def predict(model: MLP, images: np.ndarray, batch: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """(predicted classes (n,), confidences (n, classes)) for (n, h, w) images."""
    device = next(model.parameters()).device
    x = as_inputs(images, device)
    probs = torch.cat([probabilities(model, x[i:i + batch]) for i in range(0, len(x), batch)])
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


def misclassified(model: MLP, images: np.ndarray, labels: np.ndarray, limit: int | None = 40) -> Mistakes:
    predicted, probs = predict(model, images)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probs[wrong, predicted[wrong]]
    order = wrong[np.argsort(-confidence, kind="stable")][:limit]
    return Mistakes(order, images[order], labels[order], predicted[order], probs[order, predicted[order]], len(wrong))
