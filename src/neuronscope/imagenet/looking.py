"""What an ImageNet classifier wants to see, and how little it takes to fool it: a class rendered from
noise (raw pixels beside the Lucid recipe), a photo dreamed at a layer (and how many dogs it grows),
a photo pushed toward any class under an imperceptible budget, and noise the network is sure is a
goldfish."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..choices import DREAM_LAYER
from ..errors import ConfigError
from ..inspect import featurevis as fv
from ..inspect.adversarial import Attack, FoolingImage, fooling_image, pgd
from ..inspect.dream import Dream, dream
from ..steps import StepHook
from .classes import DOG_BREEDS
from .classifier import ImageClassifier, classify
from .photos import center_crop, fit_longest_side, open_photo

LUCID_LR = 0.05  # Lucid's Adam step for its Fourier images; see fourier_lr
RAW_LR = 0.05
MAX_SIZE = 512


def fourier_lr(size: int) -> float:
    """The step that moves ``featurevis.FourierParam`` images as Lucid's lr 0.05 moves its own: the two
    normalize the spectrum differently, by a factor of sqrt(height * width) / 4."""
    return LUCID_LR * size / 4


@dataclass(frozen=True)
class ClassView:
    """One class rendered from the same noise twice: raw pixels and the regularized recipe, each with
    the probability the classifier itself gives it."""

    name: str
    index: int
    raw: torch.Tensor  # (3, size, size) in [0, 1]
    regularized: torch.Tensor
    raw_probability: float
    regularized_probability: float
    seconds: float


@torch.no_grad()
def _probability(classifier: ImageClassifier, images: torch.Tensor, index: torch.Tensor) -> np.ndarray:
    probabilities = torch.softmax(classifier(images.to(classifier.mean.device)), 1)
    return probabilities.gather(1, index[:, None].to(probabilities.device))[:, 0].cpu().numpy()


def class_views(classifier: ImageClassifier, names, *, size: int = 224, steps: int = 512, seed: int = 0,
                progress: bool = False, on_step: StepHook | None = None) -> list[ClassView]:
    """What each class in ``names`` looks like to ``classifier``: all of them rendered as one batch,
    maximizing each one's logit, once in raw pixels and once with Fourier-parameterized, decorrelated
    colors under random jitter, scale and rotation (the Lucid recipe)."""
    import time

    if not 32 <= size <= MAX_SIZE:
        raise ConfigError(f"size must be 32..{MAX_SIZE} pixels, got {size}")
    indices = [classifier.class_index(name) for name in names]
    if not indices:
        raise ConfigError("name at least one class")
    index = torch.tensor(indices)
    objective = fv.class_logit(indices)
    started = time.perf_counter()
    raw = fv.render(classifier, objective, (3, size, size), batch=len(indices), steps=steps, lr=RAW_LR,
                    regularization=fv.RAW, seed=seed, progress=progress,
                    on_step=on_step and (lambda done, _: on_step(done, 2 * steps)))
    regularized = fv.render(classifier, objective, (3, size, size), batch=len(indices), steps=steps,
                            lr=fourier_lr(size), regularization=fv.REGULARIZED, seed=seed, progress=progress,
                            on_step=on_step and (lambda done, _: on_step(steps + done, 2 * steps)))
    seconds = (time.perf_counter() - started) / len(indices)
    raw_p = _probability(classifier, raw.images, index)
    regularized_p = _probability(classifier, regularized.images, index)
    return [ClassView(classifier.class_names[i], i, raw.images[k], regularized.images[k], float(raw_p[k]),
                      float(regularized_p[k]), seconds) for k, i in enumerate(indices)]




def dog_share(classifier: ImageClassifier, indices) -> float:
    """The share of ImageNet-1k's 118 dog breeds among ``indices`` (a top-5, say)."""
    if len(classifier.class_names) != 1000:
        raise ConfigError(f"the dog measure needs ImageNet-1k's 1,000 classes; {classifier.name} has "
                          f"{len(classifier.class_names)}")
    return sum(i in DOG_BREEDS for i in indices) / len(indices)


@dataclass(frozen=True)
class PhotoDream:
    """A photo dreamed at a layer, with the network's top-5 for the photo and after each octave."""

    dream: Dream
    before: list[tuple[str, float]]
    after_octave: list[list[tuple[str, float]]]
    dog_share_before: float
    dog_share_after_octave: list[float]
    seconds: float


