"""``neuronscope text``: train on a user's file, sample, find cells; bad files get one line."""

import json

import pytest

from neuronscope.cli import main
from tests.conftest import quote_text


def test_train_sample_and_cells_on_a_text_file(tmp_path, capsys):
    corpus = tmp_path / "quotes.txt"
    corpus.write_text(quote_text(8000, seed=4))
    out = tmp_path / "run"
    assert main(["text", "train", "--corpus", str(corpus), "--layers", "1", "--hidden", "8", "--seq-len", "40",
                 "--batch", "16", "--epochs", "2", "--eval-every", "10", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "training a 1x8 LSTM (3,609 weights and biases) on quotes.txt (8,000 characters, 17 distinct)" in printed
    assert "nats/char =" in printed and "bits/char" in printed and (out / "report.html").is_file()
    results = json.loads((out / "cells.json").read_text())
    assert {f["feature"] for f in results["features"]} >= {"inside quotes", "word start"}
    assert main(["text", "sample", str(out), "--prime", '"ij', "--length", "40", "--seed", "1"]) == 0
    sample = capsys.readouterr().out
    assert sample.startswith('"ij') and len(sample.rstrip("\n")) >= 43 - sample.count("\n")


@pytest.mark.parametrize("content, message", [
    (b"", "the text is empty"),
    (b"\x00\x01\x02binary", "binary file"),
    ("caf\u00e9".encode("latin-1"), "not UTF-8 text"),
    (b"too short", "too short for sequences of 100"),
])
def test_bad_corpora_get_one_line(tmp_path, capsys, content, message):
    corpus = tmp_path / "bad.txt"
    corpus.write_bytes(content)
    assert main(["text", "train", "--corpus", str(corpus), "--out", str(tmp_path / "run"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_sampling_with_unknown_characters_gets_one_line(quote_run, capsys):
    assert main(["text", "sample", str(quote_run.path), "--prime", "Hello"]) == 2
    assert "never saw in training" in capsys.readouterr().err
