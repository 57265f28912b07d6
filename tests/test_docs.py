"""The documentation builds strictly, runs the examples into its gallery, documents every command,
and works from disk with every request off the machine refused."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.ipynb"))


def test_the_examples_are_kept_without_outputs():
    assert len(EXAMPLES) >= 4
    for path in EXAMPLES:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert cells and all(not c["outputs"] and c["execution_count"] is None for c in cells), path.name


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared_data):
    if shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the documentation tools are not installed: pip install -e '.[dev]'")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NEURONSCOPE_DATA": str(shared_data), "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-d", str(out)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return out


def test_the_gallery_holds_each_example_executed_with_its_pictures(site):
    for path in EXAMPLES:
        page = (site / "gallery" / f"{path.stem}.html").read_text()
        pictures = len(re.findall(r'src="data:image/png;base64,', page))
        assert pictures >= 1, f"{path.stem}: no pictures"
        assert "Traceback" not in page
    mlp = (site / "gallery" / "01_what_an_mlp_learned.html").read_text()
    assert len(re.findall(r'src="data:image/png;base64,', mlp)) >= 6
    assert "neuronscope drawing lab" in mlp  # the widget's self-contained page, usable without a kernel


def test_the_command_line_reference_covers_every_command(site):
    from neuronscope.cli import build_parser

    reference = (site / "reference" / "cli.html").read_text()
    commands = [name for action in build_parser()._subparsers._group_actions for name in action.choices]
    assert len(commands) > 10
    for command in commands:
        assert f"neuronscope {command}</code>" in reference, command


def test_the_library_reference_documents_the_public_functions(site):
    reference = (site / "reference" / "api.html").read_text()
    for name in ("open_run", "train_run", "load_dataset", "weights_images", "lego_blocks", "render", "DrawLab",
                 "ImageClassifier", "activation_map"):
        assert 'id="neuronscope.' in reference and name in reference, name


def test_the_site_works_from_disk_with_no_network(site):
    if not Path("/usr/bin/chromium").exists() and os.environ.get("NEURONSCOPE_REQUIRE_DATA") != "1":
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    outside = []

    def only_the_disk(route):
        if route.request.url.startswith(("file://", "data:")):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.route("**/*", only_the_disk)
        for name in ("index.html", "gallery/01_what_an_mlp_learned.html", "reference/api.html"):
            page.goto((site / name).as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate("getComputedStyle(document.body).fontFamily")  # styled by the local CSS
        page.goto((site / "gallery" / "01_what_an_mlp_learned.html").as_uri())
        lab = page.frame_locator('iframe[title="neuronscope drawing lab"]')
        lab.locator("body[data-ready=true]").wait_for()
        assert lab.locator(".cell").count() == 32
        browser.close()
    assert not outside, outside
