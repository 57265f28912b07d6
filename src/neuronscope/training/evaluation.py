"""Measuring networks on a fixed set of images, again after every epoch."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import torch

from ..data.tensors import as_inputs
from ..models.mlp import MLP
from .costs import loss as cost_loss

BLOCK = 10_000  # images evaluated at once
# First-layer neurons x evaluations from which a sparse copy of mostly blank images pays for its
# conversion (about the cost of four dense evaluations of a 30-neuron layer).
SPARSE_WORTH = 200
SPARSE_DENSITY = 0.5


class EvaluationSet:
    """(n, h, w) images and (n,) labels, prepared once for repeated evaluation.

    On the CPU, images that are mostly blank (MNIST digits are 80% zeros) are kept as sparse rows
    when the first layer is wide and evaluated often enough (``first_layer_width * uses``) for that
    to pay: the first layer's product then costs about half as much.
    """

    def __init__(self, images, labels, device: torch.device | str = "cpu", *, first_layer_width: int = 0,
                 uses: int = 1):
        x = as_inputs(images, device)
        self.labels = torch.as_tensor(labels, device=device)
        self.blocks = list(x.split(BLOCK))
        worth = torch.device(device).type == "cpu" and first_layer_width * uses >= SPARSE_WORTH
        if worth and len(x) and float(torch.count_nonzero(x)) <= SPARSE_DENSITY * x.numel():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch calls its sparse CSR support beta; products are exact
                self.blocks = [block.to_sparse_csr() for block in self.blocks]

    def __len__(self) -> int:
        return len(self.labels)

    @torch.no_grad()
    def scores(self, model: MLP) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(scores, labels) of ``model`` block by block."""
        first = model.layers[0]
        for block, labels in zip(self.blocks, self.labels.split(BLOCK)):
            yield model.scores_above_first_layer(torch.addmm(first.bias, block, first.weight.t())), labels


def evaluate(model: MLP, images: EvaluationSet, cost: str) -> dict[str, float]:
    """Mean cost and accuracy of ``model`` on an evaluation set."""
    total_loss, correct = 0.0, 0
    for scores, labels in images.scores(model):
        total_loss += float(cost_loss(scores, labels, cost, model.config.output)) * len(labels)
        correct += int((scores.argmax(1) == labels).sum())
    return {"loss": total_loss / max(len(images), 1), "accuracy": correct / max(len(images), 1)}
