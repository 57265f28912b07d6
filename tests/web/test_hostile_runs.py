"""A served folder full of bad neighbours: every page still lists what opens, says why the rest does not,
never answers 5xx, never hangs, and does not reopen a bad run on every request."""

import json
import os
import shutil
import time

import pytest
from fastapi.testclient import TestClient

from neuronscope.errors import CheckpointError
from neuronscope.runs import open_run
from neuronscope.web.app import create_app

from .browser import needs_chromium, open_page, save_screenshot
from .conftest import _serving

XSS = '<img src=x onerror="window.__xss = 1">'


def _copy(source, target):
    shutil.copytree(source, target)
    return target


def _edit_json(path, change):
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory, runs_dir):
    good = runs_dir / "digits"
    root = tmp_path_factory.mktemp("hostile")
    _copy(good, root / "good")
    outside = _copy(good, tmp_path_factory.mktemp("elsewhere") / "outside")
    os.symlink(outside, root / "link-outside")
    killed = _copy(good, root / "killed-during-first-save")
    (killed / "model.safetensors").write_bytes((good / "model.safetensors").read_bytes()[:300])
    tampered = _copy(good, root / "tampered")
    blob = bytearray((tampered / "model.safetensors").read_bytes())
    blob[-7] ^= 0x55
    (tampered / "model.safetensors").write_bytes(bytes(blob))
    (_copy(good, root / "metrics-empty-entry") / "metrics.json").write_text('{"history": [{}]}')
    (_copy(good, root / "metrics-text") / "metrics.json").write_text('{"history": "abc"}')
    (_copy(good, root / "metrics-null") / "metrics.json").write_text("null")
    (_copy(good, root / "nested-config") / "config.json").write_text(_nested(100_000))
    _edit_json(_copy(good, root / "dataset-string") / "config.json", lambda c: c.update(dataset="mnist"))
    _edit_json(_copy(good, root / "huge") / "config.json",
               lambda c: c["model"].update(layers=[64, 100_000, 100_000, 10]))
    _edit_json(_copy(good, root / "fractional") / "config.json", lambda c: c["model"].update(layers=[64, 12.5, 10]))
    _edit_json(_copy(good, root / "test-size-text") / "config.json", lambda c: c["dataset"].update(test_size="abc"))
    _edit_json(_copy(good, root / "epochs-text") / "config.json", lambda c: c["training"].update(epochs="abc"))
    _edit_json(_copy(good, root / "extra-key") / "config.json", lambda c: c["dataset"].update(surprise=1))
    fifo = _copy(good, root / "fifo-weights")
    (fifo / "model.safetensors").unlink()
    os.mkfifo(fifo / "model.safetensors")
    folder = _copy(good, root / "weights-folder")
    (folder / "model.safetensors").unlink()
    (folder / "model.safetensors").mkdir()
    xss = _copy(good, root / "xss-names")
    _edit_json(xss / "config.json", lambda c: c["dataset"].update(class_names=[XSS] * 10))
    return root


BAD = ["link-outside", "killed-during-first-save", "tampered", "metrics-text", "metrics-null", "nested-config",
       "dataset-string", "huge", "fractional", "test-size-text", "epochs-text", "extra-key", "fifo-weights",
       "weights-folder"]


@pytest.mark.parametrize("name", BAD[1:])  # a link is the lab's concern: the library opens what it is given
def test_each_bad_run_is_refused_in_one_line(hostile_folder, name):
    started = time.monotonic()
    with pytest.raises(CheckpointError) as error:
        open_run(hostile_folder / name)
    assert "\n" not in str(error.value) and len(str(error.value)) < 600
    assert time.monotonic() - started < 5  # no 40 GB allocation, no FIFO read


def test_the_lab_lists_what_opens_and_says_why_the_rest_does_not(hostile_folder):
    client = TestClient(create_app(hostile_folder))
    listed = client.get("/api/runs")
    assert listed.status_code == 200
    assert {r["name"] for r in listed.json()} == {"good", "metrics-empty-entry", "xss-names"}
    assert client.get("/api/vision/runs").status_code == 200 and client.get("/api/text/runs").json() == []
    unavailable = client.get("/api/unavailable").json()
    assert {u["name"] for u in unavailable} == set(BAD)
    assert all(str(hostile_folder) not in u["reason"] and "\n" not in u["reason"] for u in unavailable)
    for name in BAD:
        answer = client.get(f"/api/runs/{name}")
        assert answer.status_code == 404 and "cannot be opened" in answer.json()["error"] or "link" in answer.text


