"""The ImageNet page in a real headless Chromium: a photo uploaded through the page, its top-5, an
attack run to the end with its progress shown, and a file that is not a photo."""


import numpy as np
import pytest
from PIL import Image

from neuronscope.imagenet.photos import sample_photo
from neuronscope.web.app import create_app

from ..web.browser import needs_chromium, open_page, save_screenshot
from ..web.conftest import _serving

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def page(tmp_path_factory, imagenet_cache):
    errors = []
    app = create_app(tmp_path_factory.mktemp("no-runs"), imagenet_cache=imagenet_cache)
    with _serving(app) as url, open_page(f"{url}/imagenet#attack", errors) as page:
        yield page
        assert not errors


def test_an_uploaded_photo_gets_its_top5_and_falls_to_an_attack(page, tmp_path):
    page.wait_for_selector("#photo-top .top-row")
    assert page.inner_text("#photo-top .top-row .name") == "palace"  # the first sample, chosen at start
    photo = tmp_path / "my flower.png"
    Image.fromarray((sample_photo("flower") * 255).astype(np.uint8)).save(photo)
    page.set_input_files("#upload", str(photo))
    page.wait_for_function("document.querySelector('#photo-top .name').textContent === 'daisy'")
    page.fill("#attack-target", "goldfish")
    page.fill("#attack-steps", "40")
    page.click("#attack-run")
    page.wait_for_function("/attack: step [1-9][0-9]* of 40/.test(document.querySelector('#job-text').textContent)"
                           " && document.querySelector('#job-progress').value > 0")  # progress while it runs
    page.wait_for_selector("#attack-result .verdict", timeout=60000)
    assert page.get_attribute("#job", "data-state") == "done" and page.is_disabled("#job-cancel")
    assert page.eval_on_selector("#job-progress", "p => p.value") == 1
    assert "it worked" in page.inner_text("#attack-result .verdict")
    assert page.inner_text("#attack-result .marked .name") == "goldfish"
    assert page.eval_on_selector_all("#attack-result img", "images => images.every(i => i.naturalWidth === 224)")
    save_screenshot(page, "imagenet-attack")


def test_a_file_that_is_not_a_photo_is_one_line_on_the_page(page, tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo at all")
    page.set_input_files("#upload", str(text))
    page.wait_for_selector("#page-error:not([hidden])")
    assert page.inner_text("#page-error") == "the upload: not an image this can read (JPEG, PNG, GIF, BMP, WebP)"
