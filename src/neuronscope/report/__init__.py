"""Reports assemble what ``inspect`` and ``experiments`` computed: named figures written as files, and
self-contained HTML pages with every figure embedded. Nothing here computes an analysis."""

from .experiment import ExperimentReport, Table
from .figures import NamedFigure, draw_figures, reuse_written, write_figures
from .html import render_page, render_report, write_report

__all__ = ["ExperimentReport", "NamedFigure", "Table", "draw_figures", "render_page", "render_report", "reuse_written",
           "write_figures", "write_report"]