def test_a_bad_run_is_not_reopened_on_every_request(hostile_folder, monkeypatch):
    import neuronscope.web.registry as registry

    opened = []
    real = registry.open_run
    monkeypatch.setattr(registry, "open_run", lambda path, *a, **k: opened.append(path.name) or real(path, *a, **k))
    client = TestClient(create_app(hostile_folder))
    client.get("/api/runs")
    first = len(opened)
    for _ in range(3):
        client.get("/api/runs")
        client.get("/api/unavailable")
    assert first >= len(BAD) and len(opened) == first
    (hostile_folder / "tampered" / "model.safetensors").write_bytes(
        (hostile_folder / "good" / "model.safetensors").read_bytes())  # mended: opened again, now listed
    assert "tampered" in {r["name"] for r in client.get("/api/runs").json()}


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory, runs_dir):
    root = tmp_path_factory.mktemp("xss")
    run = _copy(runs_dir / "mnist-3b1b", root / "shared-run")
    _edit_json(run / "config.json", lambda c: c["dataset"].update(class_names=[f"{XSS}{i}" for i in range(10)]))
    with _serving(create_app(root)) as url:
        yield url


@needs_chromium
def test_strings_from_a_run_never_run_as_script(xss_server):
    with open_page(f"{xss_server}/?run=shared-run") as page:
        page.click('.out-row[data-index="3"]')  # the output neuron's panel names classes
        page.wait_for_function("document.getElementById('neuron-title').textContent.startsWith('output')")
        page.click('.cell[data-layer="hidden2"][data-index="0"]')
        page.wait_for_function("document.getElementById('neuron-title').textContent === 'hidden2 #0'")
        page.click("#morph-a")
        page.click("#noise")
        page.click("#morph-b")
        page.wait_for_selector("#morph-strip span")
        assert page.evaluate("window.__xss") is None
        assert XSS in page.text_content("#outputs")  # shown as the text it is
        save_screenshot(page, "lab-hostile-class-names")
        page.goto(f"{xss_server}/gallery?run={XSS}")
        page.wait_for_selector("#figures h2")
        assert page.evaluate("window.__xss") is None and page.text_content("#figures h2") == XSS


def test_a_recorder_keeps_only_its_own_threads_forward_passes():
    import threading

    import torch

    from neuronscope.inspect.hooks import LayerRecorder
    from neuronscope.models import MLP, MLPConfig

    model = MLP(MLPConfig((4, 3, 2), "relu", "softmax", (2, 2))).reset_parameters("scaled", 0)
    mine = torch.ones(1, 4)
    with torch.no_grad(), LayerRecorder(model, ["hidden1"]) as recorder:
        model(mine)
        other = threading.Thread(target=lambda: model(torch.full((5, 4), -3.0)))
        other.start()
        other.join()
        assert recorder.outputs["hidden1"].shape == (1, 3)  # the other thread's batch of 5 went unrecorded
        torch.testing.assert_close(recorder.outputs["hidden1"], model.activations(mine)["hidden1"])


def test_concurrent_vision_requests_do_not_corrupt_each_other(vision_runs_dir, shared_data):
    """A dream and an activation maximization while other requests read the same model."""
    import concurrent.futures

    import httpx

    with _serving(create_app(vision_runs_dir, shared_data)) as url:
        def heavy(kind):
            body = ({"layer": "conv2", "octaves": 3, "steps": 60, "index": 1} if kind == "dream"
                    else {"layer": "conv2", "units": list(range(8)), "steps": 200})
            return httpx.post(f"{url}/api/vision/convnet/{kind}", json=body, timeout=120)

        def light(i):
            path = ("sample", "maps")[i % 2]
            return httpx.get(f"{url}/api/vision/convnet/{path}?index={i}", timeout=60)

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            slow = [pool.submit(heavy, "dream"), pool.submit(heavy, "visualize")]
            quick = [pool.submit(light, i) for i in range(60)]
            answers = [f.result() for f in slow + quick]
    assert [a.status_code for a in answers] == [200] * len(answers), [a.text[:200] for a in answers
                                                                       if a.status_code != 200]
    dream = answers[0].json()
    assert dream["amplification"][-1] > 1
