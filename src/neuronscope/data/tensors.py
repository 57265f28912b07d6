"""The one place that turns image arrays into model inputs."""

from __future__ import annotations

import numpy as np
import torch


def as_inputs(images: np.ndarray | torch.Tensor, device: torch.device | str = "cpu") -> torch.Tensor:
    """(n, h, w) images -> (n, h*w) float32 tensor on ``device``: what dense networks read."""
    x = torch.as_tensor(images, dtype=torch.float32)
    return x.reshape(len(x), -1).to(device)


def image_tensor(images: np.ndarray, device: torch.device | str | None = None) -> torch.Tensor:
    """(n, H, W) or (n, H, W, 3) floats in [0, 1] -> (n, C, H, W) float32: what image models read."""
    x = torch.as_tensor(np.ascontiguousarray(images), dtype=torch.float32, device=device)
    return x.unsqueeze(1) if x.ndim == 3 else x.permute(0, 3, 1, 2).contiguous()
