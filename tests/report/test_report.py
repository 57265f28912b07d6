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


def test_figures_drawn_in_worker_processes_equal_those_drawn_here(digits_run, digits):
    from neuronscope.report import draw_figures

    here, there = run_figures(digits_run, digits), run_figures(digits_run, digits)
    draw_figures(here, progress=False)
    draw_figures(there, ("png", "svg"), progress=False, workers=2)
    assert [f.png() for f in there] == [f.png() for f in here]
    assert all(f.file("svg").lstrip().startswith(b"<?xml") for f in there)


def test_a_dense_runs_figures_and_report_load_no_pytorch(digits_run, digits, tmp_path):
    import shutil
    import subprocess
    import sys

    from neuronscope.experiments.dense import health_hints
    from neuronscope.runs import open_run

    run = tmp_path / "run"
    shutil.copytree(digits_run.path, run, ignore=shutil.ignore_patterns("figures", "report.html", "*.npz", "*.json"),
                    copy_function=shutil.copy)  # new times: other tests move the original's
    for name in ("config.json", "metrics.json"):
        shutil.copy(digits_run.path / name, run / name)
    health_hints(open_run(run), lambda: digits)  # as training leaves them: computing the hints takes PyTorch
    code = ("import sys; from neuronscope.cli import main\n"
            f"main(['figures', {str(run)!r}]); main(['report', {str(run)!r}])\n"
            "print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("False"), done.stderr
    written = sorted(p.name for p in (run / "figures").iterdir())
    assert written == sorted(f"{f.name}.png" for f in run_figures(digits_run, lambda: None))
    assert (run / "report.html").stat().st_size > 10_000
