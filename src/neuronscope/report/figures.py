"""Figures with a name, a title and a caption, drawn on first use (side by side in worker processes
when asked) and written as files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from matplotlib.figure import Figure
from tqdm.auto import tqdm

from ..files import atomic_write_bytes, written_after
from ..plot.style import figure_bytes


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
        self._files: dict[str, bytes] = {}  # format -> the file's contents, once drawn

    def __repr__(self) -> str:
        return f"NamedFigure({self.name!r}, {self.title!r})"

    @property
    def figure(self) -> Figure:
        if not isinstance(self._figure, Figure):
            self._figure = self._figure()
        return self._figure

    def file(self, fmt: str = "png") -> bytes:
        """The figure as a ``png`` (animated where it has an animation) or ``svg`` file's contents."""
        if fmt not in self._files:
            animated = fmt == "png" and self._animation
            self._files[fmt] = self._animation() if animated else figure_bytes(self.figure, fmt)
        return self._files[fmt]

    def file_all(self, formats: Iterable[str]) -> dict[str, bytes]:
        return {fmt: self.file(fmt) for fmt in formats}

    def png(self) -> bytes:
        return self.file("png")

    def _repr_png_(self) -> bytes:
        return self.png()

    def reuse_png(self, data: bytes) -> None:
        self.keep({"png": data})

    def keep(self, files: dict[str, bytes]) -> None:
        """Take files drawn elsewhere (format -> contents) as this figure's."""
        self._files.update(files)

    def drawn(self, formats: Iterable[str]) -> bool:
        return all(fmt in self._files for fmt in formats)


def draw_figures(figures: list[NamedFigure], formats=("png",), *, progress: bool = True, workers: int = 1) -> None:
    """Draw every figure's files that are not drawn yet, in ``workers`` processes forked from this one.
    Workers are for the command line: a forked copy of a process with threads (a web server) may
    inherit a lock some thread held."""
    global _DRAWING
    pending = [i for i, named in enumerate(figures) if not named.drawn(formats)]
    if workers < 2 or len(pending) < 2:
        drawn = ((index, figures[index].file_all(formats)) for index in pending)
    else:
        from ..experiments.parallel import run_tasks

        _DRAWING = (figures, tuple(formats))  # what the forked workers find by index
        drawn = run_tasks(_draw, pending, workers=min(workers, len(pending)))
    try:
        for index, files in tqdm(drawn, total=len(pending), desc="figures", unit="fig", disable=not progress,
                                 leave=False):
            figures[index].keep(files)
    finally:
        _DRAWING = ([], ())


_DRAWING: tuple[list[NamedFigure], tuple[str, ...]] = ([], ())


def _draw(index: int) -> dict[str, bytes]:
    figures, formats = _DRAWING
    return figures[index].file_all(formats)


def write_figures(figures: list[NamedFigure], out_dir: str | Path, formats=("png",), progress: bool = True,
                  workers: int = 1) -> list[Path]:
    """Draw (see :func:`draw_figures`) and write every figure in each format; returns the files."""
    draw_figures(figures, formats, progress=progress, workers=workers)
    paths = []
    for named in figures:
        for fmt in formats:
            path = Path(out_dir) / f"{named.name}.{fmt}"
            atomic_write_bytes(path, named.file(fmt))
            paths.append(path)
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
