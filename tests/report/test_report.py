import base64
import re

from neuronscope.experiments.dense import run_figures
from neuronscope.report import render_report


def test_report_is_self_contained_with_every_figure(digits_run, digits):
    figures = run_figures(digits_run, digits)
    html = render_report(digits_run, figures, digits.summary())
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == len(figures)
    assert all(base64.b64decode(img)[:4] == b"\x89PNG" for img in images)
    assert not re.search(r'(src|href)="https?://', html)  # nothing fetched from elsewhere
    accuracy = f"{100 * digits_run.history[-1]['test_accuracy']:.2f}%"
    assert accuracy in html and "64-20-10" in html
