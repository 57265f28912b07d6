"""The lab in a real headless Chromium: draw with the mouse, watch neurons change, inspect one."""

import json
import urllib.request

import pytest

from .browser import needs_chromium, open_page, save_screenshot

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def page(live_server):
    with open_page(f"{live_server}/?run=mnist-3b1b") as page:
        yield page


def _activations(page) -> list[str]:
    return page.eval_on_selector_all(".cell", "cells => cells.map(c => c.dataset.activation)")


def test_neurons_update_while_the_stroke_is_drawn(page):
    assert page.locator(".cell").count() == 32 and page.locator(".out-row").count() == 10
    page.click("#clear")  # the page answers clicks and strokes synchronously
    blank = _activations(page)
    box = page.locator("#pad").bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15
    page.mouse.move(x0, y0)
    page.mouse.down()
    seen = []
    for step in range(1, 16):
        handled = page.evaluate("window.neuronscopeLatencies.length")
        page.mouse.move(x0 + step, y0 + step * box["height"] * 0.045)
        page.wait_for_function("n => window.neuronscopeLatencies.length > n", arg=handled)  # this move was drawn
        seen.append(_activations(page))
    # still holding the button: the network has already reacted to the stroke
    assert any(state != blank for state in seen)
    assert len({tuple(s) for s in seen}) > 2  # and kept reacting as the stroke grew
    page.mouse.up()
    prediction = page.text_content("#prediction")
    assert prediction in list("0123456789")
    input_pixels = page.evaluate("""() => { const c = document.getElementById('input-view');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let lit = 0; for (let i = 0; i < d.length; i += 4) lit += d[i] > 128; return lit; }""")
    assert input_pixels > 100  # the 28x28 input shows the stroke
    save_screenshot(page, "lab-drawing")


def test_the_runs_health_hints_show_above_the_lab(page, live_server):
    page.wait_for_selector("#run-health:not([hidden]) p", timeout=20_000)
    shown = page.eval_on_selector_all("#run-health p", "ps => ps.map(p => [p.dataset.kind, p.textContent])")
    served = json.loads(urllib.request.urlopen(f"{live_server}/api/runs/mnist-3b1b/health").read())
    assert [kind for kind, _ in shown] == [hint["kind"] for hint in served] and served
    assert all(hint["message"] in text for (_, text), hint in zip(shown, served))
    save_screenshot(page, "lab-health")


def test_clicking_a_neuron_shows_its_weights_image(page):
    page.click('.cell[data-layer="hidden1"][data-index="3"]')
    page.wait_for_function("document.getElementById('neuron-title').textContent === 'hidden1 #3'")
    colors = page.evaluate("""() => { const c = document.getElementById('neuron-weights');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let blue = 0, red = 0; for (let i = 0; i < d.length; i += 4) {
          if (d[i + 2] > d[i] + 60) blue++; if (d[i] > d[i + 2] + 60) red++; } return [blue, red]; }""")
    assert colors[0] > 200 and colors[1] > 200  # a blue/red weights image, not a blank canvas
    assert page.locator("#neuron-pushes li").count() >= 1
    assert "pushes up" in page.text_content("#neuron-digits")
    save_screenshot(page, "lab-neuron")


def test_noise_gets_a_confident_answer_anyway(page):
    page.click("#noise")
    page.wait_for_function("document.getElementById('source-note').textContent.includes('noise')")
    probabilities = page.eval_on_selector_all(".out-row", "rows => rows.map(r => Number(r.dataset.probability))")
    assert len(probabilities) == 10 and all(0 <= p <= 1 for p in probabilities)
    assert "output activation" in page.text_content("#confidence")  # sigmoid outputs: not probabilities
    save_screenshot(page, "lab-noise")


def test_morph_between_two_test_digits(page):
    page.click("#sample")
    page.wait_for_function("document.getElementById('source-note').textContent.startsWith('test image')")
    page.click("#morph-a")
    page.click("#noise")
    page.wait_for_function("document.getElementById('source-note').textContent.includes('noise')")
    page.click("#morph-b")
    page.wait_for_selector("#morph-strip span", timeout=10000)
    assert page.locator("#morph-strip span").count() == 21
    page.fill("#morph-slider", "10")
    page.wait_for_function("document.getElementById('source-note').textContent.includes('50%')")
    save_screenshot(page, "lab-morph")


def test_gallery_shows_the_run_figures(page, live_server):
    page.goto(f"{live_server}/gallery?run=mnist-3b1b")
    page.wait_for_function("[...document.images].length >= 5 && [...document.images].every(i => i.complete)",
                           timeout=30000)
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 200 for w in widths)
    save_screenshot(page, "gallery")


