"""Run reports: the standard figure set and a self-contained HTML page."""

from .figures import NamedFigure, run_figures, write_figures
from .experiment import ExperimentReport, Table
from .html import render_report, write_report

__all__ = ["ExperimentReport", "NamedFigure", "Table", "render_report", "run_figures", "write_figures", "write_report"]
