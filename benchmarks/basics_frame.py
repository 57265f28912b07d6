"""Training made visible, one frame at a time: how long the basics page takes for a frame's
gradient-descent steps plus the full redraw (decision regions, boundary, hidden-neuron maps, loss curve).

    python benchmarks/basics_frame.py              # needs Debian's chromium and playwright

Runs the decision-boundary page in headless Chromium for a few seconds per setting and prints the
frame times next to the 16 ms budget of one frame at 60 Hz, and, as the baseline, the time the
library's NumPy network (neuronscope.basics.fit_toy) takes for the same steps without any drawing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from lab_server import serving
from playwright.sync_api import sync_playwright

from neuronscope.basics import fit_toy
from neuronscope.data.toy import make_toy

FRAME_MS = 16.0
SETTINGS = [  # data, points, hidden layers, steps per frame, held to the 16 ms target
    ("xor", 200, "4", 5, True), ("spirals", 200, "8,8", 5, True), ("spirals", 200, "8,8", 20, True),
    # beyond the toy sizes: the page then takes fewer steps per frame; shown for information
    ("spirals", 600, "16,16,16", 5, False),
]


def library_ms_per_step(name: str, points: int, hidden: str) -> float:
    data = make_toy(name, points, 0.1)
    sizes = tuple(int(h) for h in hidden.split(","))
    started = time.perf_counter()
    fit_toy(data, hidden=sizes, steps=200)
    return (time.perf_counter() - started) * 1000 / 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="training time per setting")
    args = parser.parse_args()
    worst_p95 = 0.0
    with tempfile.TemporaryDirectory() as empty, serving(Path(empty)) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/basics#boundaries")
        page.wait_for_selector("body[data-ready=true]")
        for name, points, hidden, per_frame, held in SETTINGS:
            page.select_option("#toy-name", name)
            page.fill("#toy-n", str(points))
            page.fill("#net-hidden", hidden)
            page.dispatch_event("#net-hidden", "change")
            page.fill("#net-speed", str(per_frame))
            page.wait_for_timeout(300)
            page.evaluate("window.neuronscopeFrameTimes.length = 0")
            page.click("#net-run")
            page.wait_for_timeout(args.seconds * 1000)
            page.click("#net-run")
            times = np.array(page.evaluate("window.neuronscopeFrameTimes"))
            p50, p95 = np.percentile(times, [50, 95])
            worst_p95 = max(worst_p95, p95) if held else worst_p95
            baseline = library_ms_per_step(name, points, hidden) * per_frame
            print(f"{name:8} {points:4} points, 2-{hidden.replace(',', '-')}-1, {per_frame:2} steps/frame: "
                  f"page step+redraw p50 {p50:5.1f} ms, p95 {p95:5.1f} ms over {len(times)} frames; "
                  f"library NumPy, same steps, no drawing: {baseline:5.1f} ms{'' if held else ' (information only)'}")
        browser.close()
    verdict = "PASS" if worst_p95 <= FRAME_MS else "FAIL"
    print(f"worst p95 {worst_p95:.1f} ms: {verdict} (target: each toy-size setting's p95 <= one {FRAME_MS:.0f} ms frame)")
    return 0 if worst_p95 <= FRAME_MS else 1


if __name__ == "__main__":
    sys.exit(main())
