"""Figures with a name, a title and a caption, written as files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure
from tqdm.auto import tqdm

from .. import plot


@dataclass
class NamedFigure:
    name: str  # file stem
    title: str
    caption: str
    figure: Figure


def write_figures(figures: list[NamedFigure], out_dir: str | Path, formats=("png",),
                  progress: bool = True) -> list[Path]:
    paths = []
    for fig in tqdm(figures, desc="figures", unit="fig", disable=not progress, leave=False):
        for fmt in formats:
            paths.append(plot.save_figure(fig.figure, Path(out_dir) / f"{fig.name}.{fmt}"))
    return paths
