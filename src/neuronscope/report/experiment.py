"""An experiment's outputs: its figures as PNG files, its numbers as results.json, and one
self-contained report.html with both."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..files import atomic_write_bytes, atomic_write_json
from .figures import NamedFigure, write_figures
from .html import render_page


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list]


@dataclass
class ExperimentReport:
    """What an experiment found. ``results`` is plain JSON data: every number the report shows."""

    name: str
    title: str
    summary: list[str]  # paragraphs of plain text
    figures: list[NamedFigure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    results: dict = field(default_factory=dict)

    def write(self, out_dir: str | Path, progress: bool = True) -> Path:
        """Write figures/*.png, results.json and report.html into ``out_dir``; returns the report's path."""
        out_dir = Path(out_dir)
        write_figures(self.figures, out_dir / "figures", progress=progress)
        atomic_write_json(out_dir / "results.json", {"experiment": self.name, "neuronscope": __version__,
                                                     **self.results})
        html = render_page("experiment.html", self.figures, title=self.title, summary=self.summary,
                           tables=self.tables)
        atomic_write_bytes(out_dir / "report.html", html.encode())
        return out_dir / "report.html"
