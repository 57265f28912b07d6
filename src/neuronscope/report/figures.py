"""Figures with a name, a title and a caption, drawn on first use and written as files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from matplotlib.figure import Figure
from tqdm.auto import tqdm

from .. import plot
from ..files import atomic_write_bytes, written_after


class NamedFigure:
    """A figure (or the function that draws it) with its file stem, title and caption.

    Drawing waits until the figure or its PNG is first asked for, so a report that reuses PNG files
    already written never draws them.
    """

    def __init__(self, name: str, title: str, caption: str, figure: Figure | Callable[[], Figure],
                 animation: Callable[[], bytes] | None = None):
        """``animation`` makes the PNG an animated one (APNG); the figure is then its still version
        (for SVG and wherever frames cannot play)."""
        self.name, self.title, self.caption = name, title, caption
        self._figure = figure
        self._animation = animation
        self._png: bytes | None = None

    def __repr__(self) -> str:
        return f"NamedFigure({self.name!r}, {self.title!r})"

    @property
    def figure(self) -> Figure:
        if not isinstance(self._figure, Figure):
            self._figure = self._figure()
        return self._figure

    def png(self) -> bytes:
        if self._png is None:
            self._png = self._animation() if self._animation else plot.figure_png(self.figure)
        return self._png

    def _repr_png_(self) -> bytes:
        return self.png()

    def reuse_png(self, data: bytes) -> None:
        self._png = data


def write_figures(figures: list[NamedFigure], out_dir: str | Path, formats=("png",),
                  progress: bool = True) -> list[Path]:
    paths = []
    for named in tqdm(figures, desc="figures", unit="fig", disable=not progress, leave=False):
        for fmt in formats:
            path = Path(out_dir) / f"{named.name}.{fmt}"
            if fmt == "png":
                atomic_write_bytes(path, named.png())
                paths.append(path)
            else:
                paths.append(plot.save_figure(named.figure, path))
    return paths


def reuse_written(figures: Iterable[NamedFigure], directory: Path, newer_than: Iterable[Path]) -> int:
    """Take each figure's PNG from ``directory`` when that file was written after every path in
    ``newer_than`` (the run's weights and configuration); returns how many were reused."""
    newer_than = list(newer_than)
    reused = 0
    for named in figures:
        path = directory / f"{named.name}.png"
        if not written_after(path, newer_than):
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            named.reuse_png(data)
            reused += 1
    return reused
