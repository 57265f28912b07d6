"""What a character-level run learned, and its report: samples, the cells that track something nameable,
each shown on text colored character by character, and the gates' saturation."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import __version__
from ..choices import ANALYZED_CHARS
from ..data.text import validation_start
from ..files import atomic_write_bytes, atomic_write_json
from ..inspect.cells import CellTrace, saturation, trace_cells
from ..inspect.discovery import INTERPRETABLE_AUC, INTERPRETABLE_CORRELATION, CellDiscovery, discover_cells
from ..inspect.sampling import SampledChar, sample_text
from ..inspect.text_features import text_features
from ..notebook import discovery_table
from ..plot import palette
from ..plot.text import plot_saturation, plot_text_training
from ..report import NamedFigure, render_page, write_figures
from ..runs import Run

SAMPLE_TEMPERATURES = (0.5, 0.8, 1.0)


def activation_colors(values: np.ndarray, reach: float | None = None) -> list[str]:
    """One CSS color per value from the one palette: blue positive, red negative, near-white at 0, full
    color at ``reach`` (default: the palette's reach rule over these values)."""
    return palette.css_colors(values, reach)


def colored_chars(text: str, values: np.ndarray) -> list[dict]:
    """What the page draws: one entry per character, with its color and value."""
    return [{"char": c, "color": color, "value": float(v)}
            for c, color, v in zip(text, activation_colors(values), values)]


@dataclass
class TextReport:
    run: Run
    trace: CellTrace
    discovery: CellDiscovery
    samples: dict[float, list[SampledChar]]

    def results(self) -> dict:
        final = self.run.history[-1] if self.run.history else {}
        return {
            "run": self.run.path.name, "corpus": self.run.dataset, "model": self.run.model.config.to_json(),
            "final": final, "analyzed_characters": len(self.trace.text),
            "interpretable_fraction": self.discovery.interpretable_fraction,
            "interpretable_lines": {"auc": INTERPRETABLE_AUC, "correlation": INTERPRETABLE_CORRELATION},
            "features": [{"feature": f.feature.name, "binary": f.feature.binary, "layer": f.best.layer + 1,
                          "cell": f.best.cell, "score": f.best.score, "positive": f.best.positive,
                          "runners_up": [[s.layer + 1, s.cell, s.score] for s in f.runners_up]}
                         for f in self.discovery.findings],
            "samples": {str(t): "".join(c.char for c in chars) for t, chars in self.samples.items()},
        }

    def figures(self) -> list[NamedFigure]:
        figures = [NamedFigure("saturation", "How often each gate is saturated",
                               "Each dot is one cell: the fraction of characters at which its gate was nearly "
                               "closed (x) or nearly open (y). Dots on the axes' far ends are gates that act as "
                               "switches; dots near the corner (0, 0) are gates that stay in between.",
                               plot_saturation(saturation(self.trace)))]
        if self.run.history:
            figures.insert(0, NamedFigure("training", "Loss while training",
                                          "Validation loss in nats per character (left) and bits (right).",
                                          plot_text_training(self.run.history)))
        return figures

    def _colored_findings(self) -> list[dict]:
        """Each finding with its stretch of text colored by the best cell's state."""
        findings = []
        for f in self.discovery.findings:
            values = self.trace.states(f.best.layer)[f.snippet, f.best.cell]
            findings.append({"finding": f, "chars": colored_chars(self.trace.text[f.snippet], values)})
        return findings

    def _repr_html_(self) -> str:
        """In a notebook: the table of best cells and the text colored by each."""
        parts = [discovery_table(self.discovery)]
        for item in self._colored_findings():
            f = item["finding"]
            text = "".join(f'<span style="background:{c["color"]}">{_shown_char(c["char"])}</span>'
                           for c in item["chars"])
            parts.append(f"<h4>{html.escape(f.feature.name)}: layer {f.best.layer + 1}, cell {f.best.cell}</h4>"
                         f"<div style='font:12px/1.6 monospace;white-space:pre-wrap'>{text}</div>")
        return "".join(parts)

    def write(self, out_dir: str | Path | None = None, progress: bool = True) -> Path:
        out_dir = Path(out_dir) if out_dir else self.run.path
        figures = self.figures()
        write_figures(figures, out_dir / "figures", progress=progress)
        atomic_write_json(out_dir / "cells.json", {"neuronscope": __version__, **self.results()})
        findings = self._colored_findings()
        final = self.run.history[-1] if self.run.history else None
        html = render_page("text_report.html", figures, run_name=self.run.path.name, run=self.run, final=final,
                           findings=findings, discovery=self.discovery, samples=self.samples,
                           auc_line=INTERPRETABLE_AUC, correlation_line=INTERPRETABLE_CORRELATION,
                           state_name=self.trace.state_name)
        atomic_write_bytes(out_dir / "report.html", html.encode())
        return out_dir / "report.html"


def _shown_char(char: str) -> str:
    return "↵\n" if char == "\n" else html.escape(char)


def analysis_text(run: Run, data_dir=None, chars: int = ANALYZED_CHARS) -> str:
    """Text the model did not train on: the start of its corpus's validation part."""
    corpus = run.load_corpus(data_dir)
    start = validation_start(len(corpus.text), run.training.val_fraction, run.training.seq_len)
    return corpus.text[start: start + chars]


def analyze_text_run(run: Run, text: str, *, language: str | None = "corpus", sample_chars: int = 400,
                     seed: int = 0) -> TextReport:
    """Trace ``text`` through the run's model, find its interpretable cells, and sample from it.
    ``language`` names the code's pygments lexer for comment and string signals; by default the
    corpus's own (none for prose)."""
    trace = trace_cells(run.model, text)
    features = text_features(text, run.code_language if language == "corpus" else language)
    discovery = discover_cells(trace, features)
    samples = {t: sample_text(run.model, sample_chars, temperature=t, seed=seed) for t in SAMPLE_TEMPERATURES}
    return TextReport(run, trace, discovery, samples)


__all__ = ["TextReport", "activation_colors", "analysis_text", "analyze_text_run", "colored_chars"]
