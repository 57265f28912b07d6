"""The JSON API behind the lab's basics pages: toy data, backpropagation traced, descent on a loss surface.

Training on the toy data happens in the page itself (a few dozen weights: many steps per frame);
these calls serve what the library computes once per change of a setting.
"""

from __future__ import annotations

import time
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ..basics import (
    LOSSES,
    TRAINABLE_ACTIVATIONS,
    TinyNetwork,
    backprop_trace,
    best_fit,
    critical_learning_rate,
    descent_path,
    example_network,
    learning_rate_trio,
    line_data,
    surface_grid,
    view_bounds,
)
from ..choices import MAX_TOY_CLASSES
from ..data.toy import MAX_TOY_CSV_BYTES, MAX_TOY_POINTS, TOY_DATASETS, make_toy, toy_from_csv
from ..errors import ConfigError
from ..feature_configs import ToyConfig
from ..inspect.toy_superposition import train_toy_model
from .routing import api_router

Number = Annotated[float, Field(allow_inf_nan=False, ge=-1000, le=1000)]
MAX_SHOWN_NEURONS = 8  # the step-by-step diagram draws every neuron
Layer = Annotated[list[Number], Field(min_length=1, max_length=MAX_SHOWN_NEURONS)]
SURFACE_RESOLUTION = 90


class ToyResponse(BaseModel):
    name: str
    points: list[list[float]]  # (n, 2)
    labels: list[int]
    feature_names: list[str]
    class_names: list[str]


class ToyCSVRequest(BaseModel):
    csv: str = Field(max_length=MAX_TOY_CSV_BYTES, description="rows of x1, x2, label; an optional header row")
    name: str = Field(default="your data", max_length=100)


class BackpropRequest(BaseModel):
    """A small network (weights[l] is (out, in) as nested lists), one input and its target."""

    weights: list[Annotated[list[Layer], Field(min_length=1, max_length=MAX_SHOWN_NEURONS)]] = Field(min_length=1,
                                                                                                   max_length=3)
    biases: list[Layer] = Field(min_length=1, max_length=3)
    activation: str = Field(default="sigmoid", pattern="^(" + "|".join(TRAINABLE_ACTIVATIONS) + ")$")
    x: list[Number] = Field(min_length=1, max_length=MAX_SHOWN_NEURONS)
    target: float = Field(ge=0, le=1, allow_inf_nan=False)
    loss: str = Field(default="squared", pattern="^(" + "|".join(LOSSES) + ")$")
    lr: float = Field(default=0.5, gt=0, le=100, allow_inf_nan=False)


class ToySuperpositionRequest(BaseModel):
    """The toy model of superposition to train: the page's sliders."""

    features: int = Field(default=5, ge=2, le=32)
    dimensions: int = Field(default=2, ge=1, le=16)
    sparsity: float = Field(default=0.9, ge=0, le=0.999, allow_inf_nan=False)
    importance_decay: float = Field(default=0.9, gt=0, le=1, allow_inf_nan=False)
    seed: int = Field(default=0, ge=0, le=2**31)


class ToySuperpositionResponse(BaseModel):
    weights: list[list[float]]  # (dimensions, features): column i is feature i's direction
    gram: list[list[float]]  # (features, features) W^T W
    norms: list[float]
    interference: list[float]
    importance: list[float]
    represented: int
    dimensions_per_feature: float
    loss: float
    seconds: float


class DescentRequest(BaseModel):
    lrs: list[Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]] | None = Field(default=None, min_length=1,
                                                                                        max_length=4)
    steps: int = Field(default=40, ge=1, le=200)
    start: tuple[Number, Number] = (-1.0, 3.0)
    seed: int = Field(default=0, ge=0, le=2**31)


class NetworkValues(BaseModel):
    weights: list[list[list[float]]]  # per layer, (out, in)
    biases: list[list[float]]
    activation: str


class BackpropResponse(BaseModel):
    sizes: list[int]
    z: list[list[float]]
    a: list[list[float]]
    loss: float
    deltas: list[list[float]]
    weight_gradients: list[list[list[float]]]
    bias_gradients: list[list[float]]
    numerical_weight_gradients: list[list[list[float]]]
    numerical_bias_gradients: list[list[float]]
    largest_difference: float
    loss_after: float
    after: NetworkValues


class DescentPathValues(BaseModel):
    lr: float
    points: list[list[float]]  # (steps + 1, 2): (w, b) after each step
    losses: list[float]
    diverged: bool
    bounds: list[float]
    surface: list[list[float]]  # log10 of the loss over the bounds


class DescentResponse(BaseModel):
    x: list[float]
    y: list[float]
    best: list[float]
    critical_lr: float
    paths: list[DescentPathValues]


