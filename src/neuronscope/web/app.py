"""The lab's web app: a JSON API over trained runs plus the static page that draws them.

While a stroke is drawn, the page evaluates dense networks itself from their exported weights:
a browser round trip costs 5-15 ms of a 16 ms frame, the arithmetic well under 1 ms. The
server's ``infer`` does the same preparation and forward pass with the library's own code, for
API users and as the reference the page's arithmetic is tested against.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import orjson
import torch
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, inspect
from ..data.transforms import center_like_mnist, scale, shift
from ..errors import ConfigError, NeuronscopeError
from ..models.mlp import probabilities
from ..plot import palette
from ..runs import CONFIG, DENSE_KINDS
from .basics import router as basics_router
from .registry import LoadedRun, RunRegistry, UnknownRun
from .schemas import (
    InferRequest,
    InferResponse,
    NeuronResponse,
    RunSummary,
    SampleResponse,
    WeightsResponse,
)
from .text import text_router
from .vision import vision_router

STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 4 * 1024 * 1024
PAGES = {"/": "index.html", "/gallery": "gallery.html", "/basics": "basics.html", "/text": "text.html",
         "/vision": "vision.html"}
GALLERY_FIGURES = ("weights_hidden1", "contributions_output", "lego_output", "mistakes", "confusion",
                   "training_curves")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message})


def _json(content) -> Response:
    # Answers are built from plain lists and floats; orjson writes them without a validation pass.
    return Response(orjson.dumps(content), media_type="application/json")


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes, by declared length or as they stream in."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            return await _error(413, f"request body over {self.limit} bytes")(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await _error(413, f"request body over {self.limit} bytes")(scope, receive, send)


class _TooLarge(Exception):
    pass


class _FastJSONRequest(Request):
    """Parses bodies with orjson: a drawing is thousands of floats, which the standard parser reads
    five times slower. Bodies orjson refuses (NaN or Infinity tokens) fall back to the standard
    parser, so they reach validation and get its precise message."""

    async def json(self):
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = orjson.loads(body)
            except orjson.JSONDecodeError:
                self._json = json.loads(body)
        return self._json


class _FastJSONRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()

        async def parse_with_orjson(request: Request):
            return await handler(_FastJSONRequest(request.scope, request.receive))

        return parse_with_orjson


def create_app(runs_dir: str | Path, data_dir=None) -> FastAPI:
    registry = RunRegistry(runs_dir, data_dir)
    # no /docs or /redoc: their pages load scripts from a CDN, and the lab must work offline
    app = FastAPI(title="neuronscope lab", version=__version__, docs_url=None, redoc_url=None)
    app.router.route_class = _FastJSONRoute
    app.state.registry = registry
    figure_cache: dict[tuple[str, str], bytes] = {}
    figure_lock = threading.Lock()

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(422, f"{where + ': ' if where else ''}{first.get('msg', 'invalid request')}")

    @app.exception_handler(UnknownRun)
    async def unknown_run(request: Request, exc: UnknownRun):
        return _error(404, str(exc))

    @app.exception_handler(NeuronscopeError)
    async def bad_value(request: Request, exc: NeuronscopeError):
        return _error(400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    def summary(name: str, loaded: LoadedRun) -> RunSummary:
        run, config = loaded.run, loaded.run.model.config
        final = run.history[-1]["test_accuracy"] if run.history else None
        class_names = [str(i) for i in range(config.layers[-1])]
        if run.dataset.get("class_names"):
            class_names = list(run.dataset["class_names"])
        return RunSummary(name=name, layers=list(config.layers), activation=config.activation, output=config.output,
                          dataset=run.dataset.get("name", "?"), image_shape=list(config.image_shape),
                          class_names=class_names, layer_names=config.layer_names, epochs=run.epoch,
                          test_accuracy=final)

    @app.get("/api/runs", response_model=list[RunSummary])
    async def list_runs():
        return [summary(name, registry.get(name, DENSE_KINDS)) for name in registry.names(DENSE_KINDS)]

    @app.get("/api/runs/{run}", response_model=RunSummary)
    async def describe_run(run: str):
        return summary(run, registry.get(run, DENSE_KINDS))

    @app.post("/api/runs/{run}/infer", response_model=InferResponse)
    async def infer(run: str, body: InferRequest):
        loaded = registry.get(run, DENSE_KINDS)
        model = loaded.run.model
        shape = model.config.image_shape
        image = np.asarray(body.pixels, dtype=np.float32).reshape(body.height, body.width)
        if body.preprocess == "mnist":
            if shape != (28, 28):
                raise ConfigError(f"MNIST-style preprocessing makes 28x28 inputs; this model takes {shape}")
            image = center_like_mnist(image)
        elif image.shape != shape:
            raise ConfigError(f"this model takes {shape[0]}x{shape[1]} inputs, got {body.height}x{body.width}")
        if body.scale != 1.0:
            image = scale(image, body.scale)
        if body.dx or body.dy:
            image = shift(image, body.dx, body.dy)
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(image)).reshape(1, -1)
            acts = model.activations(x)
            probs = probabilities(model, x)[0]
        prediction = int(probs.argmax())
        return _json({"input": image.reshape(-1).tolist(),
                      "activations": {k: v[0].tolist() for k, v in acts.items()},
                      "probabilities": probs.tolist(), "prediction": prediction,
                      "confidence": float(probs[prediction])})

    @app.get("/api/runs/{run}/weights", response_model=WeightsResponse)
    async def weights(run: str):
        model = registry.get(run, DENSE_KINDS).run.model
        return _json({"activation": model.config.activation, "output": model.config.output,
                      "layers": [{"weight": layer.weight.detach().reshape(-1).tolist(),
                                  "bias": layer.bias.detach().tolist(),
                                  "inputs": layer.in_features, "outputs": layer.out_features}
                                 for layer in model.layers]})

    @app.get("/api/runs/{run}/neurons/{layer}/{index}", response_model=NeuronResponse)
    async def neuron(run: str, layer: str, index: int, top: int = Query(default=5, ge=1, le=100)):
        model = registry.get(run, DENSE_KINDS).run.model
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
                "class_effects_direct": position + 2 == len(names)}

    # plain def: loading a test set or drawing figures takes seconds and would stall the event loop
    @app.get("/api/runs/{run}/samples", response_model=SampleResponse)
    def sample(run: str, index: int | None = Query(default=None, ge=0, le=10**9),
                     label: int | None = Query(default=None, ge=0, le=1000)):
        loaded = registry.get(run, DENSE_KINDS)
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

    @app.get("/api/runs/{run}/figures/{name}.png", response_class=Response,
             responses={200: {"content": {"image/png": {}}}})
    def figure(run: str, name: str):
        from ..experiments.dense import run_figures
        from ..plot import figure_png

        if name not in GALLERY_FIGURES:
            raise ConfigError(f"unknown figure {name!r}; choose one of {', '.join(GALLERY_FIGURES)}")
        loaded = registry.get(run, DENSE_KINDS)
        key = (run, name)
        with figure_lock:
            if key not in figure_cache:
                for named in run_figures(loaded.run, loaded.test_set):
                    figure_cache[(run, named.name)] = figure_png(named.figure)
        if key not in figure_cache:
            raise HTTPException(404, f"run {run!r} has no {name} figure")
        return Response(figure_cache[key], media_type="image/png")

    app.include_router(basics_router)
    app.include_router(text_router(registry))
    app.include_router(vision_router(registry))

    @app.get("/palette.js", include_in_schema=False)
    async def palette_module() -> Response:
        return Response(palette.javascript(), media_type="text/javascript")

    for route, page in PAGES.items():
        app.add_api_route(route, _page_response(STATIC / page), include_in_schema=False, methods=["GET"])

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _page_response(file: Path):
    async def page() -> FileResponse:
        return FileResponse(file)

    return page


def serve_lab(runs_dir: str | Path, data_dir, host: str, port: int, banner: str) -> None:
    """Check the port, print ``banner`` (where to point the browser), then serve the lab until Ctrl-C."""
    import uvicorn

    if not 1 <= port <= 65535:
        raise NeuronscopeError(f"port must be between 1 and 65535, got {port}")
    print(banner, flush=True)
    uvicorn.run(create_app(runs_dir, data_dir), host=host, port=port, log_level="warning", access_log=False)


def runs_dir_for(path: str | Path) -> tuple[Path, str | None]:
    """A run directory serves its parent folder with itself selected; any other folder is served as is."""
    path = Path(path)
    if (path / CONFIG).is_file():
        return path.resolve().parent, path.resolve().name
    if not path.is_dir():
        raise UnknownRun(f"{path}: no such run or runs folder")
    return path.resolve(), None


__all__ = ["create_app", "runs_dir_for", "serve_lab"]
