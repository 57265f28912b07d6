"""The lab exported as one HTML file: it works from file:// with every request outside the file refused."""

import numpy as np
import pytest
import torch

from neuronscope.errors import ConfigError, NeuronscopeError
from neuronscope.web.export import export_lab

from .browser import needs_chromium, open_page, save_screenshot


@pytest.fixture(scope="module")
def exported(runs_dir, shared_data, tmp_path_factory):
    return export_lab(runs_dir / "mnist-3b1b", tmp_path_factory.mktemp("export") / "lab.html", data_dir=shared_data,
                      samples=200)


def test_the_file_is_small_and_holds_no_reference_outside_itself(exported):
    html = exported.read_text()
    assert exported.stat().st_size < 2_000_000  # 784-16-16-10 with 200 test digits
    assert "/static/" not in html and 'src="http' not in html and "import {" not in html.split("<script")[-1]


def test_refuses_what_it_cannot_export(runs_dir, shared_data, tmp_path):
    with pytest.raises(ConfigError, match="between 1 and"):
        export_lab(runs_dir / "mnist-3b1b", tmp_path / "x.html", data_dir=shared_data, samples=0)
    with pytest.raises(NeuronscopeError, match="not found"):
        export_lab(runs_dir / "not-a-run", tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


@needs_chromium
def test_the_exported_lab_works_from_a_file_with_no_network(exported, runs_dir):
    from neuronscope.models.mlp import probabilities
    from neuronscope.runs import open_run

    errors = []
    outside = []
    with open_page(exported.as_uri(), errors, allowed="file://", refused=outside) as page:
        assert page.evaluate("location.protocol") == "file:"
        assert page.locator(".cell").count() == 32 and page.locator(".out-row").count() == 10
        # draw a stroke: the network answers in the page
        blank = page.eval_on_selector_all(".cell", "cells => cells.map(c => c.dataset.activation)")
        box = page.locator("#pad").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(box["x"] + box["width"] * 0.5 + step, box["y"] + box["height"] * (0.15 + 0.06 * step))
        page.mouse.up()
        assert page.eval_on_selector_all(".cell", "cells => cells.map(c => c.dataset.activation)") != blank
        assert page.text_content("#prediction") in list("0123456789")
        # a test digit of a chosen class, and the page's arithmetic against the library's
        page.select_option("#sample-label", "3")
        page.click("#sample")
        page.wait_for_function("document.getElementById('source-note').textContent.includes('labeled 3')")
        model = open_run(runs_dir / "mnist-3b1b").model
        test_image = np.random.default_rng(0).random(784).astype(np.float32)
        in_page = page.evaluate("""(pixels) => window.neuronscopeEvaluate(
            {pixels, height: 28, width: 28, preprocess: "none"}).probabilities""", test_image.tolist())
        with torch.no_grad():
            expected = probabilities(model, torch.from_numpy(test_image).reshape(1, -1))[0].numpy()
        assert np.abs(np.array(in_page) - expected).max() < 1e-5
        # click a neuron: its weights image in blue and red
        page.click('.cell[data-layer="hidden2"][data-index="4"]')
        page.wait_for_function("document.getElementById('neuron-title').textContent === 'hidden2 #4'")
        assert page.locator("#neuron-pushes li").count() >= 1
        # shift, noise and a morph between a digit and noise
        page.click('#transform button[data-dx="1"]')
        assert "shifted 1, 0" in page.text_content("#transform-state")
        page.click("#morph-a")
        page.click("#noise")
        page.click("#morph-b")
        page.wait_for_selector("#morph-strip span")
        assert page.locator("#morph-strip span").count() == 21
        save_screenshot(page, "exported-lab")
    assert not errors, errors
    assert not outside, outside
