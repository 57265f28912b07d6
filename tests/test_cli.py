import json

import numpy as np
import pytest

from neuronscope.cli import main
from neuronscope.runs import open_run


def test_train_writes_run_figures_and_report(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "digits", "--preset", "nielsen", "--epochs", "2", "--layers", "64,12,10",
                 "--out", str(out), "--quiet"])
    assert code == 0
    assert len(json.loads((out / "metrics.json").read_text())["history"]) == 2
    assert (out / "figures" / "weights_hidden1.png").stat().st_size > 5000
    printed = capsys.readouterr().out
    assert "test accuracy" in printed
    weights_and_biases = 64 * 12 + 12 + 12 * 10 + 10
    assert f"training 64-12-10 ({weights_and_biases:,} weights and biases)" in printed
    assert f"{weights_and_biases:,} weights and biases" in (out / "report.html").read_text()
    assert f"({weights_and_biases:,} weights and biases)" in repr(open_run(out))


def test_figures_command_writes_svg(tmp_path, digits_run):
    assert main(["figures", str(digits_run.path), "--out", str(tmp_path / "f"), "--format", "svg"]) == 0
    assert (tmp_path / "f" / "lego_output.svg").exists()


def test_import_then_report(tmp_path):
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "w.npz", w0=rng.normal(size=(12, 64)), b0=rng.normal(size=12),
             w1=rng.normal(size=(10, 12)), b1=rng.normal(size=10))
    assert main(["import-weights", str(tmp_path / "w.npz"), "--out", str(tmp_path / "imp")]) == 0
    assert main(["report", str(tmp_path / "imp")]) == 0
    assert "imported weights" in (tmp_path / "imp" / "report.html").read_text()


@pytest.mark.parametrize("argv, message", [
    (["train", "--dataset", "digits", "--lr", "nan"], "lr must be a finite number"),
    (["train", "--dataset", "digits", "--layers", "784,30,10"], "must start with the input size 64"),
    (["report", "/nonexistent/run"], "no such run directory"),
    (["figures", "/nonexistent/run", "--format", "gif"], "unknown figure format 'gif'"),
    (["train", "--resume", "--dataset", "digits"], "--resume needs --out"),
])
def test_bad_input_gives_one_line_and_no_traceback(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_demo_trains_once_then_reuses_the_run(tmp_path, shared_data, capsys):
    argv = ["demo", "--data-dir", str(shared_data), "--train-size", "500", "--test-size", "200",
            "--out", str(tmp_path / "demo"), "--no-serve"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "training the default 784-16-16-10 network" in first and (tmp_path / "demo" / "report.html").exists()
    weights = (tmp_path / "demo" / "model.safetensors").read_bytes()
    assert main(argv) == 0
    assert "using the trained network" in capsys.readouterr().out
    assert (tmp_path / "demo" / "model.safetensors").read_bytes() == weights


def test_serve_refuses_a_missing_folder(capsys):
    assert main(["serve", "/nonexistent/runs"]) == 2
    assert "no such run or runs folder" in capsys.readouterr().err


def test_demo_without_mnist_or_network_serves_the_8x8_digits_instead(tmp_path, monkeypatch, capsys):
    """No MNIST files and no way to download them: one line says what to put where, and the demo
    trains on scikit-learn's digits instead of stopping."""
    import socket
    from dataclasses import replace

    from neuronscope.data.datasets import SOURCES

    with socket.socket() as s:  # a local port nobody listens on: every download is refused at once
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
    monkeypatch.setattr("neuronscope.data.datasets.SOURCES",
                        {name: replace(source, mirrors=(closed,), mirror_env="UNSET_MIRROR_VARIABLE")
                         for name, source in SOURCES.items()})
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    argv = ["demo", "--out", str(tmp_path / "demo"), "--no-serve"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "MNIST is not on this machine" in line]
    assert len(lines) == 1 and "t10k-labels-idx1-ubyte.gz" in lines[0] and str(tmp_path / "cache") in lines[0]
    run = open_run(tmp_path / "demo-digits")
    assert list(run.model.config.layers) == [64, 16, 16, 10] and run.test_accuracy > 0.85
    assert (tmp_path / "demo-digits" / "report.html").exists() and not (tmp_path / "demo").exists()
    assert main(argv) == 0  # the next time it reuses the digits run
    assert "using the trained network in" in capsys.readouterr().out
