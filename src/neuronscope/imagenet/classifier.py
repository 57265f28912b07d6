"""One public way to look inside any image classifier: :class:`ImageClassifier` holds a network, how
it wants its input normalized and its class names, and takes RGB images in [0, 1]. neuronscope's own
ImageNet network (EfficientNet-Lite0, published weights converted once into a run in the cache
folder) is one; a torchvision or timm model on disk becomes another in one line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..errors import ConfigError
from .classes import find_class, imagenet_classes
from .photos import center_crop, open_photo

TORCHVISION_MEAN, TORCHVISION_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
# EfficientNet-Lite's published weights read (pixel - 127) / 128 on 0..255 RGB
LITE_MEAN, LITE_STD = (127 / 255,) * 3, (128 / 255,) * 3


class ImageClassifier(nn.Module):
    """``network`` (any module mapping (n, 3, H, W) to class scores) behind its input normalization:
    ``forward`` takes RGB in [0, 1]. Normalize by per-channel ``mean`` and ``std`` (torchvision's by
    default) or by any function ``normalize``."""

    def __init__(self, network: nn.Module, class_names: Sequence[str], *, mean: Sequence[float] = TORCHVISION_MEAN,
                 std: Sequence[float] = TORCHVISION_STD,
                 normalize: Callable[[torch.Tensor], torch.Tensor] | None = None, resolution: int = 224,
                 name: str = "model"):
        super().__init__()
        if len(mean) != 3 or len(std) != 3 or not all(s > 0 for s in std):
            raise ConfigError("mean and std give one number per RGB channel, std above 0")
        if not 8 <= resolution <= 2048:
            raise ConfigError(f"resolution must be 8..2048 pixels, got {resolution}")
        self.network = network.eval()
        self.class_names = tuple(class_names)
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1))
        self.normalize_fn = normalize
        self.resolution = resolution
        self.name = name
        self.eval()  # a classifier to look into, not to train: batch norm keeps its statistics

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        return self.normalize_fn(x) if self.normalize_fn else (x - self.mean) / self.std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(self.normalize(x))

    def named_layers(self) -> dict[str, nn.Module]:
        """The network's layers by its own names (``blocks.5``, or torchvision's ``layer3.1``), so hooks
        and objectives name them as the network does."""
        if callable(getattr(self.network, "named_layers", None)):
            return self.network.named_layers()
        return {name: module for name, module in self.network.named_modules() if name}

    def class_index(self, name: str | int) -> int:
        """A class by name, forgivingly ("goldfish", "Great White Shark"), or by number."""
        return find_class(name, self.class_names)

    def __repr__(self) -> str:
        return f"ImageClassifier({self.name}, {len(self.class_names)} classes, {self.resolution} px)"


@dataclass(frozen=True)
class Classification:
    """The classes a classifier gives one photo, most likely first."""

    top: list[tuple[str, float]]  # (class name, probability)
    indices: list[int]
    probabilities: np.ndarray  # (classes,)

    def __str__(self) -> str:
        return "\n".join(f"{100 * p:6.2f}%  {name}" for name, p in self.top)

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(f"<tr><td>{escape(name)}</td><td style='text-align:right'>{100 * p:.2f}%</td></tr>"
                       for name, p in self.top)
        return f"<table>{rows}</table>"


@torch.no_grad()
def classify(classifier: ImageClassifier, photo, top: int = 5, *, crop: bool = True) -> Classification:
    """The ``top`` classes of ``photo`` (a path, a sample name such as ``china``, or (H, W, 3) RGB in
    [0, 1]), seen as ImageNet classifiers are evaluated: the central 224/256 of the shorter side
    (``crop=False``: the image as it is)."""
    if not 1 <= top <= len(classifier.class_names):
        raise ConfigError(f"top must be 1..{len(classifier.class_names)}, got {top}")
    image = open_photo(photo)
    x = center_crop(image, classifier.resolution) if crop else torch.as_tensor(image).permute(2, 0, 1)[None]
    scores = classifier(x.float().to(classifier.mean.device))[0]
    probabilities = torch.softmax(scores.float(), 0).cpu().numpy()
    order = np.argsort(-probabilities, kind="stable")[:top]
    return Classification([(classifier.class_names[i], float(probabilities[i])) for i in order],
                          order.tolist(), probabilities)


def efficientnet_lite(variant: str = "lite0", cache: str | Path | None = None, device: str | None = "cpu"
                      ) -> ImageClassifier:
    """EfficientNet-Lite with its published ImageNet weights (77.0% top-1 for lite0, 4.7 M weights),
    as a run in the cache folder: converted from the weights package on first use, read from
    safetensors after that."""
    from ..runs import PRETRAINED_KINDS, open_run

    run = open_run(imagenet_run(variant, cache), device, kinds=PRETRAINED_KINDS)
    return ImageClassifier(run.model.fuse_batch_norm(), run.dataset.get("class_names") or imagenet_classes(),
                           mean=run.dataset["mean"], std=run.dataset["std"], resolution=run.model.config.resolution,
                           name=f"EfficientNet-{variant.title()}")


def imagenet_run(variant: str = "lite0", cache: str | Path | None = None) -> Path:
    """The run holding EfficientNet-``variant``'s ImageNet weights, made once from the weights package."""
    from ..data.roots import cache_dir
    from ..models.efficientnet_lite import EfficientNetLite, EfficientNetLiteConfig
    from ..runs import CONFIG, KINDS
    from ..runs.writer import RunWriter
    from .reference_weights import load_reference_weights, weights_file

    config = EfficientNetLiteConfig(variant=variant)
    path = Path(cache or cache_dir() / "imagenet") / f"efficientnet-{variant}"
    if (path / CONFIG).exists():
        return path
    model = EfficientNetLite(config).eval()
    source = weights_file(variant)
    load_reference_weights(model, source)
    dataset = {"name": "imagenet", "weights_from": f"{source.parent.parent.name}/{source.name}",
               "mean": list(LITE_MEAN), "std": list(LITE_STD), "class_names": list(imagenet_classes())}
    RunWriter(path, KINDS["imagenet"]).finish(model, None, dataset, [], {"epoch": 0})
    return path
