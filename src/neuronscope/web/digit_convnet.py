"""What the digit lab needs from a grayscale ConvNet: its weights for the page to evaluate, the
feature maps and scores of one image, and one channel's or neuron's weights as a picture with the
units it feeds most."""

from __future__ import annotations

import math

import numpy as np
import torch

from ..errors import ConfigError
from ..models.convnet import ConvNet
from ..plot import palette


def _flat(tensor: torch.Tensor) -> list[float]:
    return tensor.detach().reshape(-1).tolist()


def map_shapes(model: ConvNet) -> dict[str, list[int]]:
    """Each conv layer's feature-map size: the image's, then halved by the pooling before conv2."""
    h, w = model.config.image_shape
    return {"conv1": [h, w], "conv2": [h // 2, w // 2]}


def unit_counts(model: ConvNet) -> list[int]:
    """Pixels, then channels of each conv layer, then neurons of each dense layer."""
    config = model.config
    return [math.prod(config.image_shape), *config.channels, config.dense, config.classes]


def weights(model: ConvNet) -> dict:
    """The network as the page's forward pass reads it: convolutions (each (out, in, k, k) flattened,
    padded to keep the size, ReLU, then 2x2 max pooling) and the dense layers above."""
    return {"activation": "relu", "output": "softmax", "image_shape": list(model.config.image_shape),
            "convolutions": [{"weight": _flat(conv.weight), "bias": _flat(conv.bias), "inputs": conv.in_channels,
                              "outputs": conv.out_channels, "kernel": conv.kernel_size[0]}
                             for conv in (model.conv1, model.conv2)],
            "layers": [{"weight": _flat(layer.weight), "bias": _flat(layer.bias), "inputs": layer.in_features,
                        "outputs": layer.out_features} for layer in (model.fc1, model.output)]}


@torch.inference_mode()
def evaluate(model: ConvNet, image: np.ndarray) -> tuple[dict[str, list[float]], torch.Tensor]:
    """Every layer's activations for one (h, w) image (feature maps flattened channel by channel,
    the output as probabilities, as for dense networks) and the class probabilities."""
    x = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None]
    activations = model.activations(x)
    probabilities = torch.softmax(activations["output"], dim=1)[0]
    activations["output"] = probabilities[None]
    return {name: _flat(values[0]) for name, values in activations.items()}, probabilities


def _grid(images: np.ndarray) -> np.ndarray:
    """(n, h, w) tiled into a near-square grid with one-pixel gaps of zero (no color)."""
    n, h, w = images.shape
    columns = math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    out = np.zeros((rows * (h + 1) - 1, columns * (w + 1) - 1), dtype=np.float32)
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        out[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = image
    return out


def _unit_weights(model: ConvNet, layer: str) -> tuple[np.ndarray, str]:
    """(units, h, w) pictures of what each unit of ``layer`` reads, and what that input is."""
    config = model.config
    c2 = config.channels[1]
    pooled = [s // 4 for s in config.image_shape]
    if layer == "conv1":
        return model.conv1.weight.detach()[:, 0].numpy(), f"its {config.kernel}x{config.kernel} kernel over the pixels"
    if layer == "conv2":
        return (np.stack([_grid(k) for k in model.conv2.weight.detach().numpy()]),
                f"its kernels over the {config.channels[0]} conv1 maps")
    if layer == "fc1":
        blocks = model.fc1.weight.detach().numpy().reshape(config.dense, c2, *pooled)
        return np.stack([_grid(b) for b in blocks]), f"its weights over the {c2} pooled conv2 maps"
    if layer == "output":
        side = math.ceil(math.sqrt(config.dense))
        padded = np.zeros((config.classes, side * side), dtype=np.float32)
        padded[:, :config.dense] = model.output.weight.detach().numpy()
        return padded.reshape(config.classes, side, side), f"its weights from the {config.dense} fc1 neurons"
    raise ConfigError(f"unknown layer {layer!r}; this ConvNet has {', '.join(config.layer_names)}")


def _pushes(model: ConvNet, layer: str, index: int) -> tuple[str | None, np.ndarray]:
    """The next layer and how strongly ``index`` feeds each of its units (a channel's kernel or block
    of weights summed: its net push)."""
    config = model.config
    if layer == "conv1":
        return "conv2", model.conv2.weight.detach()[:, index].sum((1, 2)).numpy()
    if layer == "conv2":
        blocks = model.fc1.weight.detach().reshape(config.dense, config.channels[1], -1)
        return "fc1", blocks[:, index].sum(1).numpy()
    if layer == "fc1":
        return "output", model.output.weight.detach()[:, index].numpy()
    return None, np.zeros(0)


def neuron(model: ConvNet, layer: str, index: int, top: int = 5) -> dict:
    """The lab's neuron card for a ConvNet channel or neuron."""
    images, reads = _unit_weights(model, layer)
    if not 0 <= index < len(images):
        raise ConfigError(f"{layer} has units 0..{len(images) - 1}, got {index}")
    target, strength = _pushes(model, layer, index)
    order = np.argsort(-np.abs(strength), kind="stable")[:top]
    return {"layer": layer, "index": index, "weights_image": images[index].reshape(-1).tolist(),
            "reach": palette.reach(images), "image_shape": list(images.shape[1:]), "projected": False,
            "reads": reads, "pushes": [{"layer": target, "index": int(j), "weight": float(strength[j])} for j in order],
            "class_effects": strength.tolist() if target == "output" else [],
            "class_effects_direct": target == "output"}
