"""The optimization loop of activation maximization: start from noise, then repeatedly change the
image (through its parameterization, after random transforms) to raise the objective."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ...errors import ConfigError
from ...models.modes import in_eval_mode
from ...steps import StepHook
from ..hooks import LayerRecorder, check_image_model, outputs_up_to
from .objectives import SCORES, Objective, l2, total_variation
from .param import PARAMS, make_param
from .transforms import Transform, compose, standard

MAX_STEPS = 10_000
MAX_BATCH = 256


@dataclass(frozen=True)
class Regularization:
    """Everything that keeps the optimizer from the pixel noise a network also loves.

    param: ``pixel`` or ``fourier`` (colors decorrelated, each frequency's steps scaled by
    1/frequency^decay: the frequency penalty; 0 = none, 1 = natural-image statistics); transforms:
    random jitter, scale and rotation before each step; total_variation, l2: weights of those
    penalties on the image; blur_every: smooth pixel images every that many steps (0 = never)."""

    param: str = "fourier"
    decay: float = 1.0
    transforms: bool = True
    total_variation: float = 0.0
    l2: float = 0.0
    blur_every: int = 0
    blur_sigma: float = 0.5

    def __post_init__(self):
        if self.param not in PARAMS:
            raise ConfigError(f"unknown parameterization {self.param!r}; choose one of {', '.join(PARAMS)}")
        numbers = (self.total_variation, self.l2, self.blur_sigma, self.decay)
        if not all(math.isfinite(v) and 0 <= v <= 1e4 for v in numbers) or not 0 <= self.blur_every <= MAX_STEPS:
            raise ConfigError("total_variation, l2, blur_sigma and decay must be in [0, 10000], blur_every in "
                              f"0..{MAX_STEPS}")

    def to_json(self) -> dict:
        return asdict(self)


RAW = Regularization(param="pixel", transforms=False)
REGULARIZED = Regularization(param="fourier", transforms=True, total_variation=0.0, l2=0.0)


@dataclass(frozen=True)
class Rendering:
    """images (batch, C, H, W) in [0, 1]; start, final (batch,): the objective (without penalties) on the
    untransformed starting noise and on the result; history (steps, batch): its value at each step."""

    images: torch.Tensor
    start: np.ndarray
    final: np.ndarray
    history: np.ndarray
    objective: str
    regularization: Regularization


PIXELS_PER_PASS = 2**16  # on a CPU, passes of more pixels run slower per image: their activations leave the cache
CHANNELS_LAST_PIXELS = 2**12  # from 64x64 up, convolutions on a CPU run faster on channels-last tensors


def _activations(model: nn.Module, layers: list[str], images: torch.Tensor) -> dict[str, torch.Tensor]:
    """The outputs of ``layers`` for ``images``, with the model's class scores when ``SCORES`` is one:
    otherwise the layers above the last one asked for are never run. On a CPU a large batch goes
    through in passes of about ``PIXELS_PER_PASS`` pixels, and large images as channels-last tensors;
    images never interact in a network in evaluation mode, so this changes the speed only."""
    pixels = images.shape[-1] * images.shape[-2]
    if images.device.type == "cpu" and len(images) > (per_pass := max(1, PIXELS_PER_PASS // pixels)):
        parts = [_activations(model, layers, part) for part in images.split(per_pass)]
        return {name: torch.cat([part[name] for part in parts]) for name in parts[0]}
    if images.device.type == "cpu" and images.ndim == 4 and pixels >= CHANNELS_LAST_PIXELS:
        images = images.contiguous(memory_format=torch.channels_last)
    hooked = [layer for layer in layers if layer != SCORES]
    if hooked and SCORES not in layers:
        return outputs_up_to(model, images, hooked)
    with LayerRecorder(model, hooked) as recorder:
        scores = model(images)
    return {**{layer: recorder.output(layer) for layer in hooked}, SCORES: scores}


def evaluate(model: nn.Module, objective: Objective, images: torch.Tensor) -> torch.Tensor:
    """The objective's value for each image, (batch,)."""
    return objective(_activations(model, sorted(objective.layers), images), images)


