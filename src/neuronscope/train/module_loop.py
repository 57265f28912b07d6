"""Training any image classifier ``nn.Module`` with autograd: Adam, shuffled batches, cross-entropy
(softmax) or the multiclass hinge loss (SVM), optional L2 on the weights.

The dense networks have their own hand-tuned step (``train.backprop``); this loop is the plain one
for ConvNets, linear classifiers and models users bring."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ..data import Dataset
from ..configs import config_from_json, config_to_json
from ..errors import ConfigError, TrainingDiverged

LOSSES = {"cross-entropy": nn.functional.cross_entropy, "hinge": nn.functional.multi_margin_loss}


@dataclass(frozen=True)
class ModuleTrainConfig:
    epochs: int = 3
    lr: float = 2e-3
    batch_size: int = 64
    seed: int = 0
    loss: str = "cross-entropy"
    l2: float = 0.0  # Adam's weight decay: adds l2 * w to every weight's gradient

    def __post_init__(self):
        if not (1 <= self.epochs <= 1000 and 1 <= self.batch_size <= 65536):
            raise ConfigError(f"epochs must be 1..1000 and batch size 1..65536, got {self.epochs}, {self.batch_size}")
        if not (math.isfinite(self.lr) and 0 < self.lr <= 1):
            raise ConfigError(f"lr must be in (0, 1], got {self.lr}")
        if not (math.isfinite(self.l2) and 0 <= self.l2 <= 10):
            raise ConfigError(f"l2 must be in [0, 10], got {self.l2}")
        if self.loss not in LOSSES:
            raise ConfigError(f"unknown loss {self.loss!r}; choose one of {', '.join(LOSSES)}")

    def to_json(self) -> dict:
        return config_to_json(self)

    @classmethod
    def from_json(cls, data: dict) -> ModuleTrainConfig:
        return config_from_json(cls, data, "training")


def image_tensor(images: np.ndarray, device=None) -> torch.Tensor:
    """(n, H, W) or (n, H, W, 3) floats in [0, 1] -> (n, C, H, W) float32."""
    x = torch.as_tensor(np.ascontiguousarray(images), dtype=torch.float32, device=device)
    return x.unsqueeze(1) if x.ndim == 3 else x.permute(0, 3, 1, 2).contiguous()


@torch.inference_mode()
def accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, batch: int = 1000) -> float:
    model.eval()
    device = next(model.parameters()).device
    correct = 0
    for start in range(0, len(labels), batch):
        scores = model(image_tensor(images[start:start + batch], device))
        correct += int((scores.argmax(1).cpu().numpy() == labels[start:start + batch]).sum())
    return correct / len(labels)


def train_module(model: nn.Module, data: Dataset, training: ModuleTrainConfig = ModuleTrainConfig(), *,
                 on_epoch: Callable[[dict], None] | None = None, progress: bool = True) -> list[dict]:
    """Train in place; returns one {epoch, train_loss, test_accuracy, seconds} per epoch, each also given
    to ``on_epoch`` as soon as it is done."""
    device = next(model.parameters()).device
    x = image_tensor(data.train_images, device)
    y = torch.as_tensor(data.train_labels, device=device)
    generator = torch.Generator().manual_seed(training.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=training.lr, weight_decay=training.l2)
    loss_of = LOSSES[training.loss]
    history = []
    for epoch in range(1, training.epochs + 1):
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
        if on_epoch:
            on_epoch(metrics)
    model.eval()
    return history
