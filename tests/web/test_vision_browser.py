"""The vision page in a real headless Chromium: its convolution equals the library's, and every panel
draws what the API returns."""

import numpy as np
import pytest

from neuronscope.data import load_dataset
from neuronscope.inspect.convolution import convolve, parse_kernel
from neuronscope.web.app import create_app

from .browser import needs_chromium, open_page, save_screenshot
from .conftest import _serving

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def page(vision_runs_dir, shared_data):
    errors = []
    with _serving(create_app(vision_runs_dir, shared_data)) as url, \
            open_page(f"{url}/vision?run=convnet#convolution", errors) as page:
        yield page
        assert not errors


@pytest.fixture(scope="module")
def test_images(shared_data):
    return load_dataset("mnist", shared_data, train_size=1, test_size=10, progress=False).test_images


def _goto(page, tab):
    page.click(f"[data-tab={tab}]")
    page.wait_for_selector(f"#{tab}.active")


@pytest.mark.parametrize("kernel", ["edges", "sobel-y", "gaussian-blur", "-1 0 1; 2 0.5 -2; 0 3 0"])
def test_the_pages_convolution_is_the_librarys(page, test_images, kernel):
    _goto(page, "convolution")
    page.fill("#image-index", "4")
    page.dispatch_event("#image-index", "change")
    page.wait_for_function("window.neuronscopeVision.state.sample.index === 4")
    matrix = parse_kernel(kernel)
    got = np.array(page.evaluate("([k]) => Array.from(window.neuronscopeVision.convolve("
                                 "window.neuronscopeVision.state.sample.pixels, [1, 28, 28], k))", [matrix.tolist()]))
    np.testing.assert_allclose(got.reshape(28, 28), convolve(test_images[4], matrix), atol=1e-4)


def test_editing_the_kernel_redraws_the_output(page):
    _goto(page, "convolution")
    page.select_option("#kernel-name", "identity")
    before = page.get_attribute("#conv-output", "data-sum")
    page.fill("#kernel-grid input[data-row='1'][data-col='1']", "2")
    page.wait_for_function(f"document.querySelector('#conv-output').dataset.sum !== '{before}'")
    assert float(page.get_attribute("#conv-output", "data-sum")) == pytest.approx(2 * float(before), rel=1e-6)
    assert page.input_value("#kernel-name") == "custom"
    page.hover("#conv-output", position={"x": 98, "y": 98})
    assert "output at row 14, column 14" in page.text_content("#conv-spelled")


def test_clicking_a_feature_map_shows_its_top_images(page):
    _goto(page, "inside")
    page.wait_for_selector("#kernels .tile")
    assert page.locator("#kernels .tile").count() == 8
    assert page.locator("#maps .tile[data-layer=conv2]").count() == 16
    page.click("#maps .tile[data-layer=conv2][data-channel='3']")
    page.wait_for_selector("#top-images[data-count='12']")
    assert "conv2:3" in page.text_content("#top-title")
    save_screenshot(page, "vision-inside")


def test_rendering_shows_raw_and_regularized_rows(page):
    _goto(page, "wants")
    page.fill("#vis-units", "1,8")
    page.fill("#vis-steps", "64")
    page.click("#vis-run")
    page.wait_for_selector("#vis-regularized[data-final]", timeout=60000)
    start = np.array(page.evaluate("JSON.parse(document.querySelector('#vis-raw').dataset.start)"))
    final = np.array(page.evaluate("JSON.parse(document.querySelector('#vis-raw').dataset.final)"))
    assert page.locator("#vis-raw .tile").count() == 2 and np.all(final > start)
    save_screenshot(page, "vision-wants")


def test_attack_fooling_and_dream(page):
    _goto(page, "fool")
    page.fill("#attack-epsilon", "0.3")
    page.click("#attack-run")
    page.wait_for_selector("#attack-after[data-prediction]")
    assert "fooled" in page.text_content("#attack-after")  # ε = 0.3 breaks this ConvNet
    page.select_option("#fool-target", "2")
    page.click("#fool-run")
    page.wait_for_selector("#fool-caption[data-confidence]", timeout=60000)
    assert float(page.get_attribute("#fool-caption", "data-confidence")) >= 0.99
    save_screenshot(page, "vision-fool")
    _goto(page, "dream")
    page.select_option("#dream-layer", "conv2")
    page.fill("#dream-steps", "8")
    page.click("#dream-run")
    page.wait_for_selector("#dream-caption[data-amplification]", timeout=60000)
    assert float(page.get_attribute("#dream-caption", "data-amplification")) > 1.1
