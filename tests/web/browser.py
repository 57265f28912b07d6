"""Driving Debian's Chromium with Playwright, shared by the lab's browser tests."""

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# under NEURONSCOPE_REQUIRE_DATA=1 (CI) a missing browser fails the tests instead of skipping them
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() and os.environ.get("NEURONSCOPE_REQUIRE_DATA") != "1",
                                    reason="needs Debian's chromium (apt-get install chromium)")
SCREENSHOTS = Path(os.environ.get("NEURONSCOPE_SCREENSHOTS", "/tmp/neuronscope-screenshots"))


@contextlib.contextmanager
def open_page(url: str, errors: list[str] | None = None, allowed: str | None = None,
              refused: list[str] | None = None):
    """A 1280x900 headless page at ``url``, yielded once the page marks itself ready; uncaught
    script errors are appended to ``errors`` when given. With ``allowed``, requests for addresses
    not starting with it are aborted and appended to ``refused``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        if errors is not None:
            page.on("pageerror", lambda error: errors.append(str(error)))
        if allowed is not None:
            def only_allowed(route):
                if route.request.url.startswith(allowed):
                    return route.continue_()
                if refused is not None:
                    refused.append(route.request.url)
                return route.abort()

            page.route("**/*", only_allowed)
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]", timeout=20000)
        yield page
        browser.close()


def save_screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def draw_stroke(page, pad, points: list[tuple[float, float]]) -> None:
    """Press the mouse on the drawing ``pad`` (a locator) and move it through ``points``, each a
    (fraction across, fraction down) of the pad, then release."""
    box = pad.bounding_box()
    (x, y), *rest = points
    page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    page.mouse.up()


VERTICAL_STROKE = [(0.5, 0.15 + 0.06 * step) for step in range(12)]  # a "1" down the middle
