"""What went wrong in training, named with the neurons responsible: a class the network never answers
(and the output neuron that keeps it silent), hidden ReLUs that never fire, sigmoids stuck at 0 or 1,
and pixels no training image inks, whose weights never moved from where they started."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..data.tensors import as_inputs
from ..models.mlp import MLP

DEAD_SHARE = 0.05  # at least this share of a layer's neurons dead or stuck before it is worth a hint
STUCK = 0.99  # a sigmoid neuron is stuck when it sits within 0.01 of 0 or 1 on this share of images
SAMPLE = 10_000


@dataclass(frozen=True)
class Hint:
    """One finding: ``kind`` (never-predicted, dead-relu, stuck-sigmoid, unused-pixels), a one-paragraph
    ``message`` with what to try, and the ``layer`` and ``neurons`` (indices; pixels for unused-pixels)
    it points at."""

    kind: str
    message: str
    layer: str
    neurons: tuple[int, ...]

    def to_json(self) -> dict:
        return {"kind": self.kind, "message": self.message, "layer": self.layer, "neurons": list(self.neurons)}


def _listed(indices, limit: int = 12) -> str:
    shown = ", ".join(f"#{i}" for i in indices[:limit])
    return shown + (f" and {len(indices) - limit} more" if len(indices) > limit else "")


@torch.no_grad()
def model_hints(model: MLP, test_images: np.ndarray, class_names, train_images: np.ndarray | None = None,
                 initial: MLP | None = None) -> list[Hint]:
    """The hints for a dense network from its test images (and, for unused pixels, its training images and
    the network as it was before training, ``initial``)."""
    device = next(model.parameters()).device
    x = as_inputs(test_images[:SAMPLE], device)
    activations = model.activations(x)
    hints = []
    names = model.config.layer_names
    scores = model(x)
    predicted = scores.argmax(1).cpu().numpy()
    never = [c for c in range(len(class_names)) if not (predicted == c).any()]
    if never:
        output = activations["output"].cpu().numpy()
        details = []
        for c in never:
            sums = scores[:, c].cpu().numpy()
            details.append(f"output neuron #{c} ({class_names[c]}) is at most {output[:, c].max():.3g} on every test "
                           f"image (its weighted sum stays between {sums.min():.1f} and {sums.max():.1f})")
        missing = ", ".join(str(class_names[c]) for c in never)
        hints.append(Hint("never-predicted", f"The network never answers {missing}: " + "; ".join(details)
                          + ". An output neuron saturated early gets almost no gradient and never recovers: train "
                          "from another --seed, or use --init scaled or --loss cross-entropy.", "output", tuple(never)))
    for layer in names[:-1]:
        values = activations[layer].cpu().numpy()
        if model.config.activation == "relu":
            dead = np.flatnonzero((values <= 0).all(0))
            if len(dead) >= max(1, DEAD_SHARE * values.shape[1]):
                hints.append(Hint("dead-relu", f"{len(dead)} of {values.shape[1]} neurons never fire on the "
                                  f"test images ({_listed(dead)}): dead ReLUs pass no gradient, so they stay dead. A "
                                  f"smaller learning rate or less L2 keeps more alive.", layer, tuple(dead.tolist())))
        elif model.config.activation == "sigmoid":
            stuck = np.flatnonzero(((values < 0.01) | (values > 0.99)).mean(0) >= STUCK)
            if len(stuck) >= max(1, DEAD_SHARE * values.shape[1]):
                hints.append(Hint("stuck-sigmoid", f"{len(stuck)} of {values.shape[1]} neurons sit at 0 or 1 "
                                  f"on almost every test image ({_listed(stuck)}): saturated sigmoids barely learn. "
                                  f"Try --init scaled.", layer, tuple(stuck.tolist())))
    if train_images is not None and initial is not None:
        hints.extend(_unused_pixels(model, train_images, initial))
    return hints


def _unused_pixels(model: MLP, train_images: np.ndarray, initial: MLP) -> list[Hint]:
    blank = np.flatnonzero(train_images.reshape(len(train_images), -1).max(0) <= 0)
    if not len(blank):
        return []
    now = model.layers[0].weight.detach().cpu()[:, blank]
    before = initial.layers[0].weight.detach().cpu()[:, blank]
    if not torch.allclose(now, before, atol=1e-6):
        return []  # L2 has pulled them toward 0: they did change
    return [Hint("unused-pixels", f"{len(blank)} of {train_images[0].size} pixels are blank in every training image "
                 f"(mostly the border), so their first-layer weights never changed from their random start: the "
                 f"speckle around each weights image is that start, not something learned. L2 (--l2) would fade it.",
                 "hidden1" if len(model.config.layers) > 2 else "output", tuple(blank.tolist()))]


def run_hints(run, data) -> list[Hint]:
    """The hints for a dense network's run, with ``data`` the dataset it was trained on; the network before
    training is drawn again from the run's recorded init and seed."""
    initial = None
    if run.training is not None:
        initial = MLP(run.model.config).reset_parameters(run.training.init, run.training.seed)
    train = data.train_images if len(data.train_images) else None
    return model_hints(run.model, data.test_images, data.class_names, train, initial)
