"""The runs a lab serves: names checked against a strict pattern and resolved inside one folder only."""

from __future__ import annotations

import re
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

from ..data import Dataset
from ..errors import CheckpointError, NeuronscopeError
from ..runs import CONFIG, Run, load_run

RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class UnknownRun(NeuronscopeError):
    """No run of that name in the served folder."""


class LoadedRun:
    """A run plus the test images the lab shows, loaded once."""

    def __init__(self, run: Run, data_dir):
        self.run = run
        self._data_dir = data_dir

    @cached_property
    def test_set(self) -> Dataset:
        return self.run.load_data(self._data_dir, progress=False)

    def test_image(self, index: int) -> tuple[np.ndarray, int]:
        data = self.test_set
        index %= len(data.test_labels)
        return data.test_images[index], int(data.test_labels[index])


class RunRegistry:
    def __init__(self, runs_dir: str | Path, data_dir=None):
        self.runs_dir = Path(runs_dir).resolve()
        self.data_dir = data_dir
        self._loaded: dict[str, LoadedRun] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p.name for p in self.runs_dir.iterdir()
                      if RUN_NAME.match(p.name) and (p / CONFIG).is_file())

    def path(self, name: str) -> Path:
        if not RUN_NAME.match(name):
            raise UnknownRun(f"invalid run name {name!r}: use letters, digits, '.', '_' and '-' only")
        path = (self.runs_dir / name).resolve()
        if path.parent != self.runs_dir or not (path / CONFIG).is_file():
            raise UnknownRun(f"no run named {name!r} in {self.runs_dir}")
        return path

    def get(self, name: str) -> LoadedRun:
        path = self.path(name)
        with self._lock:
            if name not in self._loaded:
                try:
                    self._loaded[name] = LoadedRun(load_run(path), self.data_dir)
                except CheckpointError as e:
                    raise UnknownRun(f"run {name!r} cannot be loaded: {e}") from None
            return self._loaded[name]
