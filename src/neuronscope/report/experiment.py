"""An experiment's outputs: its figures as PNG files, its numbers as results.json, and one
self-contained report.html with both."""

from __future__ import annotations

import base64
import html
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

    def _repr_html_(self) -> str:
        """In a notebook: the summary, the tables and every figure, inline."""
        parts = [f"<h3>{html.escape(self.title)}</h3>", *(f"<p>{html.escape(p)}</p>" for p in self.summary)]
        for table in self.tables:
            head = "".join(f"<th>{html.escape(str(h))}</th>" for h in table.header)
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                           for row in table.rows)
            parts.append(f"<table><caption>{html.escape(table.caption)}</caption><tr>{head}</tr>{rows}</table>")
        for named in self.figures:
            parts.append(f"<h4>{html.escape(named.title)}</h4><p>{html.escape(named.caption)}</p>"
                         f'<img style="max-width:100%" alt="{html.escape(named.title)}" '
                         f'src="data:image/png;base64,{base64.b64encode(named.png()).decode()}">')
        return "".join(parts)

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
