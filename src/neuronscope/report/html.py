"""A self-contained HTML report for a run: every figure embedded, plus its configuration and curves."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .. import __version__
from ..files import atomic_write_bytes
from ..runs import Run
from .figures import NamedFigure


def render_page(template: str, figures: list[NamedFigure], **values) -> str:
    """One of the package's HTML templates, with ``figures`` embedded as PNG data."""
    env = Environment(loader=PackageLoader("neuronscope.report"), autoescape=select_autoescape())
    embedded = [{"title": f.title, "caption": f.caption, "name": f.name,
                 "png": base64.b64encode(f.png()).decode()} for f in figures]
    return env.get_template(template).render(figures=embedded, version=__version__,
                                             created=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), **values)


def render_report(run: Run, figures: list[NamedFigure], dataset_summary: dict, hints: list[dict] = ()) -> str:
    final = run.history[-1] if run.history else None
    return render_page("report.html", figures, run_name=run.path.name, model=run.model.config.to_json(),
                       training=run.training.to_json() if run.training else None, dataset=dataset_summary,
                       history=run.history, final=final, parameters=run.parameter_count, hints=hints)


def write_report(run: Run, figures: list[NamedFigure], dataset_summary: dict, path: str | Path | None = None, *,
                 hints: list[dict] = ()) -> Path:
    """``hints``: the run's health hints (``experiments.dense.health_hints``), shown above the figures."""
    path = Path(path) if path else run.path / "report.html"
    atomic_write_bytes(path, render_report(run, figures, dataset_summary, hints).encode())
    return path
