import json

import numpy as np
import pytest

from neuronscope.cli import main
from neuronscope.experiments.cell_features import (
    best_matches,
    both_signs,
    character_labels,
    clean_firing,
    study_cell_features,
    top_precision,
)
from neuronscope.feature_configs import SAEConfig
from neuronscope.inspect.text_features import TextFeature, text_features

from ..conftest import quote_text


def test_each_character_gets_the_first_signal_that_holds_there():
    text = 'ab "c(d)" e\n'
    labels, names = character_labels(text_features(text))
    assert names[-1] == "none of these"
    assert names[labels[text.index("c")]] == "inside quotes"  # inside quotes wins over word start
    assert names[labels[text.index("a")]] == "word start"
    assert names[labels[text.index(" ")]] == "none of these"


def test_a_signal_split_over_two_cells_is_followed_by_one_feature():
    rng = np.random.default_rng(0)
    signal = (rng.random(4000) < 0.3).astype(float)
    noise = rng.normal(0, 1, size=(4000, 2))
    cells = np.stack([signal + noise[:, 0], signal - noise[:, 0]], 1)  # each cell alone is a noisy view
    feature = np.stack([signal, rng.random(4000)], 1)
    [match] = best_matches([TextFeature("s", signal, True, "")], cells, feature)
    assert match.feature == 0 and match.feature_score == pytest.approx(1.0)
    assert match.cell_score < 0.8 and match.feature_wins


def test_a_feature_that_fires_on_part_of_a_signal_fires_cleanly_where_every_cell_is_mixed():
    rng = np.random.default_rng(1)
    holds = rng.random(5000) < 0.2
    part = holds & (rng.random(5000) < 0.3)  # fires on a third of the signal, nowhere else
    states = np.stack([holds + rng.normal(0, 0.8, 5000), rng.normal(0, 1, 5000)], 1)  # cell 0: noisy, dense
    encoded = np.stack([part * rng.uniform(1, 2, 5000), rng.random(5000)], 1)
    [found] = clean_firing([TextFeature("s", holds.astype(float), True, "")], states, encoded, top=50)
    assert found.feature == 0 and found.feature_precision == 1.0 and found.clean_features == 1
    assert found.cell == 0 and not found.cell_falls and found.cell_precision < 0.95 and found.feature_wins
    assert top_precision(np.zeros((100, 1)), np.ones(100, bool), 10)[0] == 0  # never fires: not judged


def test_both_signs_of_a_cell_are_units():
    states = np.array([[0.5, -2.0], [-1.0, 0.0]])
    assert both_signs(states).tolist() == [[0.5, 0, 0, 2.0], [0, 0, 1.0, 0]]


@pytest.fixture(scope="module")
def cell_study(quote_run):
    texts = (quote_text(20_000, seed=0), quote_text(3000, seed=1))
    return study_cell_features(quote_run, sae=SAEConfig(features=128, k=8, epochs=10), texts=texts, progress=False)


def test_the_dictionary_of_cells_reconstructs_them_and_tracks_the_quotes(cell_study):
    assert cell_study.quality.variance_explained > 0.85 and cell_study.quality.l0 <= 8
    quotes = next(m for m in cell_study.matches if m.signal == "inside quotes")
    assert quotes.feature_score > 0.95 and quotes.cell_score > 0.95  # this model's whole memory is the quote
    results = cell_study.results()
    assert results["layer"] == 1 and {s["signal"] for s in results["signals"]} >= {"inside quotes"}
    clean = next(f for f in cell_study.firing if f.signal == "inside quotes")
    assert clean.cell_precision > 0.9 and clean.feature_precision > 0.9 and clean.clean_features >= 1


def test_the_cell_report_is_written(cell_study, tmp_path):
    cell_study.report().write(tmp_path, progress=False)
    assert {p.stem for p in (tmp_path / "figures").glob("*.png")} == {"signals", "polysemanticity", "tracks"}
    assert json.loads((tmp_path / "results.json").read_text())["experiment"] == "cell-features"


@pytest.mark.parametrize("layer, message", [("3", "layers 1..1"), ("top", "numbered 1..1")])
def test_a_cell_layer_that_does_not_exist_is_one_line(quote_run, layer, message, capsys):
    assert main(["features", "analyze", str(quote_run.path), "--layer", layer, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