def dream_photo(classifier: ImageClassifier, photo, layer: str = DREAM_LAYER, *, size: int = 448, octaves: int = 4,
                steps: int = 20, step_size: float = 0.01, jitter: int = 16, seed: int = 0,
                progress: bool = False, on_step: StepHook | None = None) -> PhotoDream:
    """DeepDream of ``photo`` (a path, a sample name, or (H, W, 3) RGB) scaled to ``size`` pixels on its
    longer side: each octave at its own size, 1.4 times the one before, ``steps`` steps each. Reports
    the network's top-5 and its share of dog breeds for the photo and after every octave ("why so many
    dogs?": ImageNet-1k has 118 breeds among 1,000 classes)."""
    import time

    if not 64 <= size <= 1024:
        raise ConfigError(f"size must be 64..1024 pixels on the longer side, got {size}")
    image = fit_longest_side(open_photo(photo), size)[0]
    started = time.perf_counter()
    result = dream(classifier, image, layer, octaves=octaves, steps=steps, step_size=step_size,
                   jitter=jitter, seed=seed, progress=progress, fully_convolutional=True, on_step=on_step)
    seconds = time.perf_counter() - started
    before = classify(classifier, result.original.permute(1, 2, 0).numpy())
    after = [classify(classifier, octave.permute(1, 2, 0).numpy()) for octave in result.octave_images]
    share = 1000 == len(classifier.class_names)
    return PhotoDream(result, before.top, [a.top for a in after],
                      dog_share(classifier, before.indices) if share else float("nan"),
                      [dog_share(classifier, a.indices) if share else float("nan") for a in after], seconds)


@dataclass(frozen=True)
class PhotoAttack:
    """A photo changed by at most ``epsilon`` per pixel, toward ``target`` (or, untargeted, away from
    its own top class), with its top-5 before and after."""

    attack: Attack
    target: str | None
    epsilon: float
    before: list[tuple[str, float]]
    after: list[tuple[str, float]]

    @property
    def reached(self) -> bool:
        """Targeted: the target is the top class now; untargeted: the top class changed."""
        if self.target is None:
            return self.after[0][0] != self.before[0][0]
        return self.after[0][0] == self.target


def photo_attack(classifier: ImageClassifier, photo, target: str | int | None = None, *, epsilon: float = 2 / 255,
                 steps: int = 10, on_step: StepHook | None = None) -> PhotoAttack:
    """PGD on ``photo`` (a path, a sample name, or (H, W, 3) RGB) at the classifier's resolution within
    the L-infinity budget ``epsilon`` (2/255 by default: invisible): toward the class ``target`` with
    steps shrinking along a cosine, or, with no target, away from the class it sees now."""
    target_index = None if target is None else classifier.class_index(target)
    x = center_crop(open_photo(photo), classifier.resolution).to(classifier.mean.device)
    with torch.no_grad():
        label = classifier(x).argmax(1)
    attack = pgd(classifier, x, label, epsilon, steps=steps, target=target_index,
                 schedule="constant" if target_index is None else "cosine", on_step=on_step)
    before = classify(classifier, attack.original[0].permute(1, 2, 0).cpu().numpy(), crop=False).top
    after = classify(classifier, attack.adversarial[0].permute(1, 2, 0).cpu().numpy(), crop=False).top
    return PhotoAttack(attack, None if target_index is None else classifier.class_names[target_index], epsilon,
                       before, after)


CURVE_LEVELS = (0, 0.05, 0.1, 0.2, 0.5, 1, 2)  # pixel levels of 255: photos lose their class well below one level


@dataclass(frozen=True)
class AttackCurve:
    """Untargeted PGD on a set of photos at growing budgets: how many keep the class the network gave
    them untouched (there is no ground truth for a user's photo, so its own answer is the label)."""

    names: list[str]
    epsilons: np.ndarray  # in [0, 1]; 1/255 is one pixel level
    kept: np.ndarray  # (epsilons,): share of photos whose top class did not change
    top: list[list[str]]  # [epsilon][photo]: the top class after the attack


def attack_curve(classifier: ImageClassifier, photos, epsilons=tuple(np.array(CURVE_LEVELS) / 255), *, steps: int = 10,
                 names=None) -> AttackCurve:
    """Untargeted PGD (``steps`` steps) on every photo at every budget in ``epsilons``."""
    photos = list(photos)
    if not photos:
        raise ConfigError("give at least one photo")
    epsilons = np.asarray(epsilons, dtype=float)
    if epsilons.ndim != 1 or not len(epsilons):
        raise ConfigError("give at least one epsilon")
    x = torch.cat([center_crop(open_photo(photo), classifier.resolution) for photo in photos])
    x = x.to(classifier.mean.device)
    with torch.no_grad():
        labels = classifier(x).argmax(1)
    kept, top = [], []
    for epsilon in epsilons:
        attack = pgd(classifier, x, labels, float(epsilon), steps=steps)
        kept.append(float((attack.prediction == labels).float().mean()))
        top.append([classifier.class_names[i] for i in attack.prediction.tolist()])
    names = list(names) if names is not None else [str(photo) for photo in photos]
    return AttackCurve(names, epsilons, np.array(kept), top)


def fool(classifier: ImageClassifier, target: str | int, *, size: int | None = None, confidence: float = 0.99,
         max_steps: int = 500, seed: int = 0, on_step: StepHook | None = None) -> FoolingImage:
    """Uniform noise changed until the classifier calls it ``target`` with ``confidence``."""
    size = size or classifier.resolution
    if not 32 <= size <= MAX_SIZE:
        raise ConfigError(f"size must be 32..{MAX_SIZE} pixels, got {size}")
    return fooling_image(classifier, classifier.class_index(target), (3, size, size), confidence=confidence,
                         max_steps=max_steps, seed=seed, on_step=on_step)
