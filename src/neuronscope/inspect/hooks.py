"""Reading any layer of any ``torch.nn.Module`` by name, with forward hooks: no model-specific code,
so the same analyses work on neuronscope's networks and on models users bring."""

from __future__ import annotations

import threading

import torch
from torch import nn

from ..errors import ConfigError


def _modules(model: nn.Module) -> dict[str, nn.Module]:
    """Every named submodule (``conv1``, ``layer1.0.conv2``, ...), where the names a model gives its layers
    through ``named_layers()`` win: there ``conv1`` is the value after the activation, ``conv1.pre`` the
    convolution's own output (``models.layers``)."""
    aliases = model.named_layers() if callable(getattr(model, "named_layers", None)) else {}
    return {**aliases, **{name: module for name, module in model.named_modules() if name and name not in aliases}}


def layer_names(model: nn.Module) -> list[str]:
    """Every layer a hook can read, in definition order."""
    return list(_modules(model))


def find_layer(model: nn.Module, name: str) -> nn.Module:
    modules = _modules(model)
    if not name or name not in modules:
        names = layer_names(model)
        shown = ", ".join(names[:30]) + (f", ... ({len(names)} in all)" if len(names) > 30 else "")
        raise ConfigError(f"no layer named {name!r}; the layers are: {shown}")
    return modules[name]


class LayerRecorder:
    """Records the output of the named layers on every forward pass while the ``with`` block lasts.

    Every name is checked when the recorder is made; hooks are attached on entering the block and
    always removed on leaving it, so a bad name never leaves a hook behind. Only forward passes made
    by the thread that entered the block are recorded: other requests using the same model at the
    same time (the lab serves several) never overwrite this one's recordings."""

    def __init__(self, model: nn.Module, names: list[str], stop_when_done: bool = False):
        self.outputs: dict[str, torch.Tensor] = {}
        self._stop_when_done = stop_when_done
        self._layers = {name: find_layer(model, name) for name in names}
        self._handles = []
        self._thread: int | None = None

    def __enter__(self) -> LayerRecorder:
        self._thread = threading.get_ident()
        for name, layer in self._layers.items():
            def keep(module, inputs, output, name=name):
                if threading.get_ident() == self._thread:
                    self.outputs[name] = output[0] if isinstance(output, tuple) else output
                    if self._stop_when_done and len(self.outputs) == len(self._layers):
                        raise _Enough
            self._handles.append(layer.register_forward_hook(keep))
        return self

    def output(self, name: str) -> torch.Tensor:
        """What ``name`` gave on the last forward pass; a clear error for a module the forward pass never
        runs (a container such as a ModuleList, or a layer the model skips)."""
        if name not in self.outputs:
            raise ConfigError(f"layer {name!r} is not run by the model's forward pass; choose a layer that is")
        return self.outputs[name]

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()


class _Enough(Exception):
    """Ends a forward pass once every layer asked for has given its output."""


def outputs_up_to(model: nn.Module, x: torch.Tensor, names: list[str]) -> dict[str, torch.Tensor]:
    """The outputs of the named layers for ``x``, running the model only until the last of them has
    given its output: dreaming at a middle layer of a deep network skips the layers above it."""
    recorder = LayerRecorder(model, names, stop_when_done=True)
    with recorder:
        try:
            model(x)
        except _Enough:
            pass
    return {name: recorder.output(name) for name in names}


def channel_count(model: nn.Module, layer: str, input_shape: tuple[int, ...]) -> int:
    """How many channels (conv layers) or neurons (dense layers) ``layer`` has for inputs of
    ``input_shape`` (C, H, W)."""
    device = next(model.parameters()).device
    with torch.no_grad(), LayerRecorder(model, [layer]) as recorder:
        model(torch.zeros(1, *input_shape, device=device))
    return int(recorder.output(layer).shape[1])


def check_image_model(model: nn.Module, input_shape: tuple[int, ...]) -> int:
    """The number of classes of an image classifier taking (n, *input_shape); a clear error otherwise."""
    if len(input_shape) != 3:
        raise ConfigError(f"an image input is (channels, height, width), got {tuple(input_shape)}")
    try:
        parameter = next(model.parameters())
    except StopIteration:
        raise ConfigError("the model has no parameters") from None
    try:
        with torch.no_grad():
            scores = model(torch.zeros(2, *input_shape, device=parameter.device))
    except (RuntimeError, ValueError, TypeError) as e:
        raise ConfigError(f"the model does not take images of shape {tuple(input_shape)}: "
                          f"{str(e).splitlines()[0]}") from None
    if not isinstance(scores, torch.Tensor) or scores.ndim != 2 or scores.shape[0] != 2:
        raise ConfigError("the model is not an image classifier: it must return class scores of shape (n, classes)")
    return int(scores.shape[1])
