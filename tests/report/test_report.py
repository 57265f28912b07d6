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


def test_figures_draw_only_when_asked_and_need_no_data_until_then(digits_run, digits):
    asked = []

    def load():
        asked.append(1)
        return digits

    figures = run_figures(digits_run, load)
    by_name = {f.name: f for f in figures}
    assert by_name["weights_hidden1"].png().startswith(b"\x89PNG") and not asked
    by_name["confusion"].png()
    by_name["mistakes"].png()
    assert len(asked) == 1  # loaded once, on the first figure that needs test images


def test_report_reuses_figures_written_after_the_last_checkpoint(tmp_path, digits_run, digits):
    import os

    from neuronscope.report import reuse_written, write_figures
    from neuronscope.runs import CONFIG, MODEL

    written = tmp_path / "figures"
    write_figures(run_figures(digits_run, digits), written, progress=False)
    marked = written / "confusion.png"
    marked.write_bytes(marked.read_bytes() + b"reused")  # still a PNG, recognisably the file's

    def reused_figures():
        figures = run_figures(digits_run, lambda: (_ for _ in ()).throw(AssertionError("data loaded")))
        count = reuse_written(figures, written, [digits_run.path / MODEL, digits_run.path / CONFIG])
        return figures, count

    figures, count = reused_figures()
    assert count == len(figures)
    assert {f.name: f for f in figures}["confusion"].png().endswith(b"reused")
    assert render_report(digits_run, figures, digits.summary()).count("data:image/png") == len(figures)

    later = max(p.stat().st_mtime for p in written.iterdir()) + 10
    os.utime(digits_run.path / MODEL, (later, later))  # the run trained on after the files were written
    assert reused_figures()[1] == 0