@torch.enable_grad()  # callers may be inside torch.no_grad(); the image needs gradients
@in_eval_mode
def render(model: nn.Module, objective: Objective, input_shape: tuple[int, int, int], *, batch: int = 1,
           steps: int = 256, lr: float = 0.1, regularization: Regularization = REGULARIZED,
           param: nn.Module | None = None, transforms: Sequence[Transform] | None = None, seed: int = 0,
           progress: bool = False, on_step: StepHook | None = None) -> Rendering:
    """Maximize ``objective`` over a batch of images of ``input_shape`` (C, H, W) fed to ``model``.

    Each part can be given as an object instead of chosen by ``regularization``: ``param``, any module
    whose ``forward()`` returns the images (batch, C, H, W) in [0, 1] from its own parameters (see
    ``featurevis.param``); ``transforms``, a list of ``transform(images, generator) -> images`` applied
    in order before each step (see ``featurevis.transforms``; ``[]`` for none). ``on_step(done, steps)``
    hears of each step.
    """
    check_image_model(model, tuple(input_shape))
    if not 1 <= steps <= MAX_STEPS:
        raise ConfigError(f"steps must be 1..{MAX_STEPS}, got {steps}")
    if not 1 <= batch <= MAX_BATCH:
        raise ConfigError(f"batch must be 1..{MAX_BATCH}, got {batch}")
    if not (math.isfinite(lr) and 0 < lr <= 10):
        raise ConfigError(f"lr must be in (0, 10], got {lr}")
    device = next(model.parameters()).device
    if param is None:
        param = make_param(regularization.param, (batch, *input_shape), seed, regularization.decay)
    param = param.to(device)
    if tuple(param().shape) != (batch, *input_shape):
        raise ConfigError(f"the parameterization makes images of shape {tuple(param().shape)}, "
                          f"expected {(batch, *input_shape)}")
    penalties = [weight * term for weight, term in ((regularization.total_variation, total_variation()),
                                                    (regularization.l2, l2())) if weight]
    layers = sorted(objective.layers)
    if transforms is not None:
        transform = compose(*transforms) if transforms else None
    else:
        transform = standard(min(input_shape[1:])) if regularization.transforms else None
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(param.parameters(), lr=lr)
    history = np.empty((steps, batch))
    with torch.no_grad():
        start = evaluate(model, objective, param()).cpu().numpy()
    for step in tqdm(range(steps), disable=not progress, desc=objective.description, leave=False):
        images = param()
        seen = transform(images, generator) if transform else images
        activations = _activations(model, layers, seen)
        values = objective(activations, images)
        history[step] = values.detach().cpu().numpy()
        penalized = values - sum(penalty(activations, images) for penalty in penalties)
        grads = torch.autograd.grad(-penalized.sum(), list(param.parameters()))
        for parameter, grad in zip(param.parameters(), grads):
            parameter.grad = grad
        optimizer.step()
        if regularization.blur_every and hasattr(param, "blur_") and (step + 1) % regularization.blur_every == 0:
            param.blur_(regularization.blur_sigma)
        if on_step:
            on_step(step + 1, steps)
    with torch.no_grad():
        images = param()
        final = evaluate(model, objective, images).cpu().numpy()
    if not np.all(np.isfinite(final)):
        raise ConfigError(f"the objective became {final} (not finite); try a lower lr")
    return Rendering(images.detach().cpu(), start, final, history, objective.description, regularization)


def raw_and_regularized(model: nn.Module, objective: Objective, input_shape: tuple[int, int, int], *,
                        regularization: Regularization = REGULARIZED, **options) -> tuple[Rendering, Rendering]:
    """The same objective rendered twice from the same seed: pixels with no help ("noise the network
    loves") and with ``regularization``."""
    return (render(model, objective, input_shape, regularization=RAW, **options),
            render(model, objective, input_shape, regularization=regularization, **options))

