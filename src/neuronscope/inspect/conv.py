"""What a convolutional network's channels respond to: its first-layer kernels, the feature maps of
its layers for one input, and the dataset images that excite a channel most. Layers are read with
hooks, so any ``nn.Module`` with ``nn.Conv2d`` layers works."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..errors import ConfigError
from .hooks import LayerRecorder


def conv_layers(model: nn.Module) -> list[str]:
    """The names of the model's ``nn.Conv2d`` layers, input side first."""
    names = [name for name, module in model.named_modules() if isinstance(module, nn.Conv2d)]
    if not names:
        raise ConfigError("the model has no convolutional (nn.Conv2d) layers")
    return names


def first_layer_kernels(model: nn.Module) -> np.ndarray:
    """The first conv layer's kernels, (channels out, channels in, k, k)."""
    return dict(model.named_modules())[conv_layers(model)[0]].weight.detach().cpu().numpy()


def feature_map_layers(model: nn.Module) -> list[str]:
    """The layers whose outputs are shown as feature maps: the model's own after-ReLU names when it
    names them (``activations``), else every conv layer."""
    names = list(getattr(getattr(model, "config", None), "layer_names", []))
    conv = [n for n in names if n.startswith("conv")]
    return conv or conv_layers(model)


def feature_maps(model: nn.Module, image: torch.Tensor, layers: list[str] | None = None) -> dict[str, np.ndarray]:
    """Each layer's output for one image (C, H, W): {layer: (channels, h, w)} (dense layers: (neurons,))."""
    if image.ndim != 3:
        raise ConfigError(f"feature maps are for one image (channels, height, width), got {tuple(image.shape)}")
    device = next(model.parameters()).device
    batch = image[None].to(device)
    with torch.no_grad():
        if layers is None and callable(getattr(model, "activations", None)):
            outputs = model.activations(batch)
            return {name: outputs[name][0].cpu().numpy() for name in feature_map_layers(model)}
        layers = layers or conv_layers(model)
        with LayerRecorder(model, layers) as recorder:
            model(batch)
    return {name: recorder.output(name)[0].cpu().numpy() for name in layers}


@dataclass(frozen=True)
class TopExamples:
    """For each channel of ``layer``: the ``k`` dataset images with its largest activation anywhere.

    indices, values (channels, k); positions (channels, k, 2): where in the input (row, column) that
    largest activation sits, the center of the patch the channel saw."""

    layer: str
    indices: np.ndarray
    values: np.ndarray
    positions: np.ndarray


def top_activating(model: nn.Module, images: torch.Tensor, layer: str, *, k: int = 8,
                   batch: int = 500) -> TopExamples:
    """Search ``images`` (n, C, H, W) for the ones that excite each channel of ``layer`` most."""
    if images.ndim != 4 or len(images) < 1:
        raise ConfigError(f"images must be a batch (n, channels, height, width), got {tuple(images.shape)}")
    if not 1 <= k <= len(images):
        raise ConfigError(f"k must be 1..{len(images)} (the number of images), got {k}")
    device = next(model.parameters()).device
    peaks, where = [], []
    with torch.no_grad(), LayerRecorder(model, [layer]) as recorder:
        for start in range(0, len(images), batch):
            model(images[start:start + batch].to(device))
            output = recorder.output(layer)
            if output.ndim == 2:  # a dense layer: each neuron is one value
                output = output[..., None, None]
            flat = output.flatten(2)
            value, position = flat.max(2)
            peaks.append(value.cpu())
            width = output.shape[-1]
            scale = (images.shape[-2] / output.shape[-2], images.shape[-1] / output.shape[-1])
            rows = ((position // width).float() + 0.5) * scale[0]
            cols = ((position % width).float() + 0.5) * scale[1]
            where.append(torch.stack([rows, cols], -1).cpu())
    peaks, where = torch.cat(peaks).T, torch.cat(where).transpose(0, 1)  # (channels, n), (channels, n, 2)
    values, indices = peaks.topk(k, dim=1)
    positions = torch.gather(where, 1, indices[..., None].expand(-1, -1, 2))
    return TopExamples(layer, indices.numpy(), values.numpy(), positions.numpy())