def test_page_arithmetic_matches_the_server(page, live_server, mnist_small):
    """The page prepares drawings and runs the network itself; it must agree with the library."""
    import httpx
    import numpy as np

    page.goto(f"{live_server}/?run=mnist-3b1b")
    page.wait_for_selector("body[data-ready=true]")
    rng = np.random.default_rng(0)
    drawing = np.zeros((56, 56))
    drawing[6:47, 20:27] = 1.0
    drawing[6:12, 12:40] = rng.uniform(0.2, 1.0, size=(6, 28)).round(2)
    requests = [
        {"pixels": drawing.reshape(-1).tolist(), "height": 56, "width": 56, "preprocess": "mnist"},
        {"pixels": drawing.reshape(-1).tolist(), "height": 56, "width": 56, "preprocess": "mnist",
         "dx": -3, "dy": 2, "scale": 0.8},
        {"pixels": mnist_small.test_images[5].reshape(-1).tolist(), "height": 28, "width": 28, "scale": 1.3},
        {"pixels": rng.uniform(size=784).tolist(), "height": 28, "width": 28},
    ]
    for request in requests:
        local = page.evaluate("request => window.neuronscopeEvaluate(request)", request)
        server = httpx.post(f"{live_server}/api/runs/mnist-3b1b/infer", json=request).json()
        assert np.allclose(local["input"], server["input"], atol=1e-4)
        for name, values in server["activations"].items():
            assert np.allclose(local["activations"][name], values, atol=1e-4)
        assert local["prediction"] == server["prediction"]


def test_drawings_for_an_8x8_digits_run_are_prepared_like_those_digits_on_page_and_server(page, live_server):
    import httpx
    import numpy as np

    page.goto(f"{live_server}/?run=digits")
    page.wait_for_selector("body[data-ready=true]")
    assert page.text_content("#input-title") == "What the network sees (8×8)"
    drawing = np.zeros((56, 56))
    drawing[8:50, 24:31] = 1.0
    drawing[8:14, 14:40] = 0.7
    request = {"pixels": drawing.reshape(-1).tolist(), "height": 56, "width": 56, "preprocess": "digits"}
    local = page.evaluate("request => window.neuronscopeEvaluate(request)", request)
    server = httpx.post(f"{live_server}/api/runs/digits/infer", json=request).json()
    assert len(local["input"]) == 64 and max(local["input"]) > 0.5
    assert np.allclose(local["input"], server["input"], atol=1e-4)
    assert local["prediction"] == server["prediction"]


def test_a_weights_image_has_the_same_colors_on_the_page_as_in_its_figure(page, live_server, runs_dir):
    """One palette and one reach rule: each weight's color on the page is the figure's color for it."""
    import httpx
    import numpy as np

    from neuronscope import inspect
    from neuronscope.plot import palette, plot_weights_images
    from neuronscope.runs import open_run

    from ..conftest import sheet_tiles

    page.goto(f"{live_server}/?run=mnist-3b1b")
    page.wait_for_selector("body[data-ready=true]")
    page.click('.cell[data-layer="hidden1"][data-index="5"]')
    page.wait_for_function("document.getElementById('neuron-title').textContent === 'hidden1 #5'")
    shown = np.array(page.evaluate("""() => { const c = document.getElementById('neuron-weights');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = [];
        for (let row = 0; row < 28; row++) for (let col = 0; col < 28; col++) {
          const x = Math.floor((col + 0.5) * c.width / 28), y = Math.floor((row + 0.5) * c.height / 28);
          const i = 4 * (y * c.width + x); out.push([d[i], d[i + 1], d[i + 2]]); } return out; }"""))
    neuron = httpx.get(f"{live_server}/api/runs/mnist-3b1b/neurons/hidden1/5").json()
    model = open_run(runs_dir / "mnist-3b1b").model
    weights = inspect.weights_images(model, "hidden1")
    figure = plot_weights_images(weights)
    in_figure = sheet_tiles(figure)[5][..., :3].reshape(-1, 3).astype(int)
    expected = palette.colors(np.asarray(neuron["weights_image"]), neuron["reach"]).astype(int)
    assert neuron["reach"] == pytest.approx(palette.reach(weights.images))
    assert np.abs(in_figure - expected).max() <= 1
    assert np.abs(shown - expected).max() <= 2, np.abs(shown - expected).max()
    assert len({tuple(c) for c in expected.tolist()}) > 20  # a real image, not one flat color


def test_the_pages_reach_rule_and_palette_are_the_librarys(page):
    import numpy as np

    from neuronscope.plot import palette

    values = np.random.default_rng(0).normal(0, 1, 500).round(4)
    values[:3] = [40.0, -60.0, 0.0]
    got = page.evaluate("""async (values) => { const p = await import('/palette.js');
        const r = p.reach(values); return [r, values.map((v) => p.signedColor(v, r))]; }""", values.tolist())
    assert got[0] == pytest.approx(palette.reach(values), rel=1e-12)
    assert np.array_equal(np.array(got[1]), palette.colors(values, palette.reach(values)))


def test_the_api_docs_render_offline(page, live_server):
    """/docs is Swagger UI from the package itself: it renders with every request outside the lab refused."""
    outside = []

    def only_the_lab(route):
        if route.request.url.startswith(live_server):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", only_the_lab)
    try:
        page.goto(f"{live_server}/docs")
        page.wait_for_selector(".opblock", timeout=20000)
        operations = page.locator(".opblock").count()
        save_screenshot(page, "api-docs")
    finally:
        page.unroute("**/*")
    assert operations >= 20 and outside == []
