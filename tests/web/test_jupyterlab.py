"""DrawLab in a real JupyterLab, in headless Chromium: run the cell, draw a digit in the widget, and
Python's ``lab.prediction`` is what the page shows."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .browser import CHROMIUM, needs_chromium

pytest.importorskip("jupyterlab", reason="pip install -e '.[dev]' for the JupyterLab test")
pytest.importorskip("anywidget", reason="pip install -e '.[dev]' for the JupyterLab test")
pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
def jupyterlab(runs_dir, shared_data, tmp_path_factory):
    import nbformat

    root = tmp_path_factory.mktemp("jupyterlab")
    shutil.copytree(runs_dir / "mnist-3b1b", root / "run")
    cells = ["from neuronscope.widgets import DrawLab\nlab = DrawLab('run', samples=50)\nlab",
             "print('PREDICTION', lab.prediction)"]
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(book, root / "draw.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--allow-root", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None"],
        cwd=root, env={**os.environ, "NEURONSCOPE_DATA": str(shared_data), "HOME": str(root)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 90
    try:
        while True:
            try:
                if httpx.get(f"{base}/api/status").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "JupyterLab did not start"
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_drawing_in_jupyterlab_reaches_python(jupyterlab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{jupyterlab}/lab/tree/draw.ipynb")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90000)
        # the kernel has started and said it is idle: only then does Shift+Enter run the cell
        page.wait_for_selector("text=/Python 3 \\(ipykernel\\) \\| Idle/", timeout=90000)
        page.click(".jp-Cell >> nth=0")
        page.keyboard.press("Shift+Enter")
        holder = page.wait_for_selector('iframe[title="neuronscope drawing lab"]', timeout=120000)
        lab = holder.content_frame()
        lab.wait_for_selector("body[data-ready=true]", timeout=60000)
        pad = lab.locator("#pad").bounding_box()
        x0, y0 = pad["x"] + pad["width"] * 0.5, pad["y"] + pad["height"] * 0.15
        page.mouse.move(x0, y0)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(x0, y0 + step * pad["height"] * 0.06)
        page.mouse.up()
        shown = lab.text_content("#prediction")
        assert shown in list("0123456789")
        page.keyboard.press("Escape")
        page.click(".jp-Cell >> nth=1")
        page.keyboard.press("Shift+Enter")
        # the output area, not the cell's source, which says PREDICTION too
        page.wait_for_selector(".jp-Cell >> nth=1 >> .jp-OutputArea >> text=PREDICTION", timeout=60000)
        assert page.text_content(".jp-Cell >> nth=1 >> .jp-OutputArea").strip() == f"PREDICTION {shown}"
        browser.close()
