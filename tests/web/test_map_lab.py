"""The lab's map of activation space: served as the library makes it, and the page places its own
input on it, live, the way the library would."""

import numpy as np
import pytest
import torch

from neuronscope.inspect.activation_map import activation_map
from neuronscope.runs import open_run

from .browser import draw_stroke, needs_chromium, open_page, save_screenshot


def test_the_map_is_the_librarys(client, runs_dir, shared_data):
    answer = client.get("/api/runs/mnist-3b1b/map?layer=hidden2&points=300").json()
    run = open_run(runs_dir / "mnist-3b1b")
    data = run.load_test_set(shared_data)
    expected = activation_map(run.model, data.test_images, data.test_labels, "hidden2", points=300)
    np.testing.assert_allclose(answer["coords"], expected.coords, atol=1e-3)
    assert answer["labels"] == expected.labels.tolist() and answer["activations"] is None
    assert len(answer["components"]) == 2 and len(answer["thumbnails"]) == 24 and len(answer["colors"]) == 10
    tsne = client.get("/api/runs/mnist-3b1b/map?layer=hidden1&method=tsne&points=100").json()
    assert np.array(tsne["activations"]).shape == (100, 16) and "t-SNE cannot place" in tsne["placement"]


@pytest.mark.parametrize("query, status, message", [
    ("layer=hidden9", 400, "unknown layer 'hidden9'"),
    ("layer=hidden1&method=lda", 422, "method"),
    ("layer=hidden1&points=100000", 422, "points"),
    ("", 422, "layer"),
])
def test_bad_map_requests_get_one_line(client, query, status, message):
    answer = client.get(f"/api/runs/mnist-3b1b/map?{query}")
    assert answer.status_code == status and message in answer.json()["error"]


@needs_chromium
def test_a_drawing_appears_on_the_map_where_the_library_places_it(live_server, runs_dir, shared_data):
    with open_page(f"{live_server}/?run=mnist-3b1b") as page:
        page.wait_for_function("document.getElementById('map-note').textContent.includes('test images')",
                               timeout=30_000)
        seven = [(0.3 + 0.04 * step, 0.25) for step in range(12)] + \
            [(0.74 - 0.02 * step, 0.25 + 0.05 * step) for step in range(1, 12)]
        draw_stroke(page, page.locator("#pad"), seven)
        placed = page.eval_on_selector("#map-canvas", "c => [Number(c.dataset.x), Number(c.dataset.y)]")
        seen = np.array(page.evaluate("() => Array.from(window.neuronscopeLastInput())"), dtype=np.float32)
        save_screenshot(page, "lab-map-pca")

        run = open_run(runs_dir / "mnist-3b1b")
        data = run.load_test_set(shared_data)
        found = activation_map(run.model, data.test_images, data.test_labels, "hidden2")
        with torch.no_grad():
            hidden2 = run.model.activations(torch.from_numpy(seen).reshape(1, -1))["hidden2"].numpy()
        np.testing.assert_allclose(placed, found.place(hidden2)[0], atol=2e-3)

        page.select_option("#map-method", "tsne")
        page.wait_for_function("document.getElementById('map-note').textContent.includes('nearest')", timeout=60_000)
        assert page.eval_on_selector("#map-canvas", "c => c.dataset.x") != f"{placed[0]:.4f}"
        save_screenshot(page, "lab-map-tsne")
