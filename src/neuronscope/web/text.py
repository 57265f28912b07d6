"""The JSON API behind the lab's text page: character-level runs, every cell's activation on any
text, samples with the alternatives the model weighed, and the interpretable cells found."""

from __future__ import annotations

import json

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, Field, ValidationError

from ..errors import ConfigError
from ..inspect.cells import trace_cells
from ..inspect.sampling import sample_text
from ..plot import palette
from ..runs import TEXT_KINDS
from .registry import RunRegistry, UnknownRun
from .routing import api_router
from .schemas import ActivationsResponse, CellsResponse, SampleTextResponse, TextRunInfo

MAX_TRACED_TEXT = 3000
MAX_SAMPLED = 2000
SIGNALS = {"lstm": ("cell", "hidden", "input_gate", "forget_gate", "output_gate"),
           "gru": ("hidden", "reset_gate", "update_gate"), "rnn": ("hidden",)}


class ActivationsRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TRACED_TEXT)
    layer: int = Field(default=1, ge=1, le=16)
    signal: str = Field(default="state", pattern="^(state|cell|hidden|input_gate|forget_gate|output_gate|"
                                                 "reset_gate|update_gate)$")


class SampleRequest(BaseModel):
    prime: str = Field(default="", max_length=MAX_TRACED_TEXT)
    length: int = Field(default=300, ge=1, le=MAX_SAMPLED)
    temperature: float = Field(default=0.8, gt=0, le=10, allow_inf_nan=False)
    seed: int = Field(default=0, ge=0, le=2**31)


def text_router(registry: RunRegistry) -> APIRouter:
    router = api_router("/api/text", "text")

    @router.get("/runs", response_model=list[TextRunInfo])
    def runs():
        listed = []
        for name, loaded in registry.available(TEXT_KINDS):
            run = loaded.run
            final = run.history[-1] if run.history else {}
            listed.append({"name": name, "corpus": run.dataset.get("name"),
                           "language": run.code_language, "cell": run.model.config.cell,
                           "layers": run.model.config.layers, "hidden": run.model.config.hidden,
                           "signals": list(SIGNALS[run.model.config.cell]),
                           "val_nats": final.get("val_nats"), "val_bits": final.get("val_bits"),
                           "parameters": run.parameter_count})
        return listed

    # plain def: tracing thousands of characters takes long enough to hold up other requests
    @router.post("/{run}/activations", response_model=ActivationsResponse)
    def activations(run: str, body: ActivationsRequest):
        """Every cell of one layer at every character of ``text``: ``values[t][cell]``. Characters the
        model never saw are skipped when it reads the text; their ``values[t]`` is null."""
        loaded = registry.get(run, TEXT_KINDS).run
        config = loaded.model.config
        if body.layer > config.layers:
            raise ConfigError(f"this model has layers 1..{config.layers}, got {body.layer}")
        known = [c in config.vocabulary for c in body.text]
        read = "".join(c for c, k in zip(body.text, known) if k)
        if not read:
            raise ConfigError("none of these characters is in the model's vocabulary")
        trace = trace_cells(loaded.model, read)
        signal = trace.state_name if body.signal == "state" else body.signal
        if signal not in trace.layers[0]:
            raise ConfigError(f"a {config.cell.upper()} has {', '.join(SIGNALS[config.cell])}; got {signal!r}")
        values = trace.layers[body.layer - 1][signal]
        rows = iter(np.round(values, 4).tolist())
        return {"chars": list(body.text), "signal": signal, "layer": body.layer,
                "values": [next(rows) if k else None for k in known],
                "unknown": sorted({c for c, k in zip(body.text, known) if not k}),
                "reach": [round(palette.reach(values[:, cell]), 4) for cell in range(values.shape[1])]}

    @router.post("/{run}/sample", response_model=SampleTextResponse)
    def sample(run: str, body: SampleRequest):
        chars = sample_text(registry.get(run, TEXT_KINDS).run.model, body.length, prime=body.prime, temperature=body.temperature,
                            seed=body.seed)
        return {"chars": [{"char": c.char, "probability": c.probability, "alternatives": c.alternatives}
                          for c in chars]}

    @router.get("/{run}/cells", response_model=CellsResponse)
    def cells(run: str):
        """The findings of ``neuronscope text cells RUN`` (its cells.json)."""
        path = registry.get(run, TEXT_KINDS).run.path / "cells.json"
        if not path.is_file():
            raise UnknownRun(f"no cell analysis for {run!r} yet: run `neuronscope text cells` on it")
        try:
            return CellsResponse.model_validate(json.loads(path.read_text()))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValidationError):
            raise UnknownRun(f"the cell analysis of {run!r} is damaged or from another version; run "
                             f"`neuronscope text cells` again") from None

    return router
