"""The text page's API over a real character-level run."""

import shutil

import numpy as np
import pytest
from fastapi.testclient import TestClient

from neuronscope.cli import main
from neuronscope.inspect.cells import trace_cells
from neuronscope.runs import open_run
from neuronscope.web.app import create_app
from tests.conftest import quote_text


@pytest.fixture(scope="module")
def text_client(quote_run, digits_run, tmp_path_factory):
    """A runs folder with the quote LSTM and an image run beside it."""
    root = tmp_path_factory.mktemp("mixed-runs")
    shutil.copytree(quote_run.path, root / "quotes")
    shutil.copytree(digits_run.path, root / "digits")
    return TestClient(create_app(root)), root


def test_text_and_image_runs_are_listed_apart(text_client):
    client, root = text_client
    [quotes] = client.get("/api/text/runs").json()
    assert quotes["name"] == "quotes" and quotes["language"] is None
    vocabulary = len(open_run(root / "quotes").model.config.vocabulary)
    # embedding, one LSTM layer of 16 cells over 8 inputs, the output layer
    assert quotes["parameters"] == vocabulary * 8 + 4 * 16 * (8 + 16 + 2) + 16 * vocabulary + vocabulary
    assert [r["name"] for r in client.get("/api/runs").json()] == ["digits"]
    assert client.get("/api/runs/quotes").status_code == 404


def test_activations_are_the_traced_cell_states(text_client, quote_run):
    client, _ = text_client
    body = client.post("/api/text/quotes/activations", json={"text": 'ab"ij"c'}).json()
    expected = trace_cells(quote_run.model, 'ab"ij"c').layers[0]["cell"]
    assert body["signal"] == "cell" and len(body["values"]) == 7 == len(body["chars"])
    np.testing.assert_allclose(body["values"], expected, atol=1e-4)
    gates = client.post("/api/text/quotes/activations", json={"text": "abc", "signal": "forget_gate"}).json()
    assert all(0 <= v <= 1 for row in gates["values"] for v in row)


def test_unknown_characters_are_skipped_and_marked(text_client, quote_run):
    client, _ = text_client
    body = client.post("/api/text/quotes/activations", json={"text": "aXb"}).json()
    assert body["values"][1] is None and body["unknown"] == ["X"]
    expected = trace_cells(quote_run.model, "ab").layers[0]["cell"]
    np.testing.assert_allclose([body["values"][0], body["values"][2]], expected, atol=1e-4)


def test_samples_and_cells(text_client):
    client, root = text_client
    sample = client.post("/api/text/quotes/sample", json={"length": 30, "prime": '"', "seed": 3}).json()
    assert len(sample["chars"]) == 30 and all(0 < c["probability"] <= 1 for c in sample["chars"])
    missing = client.get("/api/text/quotes/cells")
    assert missing.status_code == 404 and "neuronscope text cells" in missing.json()["error"]
    text = root / "quotes.txt"
    text.write_text(quote_text(2000, seed=6))
    assert main(["text", "cells", str(root / "quotes"), "--text", str(text), "--quiet"]) == 0
    found = client.get("/api/text/quotes/cells").json()
    assert any(f["feature"] == "inside quotes" for f in found["features"])


def test_a_code_file_is_lexed_in_its_own_language(text_client):
    client, root = text_client
    code = root / "quotes.py"
    code.write_text(quote_text(2000, seed=7))

    def signals(*options):
        assert main(["text", "cells", str(root / "quotes"), "--text", str(code), "--quiet", *options]) == 0
        return {f["feature"] for f in client.get("/api/text/quotes/cells").json()["features"]}

    assert "inside string" in signals()
    assert "inside string" not in signals("--language", "none")


@pytest.mark.parametrize("payload, message", [
    ({"text": ""}, "text"),
    ({"text": "ab", "layer": 2}, "layers 1..1"),
    ({"text": "ab", "signal": "reset_gate"}, "reset_gate"),
    ({"text": "XYZ"}, "none of these characters"),
    ({"text": "a" * 3001}, "text"),
])
def test_bad_activation_requests(text_client, payload, message):
    client, _ = text_client
    response = client.post("/api/text/quotes/activations", json=payload)
    assert 400 <= response.status_code < 500 and message in response.json()["error"]


def test_unknown_text_runs_are_404(text_client):
    client, _ = text_client
    for name in ("digits", "nope", "..%2Fquotes"):
        assert client.post(f"/api/text/{name}/sample", json={}).status_code == 404
