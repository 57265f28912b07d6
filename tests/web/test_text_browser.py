"""The text page in a real headless Chromium: typing colors every character by the chosen cell."""

import shutil

import pytest

from neuronscope.cli import main
from neuronscope.web.app import create_app
from tests.conftest import quote_text

from .browser import needs_chromium, open_page, save_screenshot
from .conftest import _serving

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def page(quote_run, tmp_path_factory):
    root = tmp_path_factory.mktemp("text-lab")
    shutil.copytree(quote_run.path, root / "quotes")
    text = root / "quotes.txt"
    text.write_text(quote_text(2000, seed=6))
    assert main(["text", "cells", str(root / "quotes"), "--text", str(text), "--quiet"]) == 0
    with _serving(create_app(root)) as url, open_page(f"{url}/text") as page:
        yield page


def _colors(page) -> list[str]:
    return page.eval_on_selector_all("#text-view > span", "spans => spans.map(s => s.style.background)")


def test_typing_colors_one_span_per_character_and_cells_can_be_scrolled(page):
    typed = 'abc"ijk"de"mn'
    page.fill("#text-input", "")
    page.type("#text-input", typed, delay=5)
    page.wait_for_function(f"document.querySelectorAll('#text-view > span').length === {len(typed)}")
    first = _colors(page)
    assert len(set(first)) > 3  # the cell's activation varies along the text
    page.click("#cell-next")
    assert page.input_value("#cell-index") == "1" and _colors(page) != first
    found = page.text_content("#found-cells li")  # "feature: layer L, cell C (...)"
    cell = found.split("cell ")[1].split(" ")[0]
    page.click("#found-cells li")  # jump to the cell found for the first feature
    page.wait_for_function("c => document.getElementById('cell-index').value === c", arg=cell)
    save_screenshot(page, "text-cells")


def test_samples_show_probabilities_on_hover(page):
    page.click("#sample-run")
    page.wait_for_function("document.querySelectorAll('#sample-view span[data-tip]').length === 400")
    tip = page.get_attribute("#sample-view span[data-tip]", "data-tip")
    assert tip.startswith("p = ") and len(tip.splitlines()) == 6  # probability and five alternatives


def test_characters_outside_the_vocabulary_are_marked_not_fatal(page):
    page.fill("#text-input", "abXc")
    page.wait_for_function("document.querySelectorAll('#text-view > span').length === 4")
    assert page.get_attribute("#text-view > span:nth-child(3)", "class") == "unknown"
    assert "never saw" in page.text_content("#text-error")
