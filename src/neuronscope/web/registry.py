"""The runs a lab serves: names checked against a strict pattern and resolved inside one folder only."""

from __future__ import annotations

import re
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

from ..data import Dataset
from ..errors import CheckpointError, NeuronscopeError
from ..module_runs import load_image_run
from ..runs import CONFIG, Run, run_kind
from ..text_runs import KIND as TEXT, TextRun, load_text_run

DENSE, IMAGE_MODELS = ("mlp",), ("mlp", "convnet", "linear")

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
        return self.run.load_test_set(self._data_dir, progress=False)

    def test_image(self, index: int) -> tuple[np.ndarray, int]:
        data = self.test_set
        index %= len(data.test_labels)
        return data.test_images[index], int(data.test_labels[index])


class RunRegistry:
    """The runs of one folder whose kind is one of ``kinds``: dense networks (``DENSE``, the default),
    every image model (``IMAGE_MODELS``) or character-level models (``(TEXT,)``)."""

    def __init__(self, runs_dir: str | Path, data_dir=None, *, kinds: tuple[str, ...] = DENSE):
        self.runs_dir = Path(runs_dir).resolve()
        self.data_dir = data_dir
        self.kinds = kinds
        self._loaded: dict[str, LoadedRun | TextRun] = {}
        self._lock = threading.Lock()

    def _serves(self, path: Path) -> bool:
        try:
            return (path / CONFIG).is_file() and run_kind(path) in self.kinds
        except CheckpointError:
            return False

    def names(self) -> list[str]:
        if not self.runs_dir.is_dir():
            return []
        return sorted(p.name for p in self.runs_dir.iterdir() if RUN_NAME.match(p.name) and self._serves(p))

    def path(self, name: str) -> Path:
        if not RUN_NAME.match(name):
            raise UnknownRun(f"invalid run name {name!r}: use letters, digits, '.', '_' and '-' only")
        path = (self.runs_dir / name).resolve()
        if path.parent != self.runs_dir or not self._serves(path):
            what = {DENSE: "", IMAGE_MODELS: "image-model "}.get(self.kinds, "character-level ")
            raise UnknownRun(f"no {what}run named {name!r} in {self.runs_dir}")
        return path

    def get(self, name: str):
        """A LoadedRun for image runs, a TextRun for character-level ones; loaded once."""
        path = self.path(name)
        with self._lock:
            if name not in self._loaded:
                try:
                    self._loaded[name] = (load_text_run(path) if TEXT in self.kinds
                                          else LoadedRun(load_image_run(path), self.data_dir))
                except CheckpointError as e:
                    raise UnknownRun(f"run {name!r} cannot be loaded: {e}") from None
            return self._loaded[name]
