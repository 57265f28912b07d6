"""Cell traces, text features, interpretable-cell discovery, saturation and sampling, on a model
that had to learn to remember one thing: whether it is inside a quote."""

import math

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from neuronscope.data.text import Vocabulary
from neuronscope.errors import ConfigError, DataError
from neuronscope.experiments.text_cells import analyze_text_run, colored_chars
from neuronscope.inspect.cells import saturation, trace_cells
from neuronscope.inspect.discovery import auc_per_column, discover_cells
from neuronscope.inspect.sampling import sample_text
from neuronscope.inspect.text_features import text_features
from neuronscope.models.char_rnn import CharRNN, CharRNNConfig
from neuronscope.training.char_loop import bits
from tests.conftest import quote_text


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_traces_rerun_the_modules_own_recurrence(cell):
    torch.manual_seed(1)
    model = CharRNN(CharRNNConfig("ab c\n", cell=cell, hidden=12, layers=2, embedding=5)).eval()
    text = "ab c\ncab ba\n" * 10
    trace = trace_cells(model, text)
    with torch.no_grad():
        tokens = torch.from_numpy(Vocabulary(model.config.vocabulary).encode(text))[None]
        output, _ = model.rnn(model.embed(tokens))
        expected = torch.softmax(model.head(output), -1)[0].numpy()
    np.testing.assert_allclose(trace.layers[-1]["hidden"], output[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.probabilities, expected, atol=1e-5)


def test_the_quote_model_learned_the_quote_and_a_cell_tracks_it(quote_run):
    # letters are uniform over 8 given the quote state, quotes come with probability 0.08
    remembering = 0.92 * math.log(8) - (0.08 * math.log(0.08) + 0.92 * math.log(0.92))
    forgetting = remembering + 0.92 * math.log(2)  # 16 letters possible when the state is unknown
    final = quote_run.history[-1]
    assert final["val_nats"] < remembering + 0.3 * (forgetting - remembering)
    text = quote_text(3000, seed=1)  # text it never saw
    discovery = discover_cells(trace_cells(quote_run.model, text), text_features(text))
    finding = discovery.finding("inside quotes")
    assert finding.best.score >= 0.9 and finding.interpretable
    assert 0 < discovery.interpretable_fraction <= 1


def test_bits_are_nats_over_ln2(quote_run):
    assert bits(math.log(2)) == pytest.approx(1.0)
    for entry in quote_run.history:
        assert entry["val_bits"] == pytest.approx(entry["val_nats"] / math.log(2))


def test_auc_matches_scikit_learn():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 500)
    values = rng.normal(size=(500, 4)) + labels[:, None] * np.array([0, 0.5, 2, -1])
    values[:, 0] = np.round(values[:, 0])  # ties
    expected = [roc_auc_score(labels, values[:, k]) for k in range(4)]
    np.testing.assert_allclose(auc_per_column(values, labels), expected)


def test_code_features_know_comments_strings_and_indentation():
    text = 'x = f("a # b")  # note\n    y = [1]\n'
    features = {f.name: f.values for f in text_features(text, "python")}
    comment, string = features["inside comment"], features["inside string"]
    assert comment[text.index("# note"):text.index("\n")].all() and not comment[:text.index("# note")].any()
    assert not comment[text.index("\n")]  # the newline ends the comment
    assert string[text.index('"a'):text.index('")')].all() and not string[text.index("# note")]
    assert not string[text.index("f")] and not string[text.index('")')]  # prefix, closing quote
    assert features["indentation"][text.index("y")] == 4 and features["inside [ ]"][text.index("1")] == 1
    assert features["line end"][text.index("\n") - 1] == 1


def test_c_comments_and_strings_come_from_a_real_lexer():
    text = '#include <stdio.h>\n/* block\n   comment */ int x = 1; // line "not a string"\nchar *s = "a // b";\n'
    features = {f.name: f.values for f in text_features(text, "c")}
    comment, string = features["inside comment"], features["inside string"]
    assert not comment[:text.index("\n")].any()  # a preprocessor line is not a comment
    assert comment[text.index("/* block"):text.index("*/") + 1].all() and not comment[text.index("int")]
    line = text.index("// line")
    assert comment[line:text.index("\n", line)].all() and not comment[text.index("\n", line)]
    assert not string[line:text.index("\n", line)].any()  # quotes inside a comment open no string
    literal = text.index('"a // b"')
    assert string[literal:literal + 7].all() and not string[literal + 7] and not comment[literal:literal + 8].any()


def test_interpolated_code_is_inside_its_string():
    text = 'x = f"a{y + 1}b" + z\n'
    string = {f.name: f.values for f in text_features(text, "python")}["inside string"]
    assert string[text.index('"a'):text.index('b"') + 1].all()
    assert not string[text.index('b"') + 1:].any()


def test_an_unknown_language_is_a_one_line_error():
    with pytest.raises(ConfigError, match="no lexer for the language 'klingon'"):
        text_features("x = 1\n", "klingon")


def test_saturation_is_a_fraction_of_characters(quote_run):
    trace = trace_cells(quote_run.model, quote_text(500, seed=2))
    result = saturation(trace)
    assert result.gates == ("input_gate", "forget_gate", "output_gate")
    forget = trace.layers[0]["forget_gate"]
    np.testing.assert_allclose(result.right[0]["forget_gate"], (forget > 0.9).mean(axis=0))
    for gate in result.gates:
        assert ((result.left[0][gate] + result.right[0][gate]) <= 1).all()


def test_activation_rendering_colors_every_character(quote_run, tmp_path):
    values = np.linspace(-1, 1, 5)
    chars = colored_chars('ab"c\n', values)
    assert [c["char"] for c in chars] == list('ab"c\n')
    assert chars[0]["color"] != chars[2]["color"] != chars[4]["color"]
    report = analyze_text_run(quote_run, quote_text(1200, seed=3), sample_chars=50)
    html = report.write(tmp_path).read_text()
    finding = report.discovery.finding("inside quotes")
    snippet = report.trace.text[finding.snippet]
    section = html.split(f"<h3>inside quotes: layer {finding.best.layer + 1}")[1].split("</div>")[0]
    assert section.count("<span style=\"background:") == len(snippet)


def test_samples_report_the_models_own_probabilities(quote_run):
    first = sample_text(quote_run.model, 200, prime='"', temperature=0.5, seed=7)
    assert [c.char for c in first] == [c.char for c in sample_text(quote_run.model, 200, prime='"', temperature=0.5,
                                                                    seed=7)]
    for c in first:
        probabilities = [p for _, p in c.alternatives]
        assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1 + 1e-6
        if c.char in dict(c.alternatives):
            assert dict(c.alternatives)[c.char] == pytest.approx(c.probability)
    # right after an opening quote the model expects letters from inside quotes
    assert first[0].char in 'ijklmnop"'


@pytest.mark.parametrize("kwargs, error, message", [
    ({"prime": "xyz"}, DataError, "never saw in training"),
    ({"temperature": 0.0}, ConfigError, "temperature must be in"),
    ({"length": 0}, ConfigError, "length must be"),
])
def test_sampling_refuses_bad_requests(quote_run, kwargs, error, message):
    with pytest.raises(error, match=message):
        sample_text(quote_run.model, **{"length": 10, **kwargs})
