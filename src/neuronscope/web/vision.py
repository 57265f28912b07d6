"""The JSON API behind the lab's vision page: ConvNet kernels, feature maps and favorite test images,
feature visualization, adversarial examples, fooling images and dreams, for every image run."""

from __future__ import annotations

import threading

import numpy as np
import torch
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from torch import nn

from ..data.tensors import image_tensor
from ..errors import ConfigError
from ..inspect import featurevis as fv
from ..inspect.adversarial import fooling_image, pgd
from ..inspect.conv import conv_layers, feature_maps, first_layer_kernels, top_activating
from ..inspect.convolution import CLASSIC_KERNELS
from ..inspect.dream import dream
from ..inspect.hooks import channel_count
from ..runs import IMAGE_KINDS
from .registry import LoadedRun, RunRegistry
from .routing import api_router
from .schemas import (
    AttackResponse,
    DreamResponse,
    FeatureMaps,
    FoolResponse,
    TensorValues,
    TopImages,
    VisionRun,
    VisionSample,
    VisualizeResponse,
)

SEARCHED_IMAGES = 10_000


class VisualizeRequest(BaseModel):
    layer: str = Field(default=fv.CLASS_SCORES, max_length=200)
    units: list[int] = Field(default=[0], min_length=1, max_length=16)
    steps: int = Field(default=256, ge=1, le=1024)
    lr: float = Field(default=0.1, gt=0, le=10, allow_inf_nan=False)
    param: str = Field(default="fourier", pattern="^(fourier|pixel)$")
    decay: float = Field(default=1.0, ge=0, le=4, allow_inf_nan=False)
    transforms: bool = True
    total_variation: float = Field(default=0.0, ge=0, le=1e4, allow_inf_nan=False)
    l2: float = Field(default=0.0, ge=0, le=1e4, allow_inf_nan=False)
    blur_every: int = Field(default=0, ge=0, le=1024)
    seed: int = Field(default=0, ge=0, le=2**31)


class AttackRequest(BaseModel):
    index: int = Field(default=0, ge=0, le=10**9)
    norm: str = Field(default="linf", pattern="^(linf|l2)$")
    epsilon: float = Field(default=0.1, ge=0, le=100, allow_inf_nan=False)
    steps: int = Field(default=20, ge=1, le=500, description="1 = FGSM")
    target: int | None = Field(default=None, ge=0, le=1000)


class FoolRequest(BaseModel):
    target: int = Field(default=5, ge=0, le=1000)
    confidence: float = Field(default=0.99, gt=0, lt=1, allow_inf_nan=False)
    seed: int = Field(default=0, ge=0, le=2**31)


class DreamRequest(BaseModel):
    index: int = Field(default=0, ge=0, le=10**9)
    layer: str = Field(max_length=200)
    octaves: int = Field(default=3, ge=1, le=6)
    steps: int = Field(default=20, ge=1, le=200)
    step_size: float = Field(default=0.01, gt=0, le=1, allow_inf_nan=False)
    seed: int = Field(default=0, ge=0, le=2**31)


def _flat(tensor) -> list[float]:
    array = tensor.detach().cpu().numpy() if isinstance(tensor, torch.Tensor) else np.asarray(tensor)
    return np.round(array.astype(np.float64).reshape(-1), 5).tolist()


def visual_layers(model: nn.Module) -> list[str]:
    """Layers worth visualizing: a dense network's named layers, else every conv and dense module."""
    if hasattr(getattr(model, "config", None), "layer_names"):
        return list(model.config.layer_names)
    return [name for name, module in model.named_modules() if isinstance(module, (nn.Conv2d, nn.Linear))]


def _input_shape(loaded: LoadedRun) -> tuple[int, int, int]:
    shape = loaded.run.dataset.get("image_shape") or list(loaded.run.model.config.image_shape)
    return (3 if len(shape) == 3 else 1, int(shape[0]), int(shape[1]))


def _classes(loaded: LoadedRun) -> list[str]:
    return list(loaded.run.dataset.get("class_names") or [])


