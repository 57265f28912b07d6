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
from ..text_runs import TextRun, is_text_run, load_text_run

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
    """The image runs (``text=False``) or the character-level runs (``text=True``) of one folder."""

    def __init__(self, runs_dir: str | Path, data_dir=None, *, text: bool = False):
        self.runs_dir = Path(runs_dir).resolve()
        self.data_dir = data_dir
        self.text = text
        self._loaded: dict[str, LoadedRun | TextRun] = {}
        self._lock = threading.Lock()

    def _serves(self, path: Path) -> bool:
        return (path / CONFIG).is_file() and is_text_run(path) == self.text

    def names(self) -> list[str]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p.name for p in self.runs_dir.iterdir() if RUN_NAME.match(p.name) and self._serves(p))

    def path(self, name: str) -> Path:
        if not RUN_NAME.match(name):
            raise UnknownRun(f"invalid run name {name!r}: use letters, digits, '.', '_' and '-' only")
        path = (self.runs_dir / name).resolve()
        if path.parent != self.runs_dir or not self._serves(path):
            raise UnknownRun(f"no {'character-level ' if self.text else ''}run named {name!r} in {self.runs_dir}")
        return path

    def get(self, name: str):
        """A LoadedRun for image runs, a TextRun for character-level ones; loaded once."""
        path = self.path(name)
        with self._lock:
            if name not in self._loaded:
                try:
                    self._loaded[name] = load_text_run(path) if self.text else LoadedRun(load_run(path), self.data_dir)
                except CheckpointError as e:
                    raise UnknownRun(f"run {name!r} cannot be loaded: {e}") from None
            return self._loaded[name]
