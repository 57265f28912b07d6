"""The notebook drawing lab, mounted the way anywidget mounts a widget: its module from a Blob URL,
``render({model, el})`` with a model that has get / set / save_changes."""

import json

import pytest

from .browser import VERTICAL_STROKE, draw_stroke, needs_chromium, open_page, save_screenshot

pytest.importorskip("anywidget", reason="pip install -e '.[dev]' (the notebook extra) for the widget tests")

HOST = """<!doctype html><meta charset="utf-8"><body><div id="cell" style="width: 1100px"></div>
<script type="module">
const values = VALUES;
window.model = { values, saved: 0, get: (k) => values[k], set: (k, v) => { values[k] = v; },
  save_changes() { this.saved++; }, on() {}, off() {} };
const url = URL.createObjectURL(new Blob([ESM], { type: "text/javascript" }));
const widget = (await import(url)).default;
widget.render({ model: window.model, el: document.getElementById("cell") });
document.body.dataset.ready = "true";
</script>"""


@needs_chromium
def test_drawing_in_the_widget_reports_the_prediction_to_python(runs_dir, shared_data, tmp_path):
    from neuronscope.widgets import DrawLab

    lab = DrawLab(runs_dir / "mnist-3b1b", samples=50, data_dir=shared_data)
    state = {"page": lab.page, "height": lab.height, "prediction": lab.prediction, "probabilities": []}
    host = tmp_path / "host.html"
    # the widget's module first: the page put in after it may contain any text
    host.write_text(HOST.replace("ESM", json.dumps(lab._esm), 1)
                    .replace("VALUES", json.dumps(state).replace("</", "<\\/"), 1))
    errors = []
    with open_page(host.as_uri(), errors, allowed="file://") as page:
        frame = page.frame_locator("iframe")
        frame.locator("body[data-ready=true]").wait_for()
        draw_stroke(page, frame.locator("#pad"), VERTICAL_STROKE)
        page.wait_for_function("window.model.saved > 0 && window.model.values.prediction >= 0")
        reported = page.evaluate("window.model.values")
        assert str(reported["prediction"]) == frame.locator("#prediction").text_content()
        assert len(reported["probabilities"]) == 10
        save_screenshot(page, "widget-drawlab")
    assert not errors, errors
