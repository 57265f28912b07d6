"""Training any image classifier ``nn.Module`` with autograd: Adam, cross-entropy, shuffled batches.

The dense networks have their own hand-tuned step (``train.backprop``); this loop is the plain one
for ConvNets and models users bring."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from ..data import Dataset
from ..errors import ConfigError, TrainingDiverged


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


def train_module(model: nn.Module, data: Dataset, *, epochs: int = 3, lr: float = 1e-3, batch: int = 64,
                 seed: int = 0, progress: bool = True) -> list[dict]:
    """Train in place; returns one {epoch, train_loss, test_accuracy} per epoch."""
    if not (1 <= epochs <= 1000 and 1 <= batch <= 65536 and math.isfinite(lr) and 0 < lr <= 1):
        raise ConfigError(f"epochs 1..1000, batch 1..65536 and lr in (0, 1] are needed; got {epochs}, {batch}, {lr}")
    device = next(model.parameters()).device
    x = image_tensor(data.train_images, device)
    y = torch.as_tensor(data.train_labels, device=device)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(y), generator=generator).to(device)
        losses = []
        for start in tqdm(range(0, len(y), batch), disable=not progress, desc=f"epoch {epoch}/{epochs}", leave=False):
            index = order[start:start + batch]
            loss = nn.functional.cross_entropy(model(x[index]), y[index])
            if not torch.isfinite(loss):
                raise TrainingDiverged(f"the loss became {float(loss)} in epoch {epoch}; try a lower lr")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history.append({"epoch": epoch, "train_loss": float(np.mean(losses)),
                        "test_accuracy": accuracy(model, data.test_images, data.test_labels)})
    model.eval()
    return history