def vision_router(registry: RunRegistry) -> APIRouter:
    router = api_router("/api/vision", "vision")
    # one optimization at a time: two would share the two cores and each take twice as long
    busy = threading.Lock()
    top_cache: dict[tuple[str, str], object] = {}

    def test_batch(loaded: LoadedRun) -> torch.Tensor:
        return image_tensor(loaded.test_set.test_images[:SEARCHED_IMAGES])

    def test_input(loaded: LoadedRun, index: int) -> tuple[torch.Tensor, int]:
        image, label = loaded.test_image(index)
        return image_tensor(image[None])[0], label

    def answer(model, x) -> dict:
        with torch.no_grad():
            probabilities = torch.softmax(model(x[None]), 1)[0]
        prediction = int(probabilities.argmax())
        return {"prediction": prediction, "confidence": float(probabilities[prediction]),
                "probabilities": _flat(probabilities)}

    @router.get("/kernels", response_model=dict[str, list[list[float]]])
    def classic_kernels():
        return {name: np.asarray(values, dtype=float).tolist() for name, values in CLASSIC_KERNELS.items()}

    @router.get("/runs", response_model=list[VisionRun])
    def runs():
        listed = []
        for name, loaded in registry.available(IMAGE_KINDS):
            model, shape = loaded.run.model, _input_shape(loaded)
            modules = dict(model.named_modules())
            layers = [{"name": layer, "units": channel_count(model, layer, shape),
                       "conv": isinstance(modules.get(layer), nn.Conv2d)} for layer in visual_layers(model)]
            try:
                convs = conv_layers(model)
            except ConfigError:
                convs = []
            final = loaded.run.test_accuracy
            listed.append({"name": name, "kind": model.config.to_json()["kind"],
                           "dataset": loaded.run.dataset.get("name"), "class_names": _classes(loaded),
                           "input_shape": list(shape), "layers": layers, "conv_layers": convs,
                           "test_accuracy": final, "parameters": loaded.run.parameter_count})
        return listed

    @router.get("/{run}/sample", response_model=VisionSample)
    def sample(run: str, index: int = Query(default=0, ge=0, le=10**9)):
        loaded = registry.get(run, IMAGE_KINDS)
        x, label = test_input(loaded, index)
        return {"index": index % len(loaded.test_set.test_labels), "label": label, "shape": list(x.shape),
                "pixels": _flat(x), **answer(loaded.run.model, x)}

    @router.get("/{run}/kernels", response_model=TensorValues)
    def kernels(run: str):
        values = first_layer_kernels(registry.get(run, IMAGE_KINDS).run.model)
        return {"shape": list(values.shape), "values": _flat(values)}

    @router.get("/{run}/maps", response_model=FeatureMaps)
    def maps(run: str, index: int = Query(default=0, ge=0, le=10**9)):
        loaded = registry.get(run, IMAGE_KINDS)
        x, label = test_input(loaded, index)
        return {"label": label, "layers": [{"name": name, "shape": list(m.shape), "values": _flat(m)}
                                           for name, m in feature_maps(loaded.run.model, x).items() if m.ndim == 3]}

    @router.get("/{run}/top", response_model=TopImages)
    def top(run: str, layer: str = Query(max_length=200), channel: int = Query(ge=0, le=100_000),
            k: int = Query(default=8, ge=1, le=32)):
        loaded = registry.get(run, IMAGE_KINDS)
        key = (run, layer)
        with busy:
            if key not in top_cache:
                top_cache[key] = top_activating(loaded.run.model, test_batch(loaded), layer, k=32)
        found = top_cache[key]
        if channel >= found.indices.shape[0]:
            raise ConfigError(f"{layer!r} has channels 0..{found.indices.shape[0] - 1}, got {channel}")
        data = loaded.test_set
        return {"layer": layer, "channel": channel, "images": [
            {"index": int(i), "label": int(data.test_labels[i]), "value": float(v), "row": float(p[0]),
             "col": float(p[1]), "pixels": _flat(image_tensor(data.test_images[i:i + 1])[0])}
            for i, v, p in zip(found.indices[channel][:k], found.values[channel][:k], found.positions[channel][:k])]}

    @router.post("/{run}/visualize", response_model=VisualizeResponse)
    def visualize(run: str, body: VisualizeRequest):
        loaded = registry.get(run, IMAGE_KINDS)
        model, shape = loaded.run.model, _input_shape(loaded)
        objective = fv.units(body.layer, body.units)
        regularization = fv.Regularization(param=body.param, decay=body.decay, transforms=body.transforms,
                                           total_variation=body.total_variation, l2=body.l2,
                                           blur_every=body.blur_every)
        with busy:
            raw, regularized = fv.raw_and_regularized(model, objective, shape, regularization=regularization,
                                                      batch=len(body.units), steps=body.steps, lr=body.lr,
                                                      seed=body.seed)
        return {"shape": list(shape), "objective": objective.description, **{
            name: {"images": [_flat(image) for image in r.images], "start": _flat(r.start), "final": _flat(r.final),
                   "total_variation": _flat(fv.total_variation_of(r.images))}
            for name, r in (("raw", raw), ("regularized", regularized))}}

    @router.post("/{run}/attack", response_model=AttackResponse)
    def attack(run: str, body: AttackRequest):
        loaded = registry.get(run, IMAGE_KINDS)
        model = loaded.run.model
        x, label = test_input(loaded, body.index)
        step_size = body.epsilon if body.steps == 1 else None
        with busy:
            result = pgd(model, x[None], torch.tensor([label]), body.epsilon, steps=body.steps, step_size=step_size,
                         norm=body.norm, target=body.target)
        change = result.perturbation[0]
        return {"label": label, "shape": list(x.shape), "original": _flat(x), "adversarial": _flat(result.adversarial[0]),
                "perturbation": _flat(change), "linf": float(change.abs().max()), "l2": float(change.norm()),
                "before": answer(model, x), "after": answer(model, result.adversarial[0])}

    @router.post("/{run}/fool", response_model=FoolResponse)
    def fool(run: str, body: FoolRequest):
        loaded = registry.get(run, IMAGE_KINDS)
        with busy:
            fooled = fooling_image(loaded.run.model, body.target, _input_shape(loaded), confidence=body.confidence,
                                   seed=body.seed)
        return {"target": fooled.target, "confidence": fooled.confidence, "steps": fooled.steps,
                "shape": list(fooled.image.shape), "image": _flat(fooled.image)}

    @router.post("/{run}/dream", response_model=DreamResponse)
    def dreamed(run: str, body: DreamRequest):
        loaded = registry.get(run, IMAGE_KINDS)
        x, label = test_input(loaded, body.index)
        with busy:
            result = dream(loaded.run.model, x, body.layer, octaves=body.octaves, steps=body.steps,
                           step_size=body.step_size, seed=body.seed)
        return {"label": label, "shape": list(x.shape), "original": _flat(result.original), "image": _flat(result.image),
                "amplification": _flat(result.amplification), "octave_sizes": [list(s) for s in result.octave_sizes]}

    return router
