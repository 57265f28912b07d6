"""The runs a lab serves: one registry for every kind, names checked against a strict pattern and
resolved inside one folder only, each run opened once with :func:`neuronscope.runs.open_run`."""

from __future__ import annotations

import re
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

from ..data import Dataset
from ..errors import CheckpointError, NeuronscopeError
from ..runs import CONFIG, KINDS, Run, open_run, run_kind

RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class UnknownRun(NeuronscopeError):
    """No run of that name (and kind) in the served folder."""


class LoadedRun:
    """A run plus the test images the lab shows, loaded once."""

    def __init__(self, run: Run, data_dir):
        self.run = run
        self._data_dir = data_dir

    @cached_property
    def test_set(self) -> Dataset:
        return self.run.load_test_set(self._data_dir, progress=False)

    def test_image(self, index: int) -> tuple[np.ndarray, int]:
        data = self.test_set
        index %= len(data.test_labels)
        return data.test_images[index], int(data.test_labels[index])


class RunRegistry:
    """Every run in one folder; each page asks for the kinds it shows."""

    def __init__(self, runs_dir: str | Path, data_dir=None):
        self.runs_dir = Path(runs_dir).resolve()
        self.data_dir = data_dir
        self._loaded: dict[str, LoadedRun] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _kind(path: Path) -> str | None:
        try:
            return run_kind(path) if (path / CONFIG).is_file() else None
        except CheckpointError:
            return None

    def names(self, kinds: tuple[str, ...]) -> list[str]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p.name for p in self.runs_dir.iterdir() if RUN_NAME.match(p.name) and self._kind(p) in kinds)

    def path(self, name: str, kinds: tuple[str, ...]) -> Path:
        if not RUN_NAME.match(name):
            raise UnknownRun(f"invalid run name {name!r}: use letters, digits, '.', '_' and '-' only")
        path = (self.runs_dir / name).resolve()
        if path.parent != self.runs_dir or self._kind(path) not in kinds:
            what = " or ".join(KINDS[k].title for k in kinds)
            raise UnknownRun(f"no run named {name!r} ({what}) in {self.runs_dir}")
        return path

    def get(self, name: str, kinds: tuple[str, ...]) -> LoadedRun:
        """The run called ``name`` if it is of one of ``kinds``, opened once."""
        path = self.path(name, kinds)
        with self._lock:
            if name not in self._loaded:
                try:
                    self._loaded[name] = LoadedRun(open_run(path), self.data_dir)
                except CheckpointError as e:
                    raise UnknownRun(f"run {name!r} cannot be loaded: {e}") from None
            return self._loaded[name]
