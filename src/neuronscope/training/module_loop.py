"""Training any image classifier ``nn.Module`` with autograd: Adam, shuffled batches, cross-entropy
(softmax) or the multiclass hinge loss (SVM), optional L2 on the weights.

The dense networks have their own hand-tuned step (``train.backprop``); this loop is the plain one
for ConvNets, linear classifiers and models users bring."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ..configs import BATCH_SIZE, EPOCHS, L2, LEARNING_RATE, SEED, OneOf, Settings
from ..data import Dataset
from ..data.tensors import image_tensor
from ..errors import ConfigError, TrainingDiverged
from ..models.init import reset_parameters
from .state import TrainingState, flat_optimizer_state, restore_optimizer

LOSSES = {"cross-entropy": nn.functional.cross_entropy, "hinge": nn.functional.multi_margin_loss}
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


@dataclass(frozen=True)
class ModuleTrainConfig(Settings):
    """How to train an image model with autograd: ``optimizer`` Adam or plain SGD with ``lr``, ``l2`` as
    weight decay (adds l2 * w to every weight's gradient: with SGD exactly an L2 penalty of l2/2 * |w|^2;
    Adam rescales it per weight), ``loss`` cross-entropy (softmax) or hinge (SVM)."""

    epochs: int = 3
    lr: float = 2e-3
    batch_size: int = 64
    seed: int = 0
    loss: str = "cross-entropy"
    l2: float = 0.0
    optimizer: str = "adam"

    constraints = {"epochs": EPOCHS, "lr": LEARNING_RATE, "batch_size": BATCH_SIZE, "seed": SEED,
                   "loss": OneOf(*LOSSES), "l2": L2, "optimizer": OneOf(*OPTIMIZERS)}
    what = "training"


@torch.inference_mode()
def accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, batch: int = 1000) -> float:
    model.eval()
    device = next(model.parameters()).device
    correct = 0
    for start in range(0, len(labels), batch):
        scores = model(image_tensor(images[start:start + batch], device))
        correct += int((scores.argmax(1).cpu().numpy() == labels[start:start + batch]).sum())
    return correct / len(labels)


def check_fits(model: nn.Module, data: Dataset, training: ModuleTrainConfig | None = None) -> None:
    """Refuse a dataset whose images or classes the model does not take."""
    config = getattr(model, "config", None)
    if config is None:
        return
    channels, *size = data.tensor_shape
    if tuple(size) != tuple(config.image_shape) or channels != config.in_channels:
        raise ConfigError(f"the model takes {config.in_channels}-channel {list(config.image_shape)} images, "
                          f"{data.name} has {channels}-channel {size}")
    if data.num_classes != config.classes:
        raise ConfigError(f"the model has {config.classes} classes, {data.name} {data.num_classes}")


def train_module(model: nn.Module, data: Dataset, training: ModuleTrainConfig = ModuleTrainConfig(), *,
                 state: TrainingState | None = None,
                 on_checkpoint: Callable[[dict, TrainingState], None] | None = None,
                 progress: bool = True) -> list[dict]:
    """Train in place for the epochs after ``state.epoch`` up to ``training.epochs``; without a ``state``,
    from weights drawn with ``training.seed``. Returns one {epoch, train_loss, test_accuracy, seconds}
    per epoch, each also given to ``on_checkpoint`` with the state to continue from."""
    check_fits(model, data, training)
    if state is None:
        reset_parameters(model, training.seed)
        if callable(getattr(model, "prepare", None)):  # what a model learns from the data before training
            model.prepare(data)
        state = TrainingState()
    device = next(model.parameters()).device
    x = image_tensor(data.train_images, device)
    y = torch.as_tensor(data.train_labels, device=device)
    generator = torch.Generator().manual_seed(training.seed)
    if state.rng is not None:
        generator.set_state(state.rng)
    optimizer = OPTIMIZERS[training.optimizer](model.parameters(), lr=training.lr, weight_decay=training.l2)
    if state.optimizer:
        restore_optimizer(optimizer, state.optimizer)
    loss_of = LOSSES[training.loss]
    history = []
    try:
        for epoch in range(state.epoch + 1, training.epochs + 1):
            model.train()
            started = time.perf_counter()
            order = torch.randperm(len(y), generator=generator).to(device)
            losses = []
            batches = tqdm(range(0, len(y), training.batch_size), disable=not progress, leave=False,
                           desc=f"epoch {epoch}/{training.epochs}", unit="batch")
            for start in batches:
                index = order[start:start + training.batch_size]
                loss = loss_of(model(x[index]), y[index])
                if not torch.isfinite(loss):
                    raise TrainingDiverged(f"the loss became {float(loss)} in epoch {epoch}; try a lower lr")
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            metrics = {"epoch": epoch, "train_loss": float(np.mean(losses)),
                       "test_accuracy": accuracy(model, data.test_images, data.test_labels),
                       "seconds": time.perf_counter() - started}
            history.append(metrics)
            if on_checkpoint:
                on_checkpoint(metrics, TrainingState(epoch, flat_optimizer_state(optimizer), generator.get_state()))
    finally:
        model.eval()
    return history
