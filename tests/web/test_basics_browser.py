"""The basics pages in a real headless Chromium: sliders and buttons change what is drawn, and the
page's own arithmetic agrees with the library's."""

import hashlib

import numpy as np
import pytest

from neuronscope.basics import FESTIVAL, FESTIVAL_YES_NO, TinyNetwork, festival_decision

from .browser import needs_chromium, open_page, save_screenshot

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def page(basics_server):
    errors = []
    with open_page(f"{basics_server}/basics", errors) as page:
        yield page
    assert not errors, errors


def _canvas_digest(page, selector: str) -> str:
    data_url = page.eval_on_selector(selector, "c => c.toDataURL()")
    return hashlib.sha256(data_url.encode()).hexdigest()


def _show(page, tab: str) -> None:
    page.click(f"[data-tab={tab}]")
    page.wait_for_selector(f"#{tab}.active")


def test_festival_sliders_decide_like_the_library(page):
    _show(page, "neuron")
    assert page.get_attribute("#neuron-decision", "data-fires") == "true"  # the article's 26 > 25
    assert "= 26.00 > threshold 25.0" in page.text_content("#neuron-sum")
    for values in ([3, 2, 3, 2], [4, 1, 4, 0], [4, 4, 1, 3], [2, 2, 4, 2]):  # 24, 26, 29, 22 against 25
        before = _canvas_digest(page, "#neuron-line")
        for i, value in enumerate(values):
            page.fill(f"#neuron-x{i}-slider", str(value))
        expected = festival_decision(dict(zip(FESTIVAL.weights, values))).go
        assert page.get_attribute("#neuron-decision", "data-fires") == str(expected).lower(), values
        assert _canvas_digest(page, "#neuron-line") != before
    # the same inputs, a lower threshold: moving the bias flips the decision
    page.fill("#neuron-threshold", "2")
    assert page.get_attribute("#neuron-decision", "data-fires") == "true"
    assert "b = -2.0" in page.text_content("#neuron-sum")
    save_screenshot(page, "basics-neuron")
    page.select_option("#neuron-preset", "festival-yes-no")
    factors = list(FESTIVAL_YES_NO.weights)
    for values in ([1, 0, 0, 1], [0, 1, 1, 1], [1, 0, 0, 0]):
        for i, value in enumerate(values):
            page.fill(f"#neuron-x{i}-slider", str(value))
        expected = festival_decision(dict(zip(factors, values)), example=FESTIVAL_YES_NO).go
        assert page.get_attribute("#neuron-decision", "data-fires") == str(expected).lower(), values
    page.select_option("#neuron-preset", "festival")


def test_a_line_cannot_learn_xor_in_the_page_but_four_hidden_neurons_can(page):
    _show(page, "boundaries")
    page.select_option("#toy-name", "xor")
    page.fill("#toy-noise", "0")
    page.fill("#net-speed", "50")
    accuracies = {}
    for hidden in ("", "4"):
        page.click(f"[data-hidden='{hidden}']")
        before = _canvas_digest(page, "#toy-canvas")
        page.click("#net-run")
        # a line stops improving long before 2,000 steps; the network gets up to 6,000 to separate every point
        page.wait_for_function("""() => { const s = document.getElementById('net-status').dataset;
            return Number(s.steps) >= (%d ? 6000 : 2000) || Number(s.accuracy) === 1; }""" % len(hidden),
                               timeout=30000)
        page.click("#net-run")
        assert _canvas_digest(page, "#toy-canvas") != before  # the regions moved while it trained
        accuracies[hidden] = float(page.get_attribute("#net-status", "data-accuracy"))
        save_screenshot(page, f"basics-xor-{hidden or 'linear'}")
    assert accuracies[""] <= 0.75 and accuracies["4"] == 1.0
    assert "cannot beat about 75%" in page.evaluate("() => { document.querySelector(\"[data-hidden='']\").click();"
                                                    " return document.getElementById('net-note').textContent; }")
    frame_times = page.evaluate("window.neuronscopeFrameTimes")
    assert frame_times  # measured per frame; the benchmark reports them against the 16 ms budget


@pytest.mark.parametrize("sizes", [(2, 5, 3, 1), (2, 6, 4)])  # one sigmoid output; a softmax over 4 classes
def test_page_gradients_equal_the_library_backprop(page, sizes):
    network = TinyNetwork.create(sizes, "relu", seed=4)
    x = np.random.default_rng(5).normal(size=(12, 2))
    y = (x[:, 0] > x[:, 1]).astype(float) if sizes[-1] == 1 else np.arange(12) % sizes[-1]
    page_grads = page.evaluate("""([sizes, weights, biases, x, y]) => {
        const t = window.neuronscopeTinyNet;
        const net = { sizes, activation: "relu", weights: weights.map((w) => Float64Array.from(w)),
                      biases: biases.map((b) => Float64Array.from(b)) };
        const g = t.gradients(net, Float64Array.from(x), Float64Array.from(y));
        return { weights: g.weights.map((w) => Array.from(w)), loss: g.loss }; }""",
        [list(sizes), [w.ravel().tolist() for w in network.weights], [b.tolist() for b in network.biases],
         x.ravel().tolist(), y.tolist()])
    expected = network.gradients(x, y)
    for got, want in zip(page_grads["weights"], expected.weights):
        np.testing.assert_allclose(got, want.ravel(), atol=1e-12)
    assert page_grads["loss"] == pytest.approx(network.loss(x, y), abs=1e-12)


