"""Run reports: the standard figure set and a self-contained HTML page."""

from .figures import NamedFigure, run_figures, write_figures
from .html import render_report, write_report

__all__ = ["NamedFigure", "render_report", "run_figures", "write_figures", "write_report"]
