"""The runs a lab serves: one registry for every kind, names checked against a strict pattern and
resolved inside one folder only, each run opened once with :func:`neuronscope.runs.open_run`."""

from __future__ import annotations

import os
import re
import threading
from functools import cached_property
from pathlib import Path

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel
from torch import nn

from ..data import Dataset
from ..errors import NeuronscopeError
from ..runs import CONFIG, KINDS, MODEL, Run, open_run
from .routing import api_router

RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class UnknownRun(NeuronscopeError):
    """No run of that name (and kind) in the served folder."""


class LoadedRun:
    """A run plus the test images the lab shows, loaded once."""

    def __init__(self, run: Run, data_dir, signature: tuple = ()):
        self.run = run
        self.signature = signature
        self._data_dir = data_dir
        self._snapshots: dict[int, nn.Module] = {}

    @cached_property
    def test_set(self) -> Dataset:
        return self.run.load_test_set(self._data_dir, progress=False)

    @cached_property
    def health(self) -> list[dict]:
        """The run's health hints (dense networks), computed once from its training and test images."""
        from ..experiments.dense import health_hints

        return health_hints(self.run, lambda: self.run.load_data(self._data_dir, progress=False))

    def model_at(self, epoch: int | None):
        """The run's network, or as it was after ``epoch`` when the run kept snapshots (read once)."""
        if epoch is None:
            return self.run.model
        if epoch not in self._snapshots:
            self._snapshots[epoch] = self.run.snapshot(epoch)
        return self._snapshots[epoch]

    def test_image(self, index: int) -> tuple[np.ndarray, int]:
        data = self.test_set
        index %= len(data.test_labels)
        return data.test_images[index], int(data.test_labels[index])


class RunRegistry:
    """Every run in one folder; each page asks for the kinds it shows. A run that cannot be opened is
    left out of the listings and reported by :meth:`unavailable` with its reason; failures are
    remembered until the run's files change, so a bad neighbour is not reopened on every request."""

    def __init__(self, runs_dir: str | Path, data_dir=None):
        self.runs_dir = Path(runs_dir).resolve()
        self.data_dir = data_dir
        self._loaded: dict[str, LoadedRun] = {}
        self._failed: dict[str, tuple[tuple, str]] = {}
        self._lock = threading.Lock()

    def _entries(self) -> list[Path]:
        """The folder's candidate runs: well-named entries holding a config.json."""
        if not self.runs_dir.is_dir():
            return []
        return sorted(p for p in self.runs_dir.iterdir() if RUN_NAME.match(p.name) and (p / CONFIG).exists())

    def _open(self, path: Path) -> tuple[str, LoadedRun]:
        """(kind, run) of a served entry, opened once; UnknownRun with the reason when it cannot be."""
        name = path.name
        if path.resolve().parent != self.runs_dir:
            raise UnknownRun(f"run {name!r} is a link leading outside the served folder")
        signature = _signature(path)
        with self._lock:
            if name in self._loaded and self._loaded[name].signature == signature:
                return self._loaded[name].run.kind, self._loaded[name]
            failed = self._failed.get(name)
            if failed and failed[0] == signature:
                raise UnknownRun(failed[1])
            try:
                loaded = LoadedRun(open_run(path), self.data_dir, signature)
            except NeuronscopeError as e:
                reason = f"run {name!r} cannot be opened: {e}".replace(f"{self.runs_dir}{os.sep}", "")
                self._failed[name] = (signature, reason)
                raise UnknownRun(reason) from None
            self._loaded[name] = loaded
            self._failed.pop(name, None)
            return loaded.run.kind, loaded

    def available(self, kinds: tuple[str, ...]) -> list[tuple[str, LoadedRun]]:
        """The runs of ``kinds`` that open, by name."""
        found = []
        for path in self._entries():
            try:
                kind, loaded = self._open(path)
            except UnknownRun:
                continue
            if kind in kinds:
                found.append((path.name, loaded))
        return found

    def unavailable(self) -> list[tuple[str, str]]:
        """(name, one-line reason) of every run in the folder that cannot be opened."""
        reasons = []
        for path in self._entries():
            try:
                self._open(path)
            except UnknownRun as e:
                reasons.append((path.name, str(e)))
        return reasons

    def get(self, name: str, kinds: tuple[str, ...]) -> LoadedRun:
        """The run called ``name`` if it is of one of ``kinds``, opened once."""
        if not RUN_NAME.match(name):
            raise UnknownRun(f"invalid run name {name!r}: use letters, digits, '.', '_' and '-' only")
        path = self.runs_dir / name
        what = " or ".join(KINDS[k].title for k in kinds)
        if not (path / CONFIG).exists():
            raise UnknownRun(f"no run named {name!r} ({what}) in {self.runs_dir.name}")
        kind, loaded = self._open(path)
        if kind not in kinds:
            raise UnknownRun(f"no run named {name!r} ({what}) in {self.runs_dir.name}: it holds {KINDS[kind].title}")
        return loaded


def _signature(path: Path) -> tuple:
    """What changes when a run's files are replaced (each write is an atomic rename)."""
    stats = []
    for name in (CONFIG, MODEL):
        try:
            stat = (path / name).stat()
            stats.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
        except OSError:
            stats.append(None)
    return tuple(stats)


class UnavailableRun(BaseModel):
    name: str
    reason: str


def runs_router(registry: RunRegistry) -> APIRouter:
    router = api_router("/api/unavailable", "runs")

    @router.get("", response_model=list[UnavailableRun])
    def unavailable():
        """The runs of the served folder that cannot be opened, each with its one-line reason."""
        return [UnavailableRun(name=name, reason=reason) for name, reason in registry.unavailable()]

    return router