def test_many_classes_and_a_users_csv_train_in_the_page(page, tmp_path):
    page.click("a[data-tab=boundaries]")
    page.select_option("#toy-name", "blobs")
    page.wait_for_selector("#toy-classes-label:not([hidden])")
    page.fill("#toy-classes", "4")
    page.dispatch_event("#toy-classes", "change")
    page.wait_for_function("document.getElementById('net-status').dataset.steps === '0'")
    page.click("[data-hidden='8,8']")
    page.click("#net-run")
    page.wait_for_function("Number(document.getElementById('net-status').dataset.accuracy) > 0.95", timeout=20_000)
    page.click("#net-run")
    colors = page.evaluate("""() => { const c = document.getElementById('toy-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(`${d[i] >> 5},${d[i + 1] >> 5},${d[i + 2] >> 5}`);
        return seen.size; }""")
    assert colors > 8  # four class colors in several shades, not two
    save_screenshot(page, "basics-blobs-4")

    rows = (["height,weight,animal"] + [f"{20 + k % 7},{3 + k % 3},cat" for k in range(30)]
            + [f"{45 + k % 9},{12 + k % 5},dog" for k in range(30)]
            + [f"{150 + k % 11},{450 + k % 40},horse" for k in range(30)])
    good = tmp_path / "pets.csv"
    good.write_text("\n".join(rows))
    page.set_input_files("#toy-csv", str(good))
    page.wait_for_function("document.getElementById('toy-csv-note').textContent.includes('90 points')")
    assert "cat, dog, horse" in page.text_content("#toy-csv-note")
    assert page.eval_on_selector("#toy-name", "s => s.selectedOptions[0].textContent") == "pets.csv (yours)"
    page.click("#net-run")
    page.wait_for_function("Number(document.getElementById('net-status').dataset.accuracy) > 0.95", timeout=20_000)
    page.click("#net-run")
    save_screenshot(page, "basics-csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,a\n3,oops,b\n")
    page.set_input_files("#toy-csv", str(bad))
    page.wait_for_function("document.getElementById('toy-csv-note').classList.contains('error')")
    assert "row 2: 'oops' is not a finite number" in page.text_content("#toy-csv-note")


def test_descent_panels_redraw_from_a_clicked_start_and_show_divergence(page):
    _show(page, "descent")
    verdicts = page.eval_on_selector_all(".verdict", "v => v.map(e => e.textContent)")
    assert len(verdicts) == 3 and verdicts[2].startswith("diverges") and not verdicts[1].startswith("diverges")
    before = [_canvas_digest(page, f"#descent-panels figure:nth-child({i}) canvas") for i in (1, 2, 3)]
    loss_before = _canvas_digest(page, "#descent-loss")
    box = page.locator("#descent-panels figure:nth-child(2) canvas").bounding_box()
    drawn = page.eval_on_selector("#descent-loss", "c => c.toDataURL()")
    page.mouse.click(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.8)
    page.wait_for_function("before => document.querySelector('#descent-loss').toDataURL() !== before", arg=drawn)
    after = [_canvas_digest(page, f"#descent-panels figure:nth-child({i}) canvas") for i in (1, 2, 3)]
    assert all(a != b for a, b in zip(before, after)) and _canvas_digest(page, "#descent-loss") != loss_before
    page.fill("#descent-panels figure:nth-child(3) input", "0.2")  # below the critical rate
    page.press("#descent-panels figure:nth-child(3) input", "Enter")
    page.wait_for_function("!document.querySelectorAll('.verdict')[2].textContent.startsWith('diverges')")
    save_screenshot(page, "basics-descent")


def test_backprop_stages_check_out_and_a_step_lowers_the_loss(page):
    _show(page, "backprop")
    page.click("#bp-stages button:nth-child(7)")
    assert float(page.get_attribute("#bp-table", "data-largest-difference")) < 1e-5
    assert page.locator("#bp-table th").count() == 5  # finite differences shown beside backprop
    loss = float(page.get_attribute("#bp-losses", "data-loss"))
    page.click("#bp-step")
    page.wait_for_function(f"Number(document.getElementById('bp-losses').dataset.loss) < {loss}")
    save_screenshot(page, "basics-backprop")
    page.fill("#bp-target", "7")  # outside [0, 1]: the server refuses it and the page says why
    page.press("#bp-target", "Enter")
    page.wait_for_function("document.getElementById('bp-explain').textContent.startsWith('⚠')")


def test_the_superposition_slider_retrains_and_redraws(page):
    _show(page, "superposition")
    page.wait_for_function("document.getElementById('sp-summary').dataset.represented !== undefined")
    summary = lambda: page.get_attribute("#sp-summary", "data-sparsity")  # noqa: E731
    for value, sparsity, represented in (("0", "0", "2"), ("2", "0.99", "5")):
        before = _canvas_digest(page, "#sp-directions"), _canvas_digest(page, "#sp-gram")
        page.fill("#sp-sparsity", value)
        page.wait_for_function(f"document.getElementById('sp-summary').dataset.sparsity === '{sparsity}'",
                               timeout=20_000)
        assert summary() == sparsity
        assert page.get_attribute("#sp-summary", "data-represented") == represented
        after = _canvas_digest(page, "#sp-directions"), _canvas_digest(page, "#sp-gram")
        assert after[0] != before[0] and after[1] != before[1]
    save_screenshot(page, "basics-superposition")
    page.fill("#sp-dimensions", "3")
    page.fill("#sp-features", "12")
    page.wait_for_function("document.getElementById('sp-summary').textContent.startsWith('12 of 12')"
                           " || document.getElementById('sp-summary').textContent.includes('of 12 features')",
                           timeout=20_000)
    assert "in 3 dimensions" in page.text_content("#sp-summary")
    save_screenshot(page, "basics-superposition-bars")
