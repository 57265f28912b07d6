"""Adversarial examples: the smallest pixel changes, within a budget, that change the answer.

FGSM takes one step of size epsilon along the sign of the loss's gradient; PGD takes many smaller
steps and projects back into the budget after each (L-infinity: every pixel moves at most epsilon;
L2: the whole change has length at most epsilon). Pixels stay in [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..errors import ConfigError
from ..models.modes import in_eval_mode
from ..steps import StepHook
from .hooks import check_image_model

NORMS = ("linf", "l2")
SCHEDULES = ("constant", "cosine")
MAX_STEPS = 10_000
MAX_L2_BUDGET = 1000.0


@dataclass(frozen=True)
class Attack:
    """``adversarial`` (n, C, H, W); predictions and confidences before and after."""

    original: torch.Tensor
    adversarial: torch.Tensor
    labels: torch.Tensor
    original_prediction: torch.Tensor
    original_confidence: torch.Tensor
    prediction: torch.Tensor
    confidence: torch.Tensor

    @property
    def perturbation(self) -> torch.Tensor:
        return self.adversarial - self.original

    @property
    def accuracy(self) -> float:
        return float((self.prediction == self.labels).float().mean())


def _check_class(target: int, classes: int) -> None:
    if not 0 <= target < classes:
        raise ConfigError(f"target class must be 0..{classes - 1}, got {target}")


def _check(model: nn.Module, images: torch.Tensor, epsilon: float, norm: str, target: int | None = None) -> None:
    if images.ndim != 4:
        raise ConfigError(f"images must be a batch (n, channels, height, width), got shape {tuple(images.shape)}")
    if norm not in NORMS:
        raise ConfigError(f"unknown norm {norm!r}; choose one of {', '.join(NORMS)}")
    # an L2 budget past sqrt(pixels) allows every change there is: larger ones are accepted, and change nothing
    largest = 1.0 if norm == "linf" else MAX_L2_BUDGET
    if not (math.isfinite(epsilon) and 0 <= epsilon <= largest):
        raise ConfigError(f"epsilon for the {norm} budget must be in [0, {largest:g}], got {epsilon}")
    classes = check_image_model(model, tuple(images.shape[1:]))
    if target is not None:
        _check_class(target, classes)


def _answer(model, x):
    with torch.no_grad():
        probabilities = torch.softmax(model(x), dim=1)
    confidence, prediction = probabilities.max(dim=1)
    return prediction, confidence


def _gradient(model, x, labels, target: int | None):
    x = x.detach().requires_grad_(True)
    scores = model(x)
    if target is None:
        loss = nn.functional.cross_entropy(scores, labels)  # push the true class down
    else:
        loss = -nn.functional.cross_entropy(scores, torch.full_like(labels, target))  # pull the target up
    (grad,) = torch.autograd.grad(loss, x)
    return grad


def _project(delta: torch.Tensor, epsilon: float, norm: str) -> torch.Tensor:
    if norm == "linf":
        return delta.clamp(-epsilon, epsilon)
    length = delta.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)
    return delta * torch.clamp(epsilon / length, max=1.0)


def _step_direction(grad: torch.Tensor, norm: str) -> torch.Tensor:
    if norm == "linf":
        return grad.sign()
    return grad / grad.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)


@torch.enable_grad()  # callers may be inside torch.no_grad(); the image needs gradients
@in_eval_mode
def pgd(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epsilon: float, *, steps: int = 20,
        step_size: float | None = None, norm: str = "linf", random_start: bool = False, target: int | None = None,
        schedule: str = "constant", seed: int = 0, on_step: StepHook | None = None) -> Attack:
    """Projected gradient descent within ``epsilon`` (``steps=1``, ``step_size=epsilon`` and no random
    start is FGSM). ``target``: push every image toward that class instead of away from its own.
    ``schedule="cosine"`` takes steps shrinking from epsilon/2 to epsilon/40, which reaches a target
    within few steps far more often than constant steps (large moves first, then fine ones).
    ``on_step(done, steps)`` hears of each step (and may raise to stop)."""
    _check(model, images, epsilon, norm, target)
    if not 1 <= steps <= MAX_STEPS:
        raise ConfigError(f"steps must be 1..{MAX_STEPS}, got {steps}")
    if schedule not in SCHEDULES:
        raise ConfigError(f"unknown step schedule {schedule!r}; choose one of {', '.join(SCHEDULES)}")
    step_size = 2.5 * epsilon / steps if step_size is None else step_size
    if not (math.isfinite(step_size) and step_size >= 0):
        raise ConfigError(f"step size must be a non-negative number, got {step_size}")
    x0 = images.detach()
    delta = torch.zeros_like(x0)
    if random_start and epsilon > 0:
        generator = torch.Generator().manual_seed(seed)
        noise = torch.rand(x0.shape, generator=generator).to(x0.device) * 2 - 1
        delta = _project(noise * epsilon, epsilon, norm)
    for step in range(steps):
        grad = _gradient(model, (x0 + delta).clamp(0, 1), labels, target)
        size = step_size if schedule == "constant" else \
            epsilon * (0.025 + 0.475 * (1 + math.cos(math.pi * step / steps)) / 2)
        delta = _project(delta + size * _step_direction(grad, norm), epsilon, norm)
        delta = (x0 + delta).clamp(0, 1) - x0
        if on_step:
            on_step(step + 1, steps)
    adversarial = (x0 + delta).detach()
    before, after = _answer(model, x0), _answer(model, adversarial)
    return Attack(x0, adversarial, labels, before[0], before[1], after[0], after[1])


def fgsm(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epsilon: float) -> Attack:
    """The fast gradient sign method: one step of ``epsilon`` along the sign of the gradient."""
    return pgd(model, images, labels, epsilon, steps=1, step_size=epsilon, norm="linf")


def accuracy_under_attack(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epsilons, *,
                          method: str = "pgd", norm: str = "linf", steps: int = 20, batch: int = 1000) -> np.ndarray:
    """Accuracy at each epsilon, (len(epsilons),)."""
    if method not in ("fgsm", "pgd"):
        raise ConfigError(f"unknown attack {method!r}; choose fgsm or pgd")
    curve = []
    for epsilon in epsilons:
        if epsilon == 0:  # no change allowed: the attack's answer is the clean one, without its steps
            curve.append(float((_answer(model, images)[0] == labels).float().mean()) if len(labels) else 0.0)
            continue
        correct = 0
        for start in range(0, len(labels), batch):
            x, y = images[start:start + batch], labels[start:start + batch]
            attack = fgsm(model, x, y, epsilon) if method == "fgsm" else pgd(model, x, y, epsilon, steps=steps,
                                                                              norm=norm)
            correct += int((attack.prediction == y).sum())
        curve.append(correct / len(labels))
    return np.array(curve)


@dataclass(frozen=True)
class FoolingImage:
    image: torch.Tensor  # (C, H, W) in [0, 1]
    target: int
    confidence: float
    steps: int


@torch.enable_grad()  # callers may be inside torch.no_grad(); the image needs gradients
@in_eval_mode
def fooling_image(model: nn.Module, target: int, input_shape: tuple[int, ...], *, confidence: float = 0.99,
                  max_steps: int = 500, lr: float = 0.05, seed: int = 0,
                  on_step: StepHook | None = None) -> FoolingImage:
    """Start from uniform noise and change it until the model calls it ``target`` with at least
    ``confidence``: an image no person would recognize, which the network is sure of. ``on_step(done,
    max_steps)`` hears of each step (and may raise to stop)."""
    _check_class(target, check_image_model(model, tuple(input_shape)))
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be in (0, 1), got {confidence}")
    if not 1 <= max_steps <= MAX_STEPS:
        raise ConfigError(f"max_steps must be 1..{MAX_STEPS}, got {max_steps}")
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    start = torch.rand((1, *input_shape), generator=generator).clamp(0.01, 0.99)
    logit = torch.logit(start).to(device).requires_grad_(True)  # pixels = sigmoid(logit) stay in (0, 1)
    optimizer = torch.optim.Adam([logit], lr=lr)
    wanted = torch.tensor([target], device=device)
    reached = 0.0
    for step in range(1, max_steps + 1):
        scores = model(torch.sigmoid(logit))
        reached = float(torch.softmax(scores.detach(), dim=1)[0, target])
        if reached >= confidence:
            break
        loss = nn.functional.cross_entropy(scores, wanted)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if on_step:
            on_step(step, max_steps)
    image = torch.sigmoid(logit.detach())[0]
    return FoolingImage(image, target, reached, step)
