"""The JSON API behind the digit lab: dense networks and grayscale ConvNets, their weights for the page
to evaluate, one neuron's (or channel's) weights image and pushes, test images, the standard figures,
and inference by the library."""

from __future__ import annotations

import threading

import numpy as np
import orjson
import torch
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from .. import inspect
from ..data.transforms import DRAWING_PREPARATIONS, scale, shift
from ..errors import ConfigError
from ..models.mlp import probabilities
from ..plot import palette
from ..runs import DENSE_KINDS
from . import digit_convnet
from .registry import LoadedRun, RunRegistry, UnknownRun
from .routing import api_router
from .schemas import (
    HealthHint,
    InferRequest,
    InferResponse,
    MapResponse,
    NeuronResponse,
    RunSummary,
    SampleResponse,
    SnapshotsResponse,
    WeightsResponse,
)

DIGIT_KINDS = ("mlp", "convnet")
MAX_MAP_POINTS, MAP_THUMBNAILS = 3000, 24
EPOCH = Query(default=None, ge=0, le=10**6, description="a kept epoch (see /snapshots); default: the trained network")
GALLERY_FIGURES = ("weights_hidden1", "contributions_output", "lego_output", "mistakes", "confusion",
                   "training_curves")


def _json(content) -> Response:
    # Answers are built from plain lists and floats; orjson writes them without a validation pass.
    return Response(orjson.dumps(content), media_type="application/json")


def _rounded(values) -> list:
    return np.round(np.asarray(values, dtype=np.float64), 4).tolist()


def _map_answer(loaded: LoadedRun, layer: str, method: str, points: int) -> dict:
    from ..inspect.activation_map import activation_map
    from ..plot.activation_map import CLASS_COLORS, map_title, spread_points

    data = loaded.test_set
    found = activation_map(loaded.run.model, data.test_images, data.test_labels, layer, method=method, points=points)
    thumbnails = spread_points(found.coords, MAP_THUMBNAILS)
    return {"layer": layer, "method": method, "title": map_title(found), "placement": found.placement,
            "coords": _rounded(found.coords), "labels": found.labels.tolist(),
            "activations": None if method == "pca" else _rounded(found.activations),
            "mean": None if found.mean is None else _rounded(found.mean),
            "components": None if found.components is None else _rounded(found.components),
            "colors": list(CLASS_COLORS),
            "thumbnails": [{"point": k, "pixels": _rounded(data.test_images[found.indices[k]].reshape(-1))}
                           for k in thumbnails]}


