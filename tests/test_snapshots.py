"""Snapshots: a run trained with them keeps every epoch's weights, replays to its final weights, and
shows how its weights images formed (report animation, lab scrubber)."""

import io
import json

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from PIL import Image

from neuronscope.cli import main
from neuronscope.errors import ConfigError
from neuronscope.experiments.dense import run_figures
from neuronscope.inspect.timelapse import weights_history
from neuronscope.runs import open_run, train_run
from neuronscope.training import build_configs
from neuronscope.web.app import create_app
from tests.web.browser import needs_chromium, open_page, save_screenshot
from tests.web.conftest import _serving


def _configs(epochs: int):
    return build_configs(input_size=64, num_classes=10, image_shape=(8, 8), preset="modern", layers=[64, 12, 10],
                         epochs=epochs, batch_size=32)


@pytest.fixture(scope="module")
def snapshot_run(tmp_path_factory, digits):
    return train_run(tmp_path_factory.mktemp("snap") / "digits", digits, *_configs(5), snapshots=True,
                     progress=False)


def test_every_epoch_is_kept_and_the_last_is_the_trained_network(snapshot_run):
    assert snapshot_run.snapshot_epochs == [0, 1, 2, 3, 4, 5]
    final = snapshot_run.snapshot(5).state_dict()
    for name, tensor in snapshot_run.model.state_dict().items():
        assert torch.equal(final[name], tensor), name
    untrained = snapshot_run.snapshot(0)
    assert not torch.equal(untrained.layers[0].weight, snapshot_run.model.layers[0].weight)
    with pytest.raises(ConfigError, match="kept no weights for epoch 9; it kept epochs 0..5"):
        snapshot_run.snapshot(9)


def test_a_snapshot_answers_as_the_network_did_after_that_epoch(tmp_path, digits):
    """Training 2 epochs without snapshots gives the network the longer run kept at epoch 2."""
    short = train_run(tmp_path / "short", digits, *_configs(2), progress=False)
    longer = train_run(tmp_path / "long", digits, *_configs(4), snapshots=True, progress=False)
    kept = longer.snapshot(2)
    x = torch.as_tensor(digits.test_images[:50]).reshape(50, -1)
    assert torch.allclose(kept(x), short.model(x), atol=1e-6)


def test_resuming_keeps_snapshotting_and_a_new_run_drops_old_epochs(tmp_path, digits):
    path = tmp_path / "run"
    train_run(path, digits, *_configs(2), snapshots=True, progress=False)
    resumed = train_run(path, digits, training=_configs(4)[1], resume=True, progress=False)
    assert resumed.snapshot_epochs == [0, 1, 2, 3, 4]
    replaced = train_run(path, digits, *_configs(1), overwrite=True, progress=False)
    assert replaced.snapshot_epochs == []
    with pytest.raises(ConfigError, match="train it with --snapshots"):
        weights_history(replaced)


def test_the_report_animates_how_the_weights_formed(snapshot_run, digits):
    history = weights_history(snapshot_run)
    assert history.epochs == [0, 1, 2, 3, 4, 5] and history.images.shape == (6, 12, 8, 8)
    np.testing.assert_allclose(history.images[-1, 3], snapshot_run.model.layers[0].weight[3].detach().reshape(8, 8))
    assert history.test_accuracy[0] is None and history.test_accuracy[-1] == pytest.approx(snapshot_run.test_accuracy)
    [timelapse] = [f for f in run_figures(snapshot_run, digits) if f.name == "timelapse"]
    animation = Image.open(io.BytesIO(timelapse.png()))
    assert animation.format == "PNG" and animation.n_frames == 6 and animation.info["loop"] == 0
    first, last = (np.asarray(_frame(animation, k)) for k in (0, 5))
    assert not np.array_equal(first, last)
    assert timelapse.figure.axes  # the still version, for SVG


def _frame(animation, k):
    animation.seek(k)
    return animation.convert("RGB")


def test_train_snapshots_from_the_command_line(tmp_path):
    out = tmp_path / "run"
    assert main(["train", "--dataset", "digits", "--layers", "64,10,10", "--epochs", "2", "--snapshots",
                 "--out", str(out), "--quiet"]) == 0
    assert open_run(out).snapshot_epochs == [0, 1, 2]
    assert (out / "figures" / "timelapse.png").is_file() and 'id="timelapse"' in (out / "report.html").read_text()


def test_the_lab_serves_every_kept_epoch(snapshot_run):
    client = TestClient(create_app(snapshot_run.path.parent))
    kept = client.get("/api/runs/digits/snapshots").json()
    assert kept["epochs"] == [0, 1, 2, 3, 4, 5] and kept["test_accuracy"][0] is None
    untrained = client.get("/api/runs/digits/weights?epoch=0").json()
    np.testing.assert_allclose(untrained["layers"][0]["weight"],
                               snapshot_run.snapshot(0).layers[0].weight.detach().reshape(-1), atol=1e-6)
    card = client.get("/api/runs/digits/neurons/hidden1/2?epoch=1").json()
    np.testing.assert_allclose(card["weights_image"], snapshot_run.snapshot(1).layers[0].weight[2].detach(), atol=1e-6)
    missing = client.get("/api/runs/digits/weights?epoch=7")
    assert missing.status_code == 400 and "kept no weights for epoch 7" in missing.json()["error"]
    assert client.get("/api/runs/digits/weights?epoch=-1").status_code == 422
    assert json.loads(client.get("/api/runs/digits/weights").content) == client.get(
        "/api/runs/digits/weights?epoch=5").json()


@needs_chromium
def test_the_labs_scrubber_swaps_in_the_network_of_each_epoch(snapshot_run, digits):
    with _serving(create_app(snapshot_run.path.parent)) as url, open_page(f"{url}/?run=digits") as page:
        page.wait_for_selector("#timelapse:not([hidden])[data-epoch='5']")
        assert page.locator("#timelapse-weights canvas").count() == 12
        request = {"pixels": digits.test_images[0].reshape(-1).tolist(), "height": 8, "width": 8}
        final = page.evaluate("request => window.neuronscopeEvaluate(request)", request)
        page.eval_on_selector("#timelapse-slider", "s => { s.value = 0; s.dispatchEvent(new Event('input')); }")
        page.wait_for_selector("#timelapse[data-epoch='0']")
        untrained = page.evaluate("request => window.neuronscopeEvaluate(request)", request)
        with torch.no_grad():
            expected = torch.softmax(snapshot_run.snapshot(0)(torch.as_tensor(digits.test_images[:1])), 1)[0]
        np.testing.assert_allclose(untrained["probabilities"], expected, atol=1e-5)
        assert not np.allclose(untrained["probabilities"], final["probabilities"], atol=1e-3)
        assert "untrained" in page.text_content("#timelapse-epoch")
        save_screenshot(page, "lab-timelapse-untrained")
        page.click("#timelapse-play")
        page.wait_for_selector("#timelapse[data-epoch='5']", timeout=10_000)
        page.wait_for_function("document.getElementById('timelapse-play').textContent.includes('replay')")
        assert "epoch 5 of 5" in page.text_content("#timelapse-epoch")
        save_screenshot(page, "lab-timelapse-trained")