def basics_router() -> APIRouter:
    router = api_router("/api/basics", "basics")

    @router.get("/toy/{name}", response_model=ToyResponse)
    async def toy(name: str, n: int = Query(default=200, ge=2, le=MAX_TOY_POINTS),
                  noise: float = Query(default=0.1, ge=0, le=1), seed: int = Query(default=0, ge=0, le=2**31),
                  classes: int | None = Query(default=None, ge=2, le=MAX_TOY_CLASSES)):
        return _toy_fields(make_toy(name, n, noise, seed, classes))

    @router.post("/toy/csv", response_model=ToyResponse)
    async def toy_csv(body: ToyCSVRequest):
        """A user's own points: rows of x1, x2, label, as ``neuronscope basics boundaries --csv`` reads them."""
        return _toy_fields(toy_from_csv(body.csv, body.name))

    @router.get("/toy", response_model=list[str])
    async def toy_names():
        return list(TOY_DATASETS)

    @router.get("/backprop/example", response_model=BackpropRequest)
    async def backprop_example():
        network, x, target = example_network()
        return _network_fields(network) | {"x": x.tolist(), "target": target}

    @router.post("/backprop", response_model=BackpropResponse)
    async def backprop(body: BackpropRequest):
        """Every forward value, the loss, d loss / d z of each neuron, each gradient by backpropagation
        and by finite differences, and the loss after one step of size ``lr``."""
        network = TinyNetwork(tuple(_matrix(rows, l) for l, rows in enumerate(body.weights)),
                              tuple(np.array(b, dtype=np.float64) for b in body.biases), body.activation)
        trace = backprop_trace(network, body.x, body.target, body.loss, body.lr)
        return {"sizes": list(network.sizes), "z": _lists(trace.z), "a": _lists(trace.a), "loss": trace.loss,
                "deltas": _lists(trace.deltas), "weight_gradients": _lists(trace.weight_gradients),
                "bias_gradients": _lists(trace.bias_gradients),
                "numerical_weight_gradients": _lists(trace.numerical_weight_gradients),
                "numerical_bias_gradients": _lists(trace.numerical_bias_gradients),
                "largest_difference": trace.largest_difference, "loss_after": trace.loss_after,
                "after": _network_fields(trace.after)}

    @router.post("/superposition", response_model=ToySuperpositionResponse)
    def superposition(body: ToySuperpositionRequest):
        # a plain def: FastAPI runs it on its thread pool, so half a second of training never stalls other pages
        start = time.perf_counter()
        model = train_toy_model(ToyConfig(**body.model_dump()))
        found = model.to_json()
        return ToySuperpositionResponse(weights=found["weights"], gram=model.gram.round(5).tolist(),
                                        norms=found["norms"], interference=found["interference"],
                                        importance=found["importance"], represented=model.represented,
                                        dimensions_per_feature=model.dimensions_per_feature, loss=model.loss,
                                        seconds=time.perf_counter() - start)

    @router.post("/descent", response_model=DescentResponse)
    async def descent(body: DescentRequest):
        """Gradient descent on y = w·x + b from ``start`` with each learning rate (default: too small, good,
        too large for this data), each path with the loss surface around it."""
        data = line_data(seed=body.seed)
        best = best_fit(data)
        lrs = body.lrs or list(learning_rate_trio(data))
        paths = []
        for lr in lrs:
            path = descent_path(data, lr, body.steps, body.start)
            bounds = view_bounds(path, best)
            paths.append({"lr": lr, "points": path.points.tolist(), "losses": path.losses.tolist(),
                          "diverged": path.diverged, "bounds": list(bounds),
                          "surface": np.log10(surface_grid(data, bounds, SURFACE_RESOLUTION)).round(4).tolist()})
        return {"x": data.x.tolist(), "y": data.y.tolist(), "best": best.tolist(),
                "critical_lr": critical_learning_rate(data), "paths": paths}

    return router


def _matrix(rows: list[list[float]], layer: int) -> np.ndarray:
    if not rows or len({len(row) for row in rows}) != 1 or not rows[0]:
        raise ConfigError(f"weights[{layer}] must be a non-empty (out, in) matrix: every row the same, non-zero length")
    return np.array(rows, dtype=np.float64)


def _lists(arrays) -> list:
    return [np.asarray(a).tolist() for a in arrays]


def _toy_fields(data) -> dict:
    return {"name": data.name, "points": data.points.tolist(), "labels": data.labels.tolist(),
            "feature_names": list(data.feature_names), "class_names": list(data.class_names)}


def _network_fields(network: TinyNetwork) -> dict:
    return {"weights": _lists(network.weights), "biases": _lists(network.biases), "activation": network.activation}