def dense_router(registry: RunRegistry) -> APIRouter:
    router = api_router("/api/runs", "dense networks")
    figure_cache: dict[tuple[str, str], bytes] = {}
    figure_lock = threading.Lock()
    map_cache: dict[tuple, dict] = {}
    map_lock = threading.Lock()

    def drawable(loaded: LoadedRun) -> bool:
        # the drawing pad makes one gray channel; color ConvNets live on the vision page
        return getattr(loaded.run.model.config, "in_channels", 1) == 1

    def get(name: str) -> LoadedRun:
        loaded = registry.get(name, DIGIT_KINDS)
        if not drawable(loaded):
            raise UnknownRun(f"{name!r} is a color ConvNet: look at it on the vision page, not the digit lab")
        return loaded

    def summary(name: str, loaded: LoadedRun) -> RunSummary:
        run, config = loaded.run, loaded.run.model.config
        convnet = run.kind == "convnet"
        units = digit_convnet.unit_counts(run.model) if convnet else list(config.layers)
        class_names = [str(i) for i in range(units[-1])]
        if run.dataset.get("class_names"):
            class_names = list(run.dataset["class_names"])
        return RunSummary(name=name, kind=run.kind, layers=units, activation="relu" if convnet else config.activation,
                          output="softmax" if convnet else config.output, dataset=run.dataset.get("name", "?"),
                          image_shape=list(config.image_shape), class_names=class_names,
                          layer_names=config.layer_names, epochs=run.epoch, test_accuracy=run.test_accuracy,
                          parameters=run.parameter_count, architecture=run.architecture,
                          map_shapes=digit_convnet.map_shapes(run.model) if convnet else {})

    @router.get("", response_model=list[RunSummary])
    async def list_runs():
        return [summary(name, loaded) for name, loaded in registry.available(DIGIT_KINDS) if drawable(loaded)]

    @router.get("/{run}", response_model=RunSummary)
    async def describe_run(run: str):
        return summary(run, get(run))

    # a plain def: the first call reads the run's images, which should not hold up other requests
    @router.get("/{run}/health", response_model=list[HealthHint])
    def health(run: str):
        loaded = get(run)
        return loaded.health if loaded.run.kind in DENSE_KINDS else []

    @router.post("/{run}/infer", response_model=InferResponse)
    async def infer(run: str, body: InferRequest):
        loaded = get(run)
        model = loaded.run.model
        shape = model.config.image_shape
        image = np.asarray(body.pixels, dtype=np.float32).reshape(body.height, body.width)
        if body.preprocess != "none":
            prepare, size = DRAWING_PREPARATIONS[body.preprocess]
            if shape != size:
                raise ConfigError(f"{body.preprocess}-style preprocessing makes {size[0]}x{size[1]} inputs; "
                                  f"this model takes {shape[0]}x{shape[1]}")
            image = prepare(image)
        elif image.shape != shape:
            raise ConfigError(f"this model takes {shape[0]}x{shape[1]} inputs, got {body.height}x{body.width}")
        if body.scale != 1.0:
            image = scale(image, body.scale)
        if body.dx or body.dy:
            image = shift(image, body.dx, body.dy)
        if loaded.run.kind == "convnet":
            activations, probs = digit_convnet.evaluate(model, image)
        else:
            with torch.inference_mode():
                x = torch.from_numpy(np.ascontiguousarray(image)).reshape(1, -1)
                activations = {k: v[0].tolist() for k, v in model.activations(x).items()}
                probs = probabilities(model, x)[0]
        prediction = int(probs.argmax())
        return _json({"input": image.reshape(-1).tolist(), "activations": activations,
                      "probabilities": probs.tolist(), "prediction": prediction,
                      "confidence": float(probs[prediction])})

    @router.get("/{run}/snapshots", response_model=SnapshotsResponse)
    async def snapshots(run: str):
        """The epochs whose weights the run kept (trained with --snapshots), for the time-lapse."""
        kept = get(run).run
        return {"epochs": kept.snapshot_epochs, "test_accuracy": kept.snapshot_accuracy()}

    @router.get("/{run}/weights", response_model=WeightsResponse)
    async def weights(run: str, epoch: int | None = EPOCH):
        loaded = get(run)
        model = loaded.model_at(epoch)
        if loaded.run.kind == "convnet":
            return _json(digit_convnet.weights(model))
        return _json({"activation": model.config.activation, "output": model.config.output,
                      "layers": [{"weight": layer.weight.detach().reshape(-1).tolist(),
                                  "bias": layer.bias.detach().tolist(),
                                  "inputs": layer.in_features, "outputs": layer.out_features}
                                 for layer in model.layers]})

    @router.get("/{run}/neurons/{layer}/{index}", response_model=NeuronResponse)
    async def neuron(run: str, layer: str, index: int, top: int = Query(default=5, ge=1, le=100),
                     epoch: int | None = EPOCH):
        loaded = get(run)
        model = loaded.model_at(epoch)
        if loaded.run.kind == "convnet":
            return digit_convnet.neuron(model, layer, index, top)
        weights = inspect.weights_images(model, layer)
        if not 0 <= index < len(weights.images):
            raise ConfigError(f"{layer} has neurons 0..{len(weights.images) - 1}, got {index}")
        names = model.config.layer_names
        pushes = []
        position = names.index(layer)
        if position + 1 < len(names):
            column = inspect.contributions(model, names[position + 1])[:, index]
            order = np.argsort(-np.abs(column), kind="stable")[:top]
            pushes = [{"layer": names[position + 1], "index": int(j), "weight": float(column[j])} for j in order]
        effects = inspect.class_effects(model, layer)
        return {"layer": layer, "index": index, "weights_image": weights.images[index].reshape(-1).tolist(),
                "reach": palette.reach(weights.images),
                "image_shape": list(weights.images.shape[1:]), "projected": weights.projected, "pushes": pushes,
                "class_effects": [] if effects is None else effects[:, index].tolist(),
                "class_effects_direct": position + 2 == len(names),
                "reads": "weights projected to pixels" if weights.projected else "its weights over the pixels"}

    # plain def: a t-SNE of a thousand points takes seconds
    @router.get("/{run}/map", response_model=MapResponse)
    def activation_space(run: str, layer: str = Query(max_length=64),
                         method: str = Query(default="pca", pattern="^(pca|tsne|umap)$"),
                         points: int = Query(default=1000, ge=10, le=MAX_MAP_POINTS)):
        """The test images placed by their activations in ``layer``, and what the page needs to place
        its own input on the same map: the PCA directions, or every point's activations (t-SNE and
        UMAP place a new input at the mean of its nearest test images)."""
        loaded = get(run)
        if layer not in loaded.run.model.config.layer_names:
            raise ConfigError(f"unknown layer {layer!r}; this network has "
                              f"{', '.join(loaded.run.model.config.layer_names)}")
        key = (run, loaded.signature, layer, method, points)
        with map_lock:
            if key not in map_cache:
                map_cache[key] = _map_answer(loaded, layer, method, points)
        return _json(map_cache[key])

    # plain def: loading a test set or drawing figures takes seconds and would stall the event loop
    @router.get("/{run}/samples", response_model=SampleResponse)
    def sample(run: str, index: int | None = Query(default=None, ge=0, le=10**9),
                     label: int | None = Query(default=None, ge=0, le=1000)):
        loaded = get(run)
        data = loaded.test_set
        if index is None:
            candidates = np.arange(len(data.test_labels))
            if label is not None:
                candidates = np.flatnonzero(data.test_labels == label)
                if not len(candidates):
                    raise ConfigError(f"no test image has label {label}")
            index = int(np.random.default_rng().choice(candidates))
        image, true_label = loaded.test_image(index)
        return {"index": index % len(data.test_labels), "label": true_label, "pixels": image.reshape(-1).tolist()}

    @router.get("/{run}/figures/{name}.png", response_class=Response,
             responses={200: {"content": {"image/png": {}}}})
    def figure(run: str, name: str):
        from ..experiments.dense import run_figures

        if name not in GALLERY_FIGURES:
            raise ConfigError(f"unknown figure {name!r}; choose one of {', '.join(GALLERY_FIGURES)}")
        loaded = registry.get(run, DENSE_KINDS)
        key = (run, name)
        with figure_lock:
            if key not in figure_cache:
                for named in run_figures(loaded.run, loaded.test_set):
                    if named.name == name:
                        figure_cache[key] = named.png()
        if key not in figure_cache:
            raise HTTPException(404, f"run {run!r} has no {name} figure")
        return Response(figure_cache[key], media_type="image/png")

    return router
