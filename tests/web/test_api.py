import numpy as np
import pytest
import torch

from neuronscope.data.transforms import center_like_mnist
from neuronscope.runs import open_run


def _blank(side=28):
    return {"pixels": [0.0] * side * side, "height": side, "width": side}


def test_lists_only_real_runs(client):
    runs = client.get("/api/runs").json()
    assert [r["name"] for r in runs] == ["digits", "mnist-3b1b"]
    mnist = runs[1]
    assert mnist["layers"] == [784, 16, 16, 10] and mnist["layer_names"] == ["hidden1", "hidden2", "output"]
    assert 0 < mnist["test_accuracy"] <= 1


def test_the_lab_names_each_networks_size_in_weights_and_biases(client, runs_dir):
    mnist = next(r for r in client.get("/api/runs").json() if r["name"] == "mnist-3b1b")
    assert mnist["layers"] == [784, 16, 16, 10] and mnist["parameters"] == 13_002  # 3Blue1Brown's count
    model = open_run(runs_dir / "mnist-3b1b").model
    assert mnist["parameters"] == sum(p.numel() for p in model.parameters())


def test_health_hints_are_served_per_run(client, runs_dir):
    hints = client.get("/api/runs/mnist-3b1b/health").json()
    assert hints and all(set(h) == {"kind", "message", "layer", "neurons"} for h in hints)
    assert (runs_dir / "mnist-3b1b" / "health.json").is_file()  # kept with the run
    assert client.get("/api/runs/no-such-run/health").status_code == 404


def test_infer_matches_the_library_forward_pass(client, runs_dir, mnist_small):
    image = mnist_small.test_images[0]
    body = client.post("/api/runs/mnist-3b1b/infer",
                       json={"pixels": image.reshape(-1).tolist(), "height": 28, "width": 28}).json()
    model = open_run(runs_dir / "mnist-3b1b").model
    expected = model.activations(torch.tensor(image).reshape(1, -1))
    for name, values in expected.items():
        assert np.allclose(body["activations"][name], values[0].detach().numpy(), atol=1e-5)
    assert body["prediction"] == int(np.argmax(body["probabilities"]))
    assert body["confidence"] == pytest.approx(max(body["probabilities"]))


def test_drawings_are_prepared_like_mnist(client):
    drawing = np.zeros((56, 56))
    drawing[5:50, 30:36] = 1.0  # a tall bar far right of center
    body = client.post("/api/runs/mnist-3b1b/infer", json={"pixels": drawing.reshape(-1).tolist(), "height": 56,
                                                           "width": 56, "preprocess": "mnist"}).json()
    prepared = np.array(body["input"]).reshape(28, 28)
    assert np.allclose(prepared, center_like_mnist(drawing.astype(np.float32)), atol=1e-6)
    rows = np.flatnonzero(prepared.max(1) > 0.05)
    assert rows[-1] - rows[0] + 1 == 20  # fitted into MNIST's 20-pixel box


def test_shift_and_scale_move_the_input(client, mnist_small):
    pixels = mnist_small.test_images[1].reshape(-1).tolist()
    plain = np.array(client.post("/api/runs/mnist-3b1b/infer", json={"pixels": pixels, "height": 28,
                                                                       "width": 28}).json()["input"])
    moved = client.post("/api/runs/mnist-3b1b/infer",
                        json={"pixels": pixels, "height": 28, "width": 28, "dx": 3, "dy": -2}).json()["input"]
    assert np.allclose(np.array(moved).reshape(28, 28)[:-2, 3:], plain.reshape(28, 28)[2:, :-3])
    small = client.post("/api/runs/mnist-3b1b/infer",
                        json={"pixels": pixels, "height": 28, "width": 28, "scale": 0.5}).json()["input"]
    assert np.count_nonzero(np.array(small) > 0.1) < np.count_nonzero(plain > 0.1) / 2


def test_neuron_shows_weights_and_what_it_pushes(client, runs_dir):
    body = client.get("/api/runs/mnist-3b1b/neurons/hidden1/4").json()
    model = open_run(runs_dir / "mnist-3b1b").model
    assert np.allclose(body["weights_image"], model.layers[0].weight[4].detach().numpy(), atol=1e-6)
    assert not body["projected"] and body["image_shape"] == [28, 28]
    column = model.layers[1].weight[:, 4].detach().numpy()
    assert body["pushes"][0]["index"] == int(np.argmax(np.abs(column)))
    chain = (model.layers[2].weight @ model.layers[1].weight)[:, 4].detach().numpy()
    assert np.allclose(body["class_effects"], chain, atol=1e-5) and not body["class_effects_direct"]
    deeper = client.get("/api/runs/mnist-3b1b/neurons/hidden2/0").json()
    assert deeper["projected"] and deeper["pushes"][0]["layer"] == "output"
    assert np.allclose(deeper["class_effects"], model.layers[2].weight[:, 0].detach().numpy(), atol=1e-6)
    assert deeper["class_effects_direct"]


def test_samples_come_from_the_test_set(client, mnist_small):
    body = client.get("/api/runs/mnist-3b1b/samples", params={"index": 3}).json()
    assert body["label"] == mnist_small.test_labels[3]
    assert np.allclose(body["pixels"], mnist_small.test_images[3].reshape(-1))
    sevens = client.get("/api/runs/mnist-3b1b/samples", params={"label": 7}).json()
    assert sevens["label"] == 7


def test_gallery_figure_is_a_png(client):
    response = client.get("/api/runs/digits/figures/weights_hidden1.png")
    assert response.status_code == 200 and response.content[:4] == b"\x89PNG"


def test_page_and_assets_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/lab.js" in page.text and "http" not in page.text.split("<body>")[1]
    assert client.get("/static/lab.js").status_code == 200
    assert client.get("/gallery").status_code == 200


@pytest.mark.parametrize("method, url, payload, status, message", [
    ("post", "/api/runs/mnist-3b1b/infer", {"pixels": [0.1] * 10, "height": 28, "width": 28}, 422,
     "10 pixels do not make a 28x28 image"),
    ("post", "/api/runs/mnist-3b1b/infer", {**_blank(), "pixels": [2.0] * 784}, 422, "in [0, 1]"),
    ("post", "/api/runs/mnist-3b1b/infer", {**_blank(8)}, 400, "takes 28x28 inputs, got 8x8"),
    ("post", "/api/runs/mnist-3b1b/infer", {**_blank(), "dx": 500}, 422, "dx"),
    ("post", "/api/runs/mnist-3b1b/infer", {**_blank(), "height": 10**9}, 422, "height"),
    ("post", "/api/runs/digits/infer", {**_blank(8), "preprocess": "mnist"}, 400,
     "mnist-style preprocessing makes 28x28"),
    ("post", "/api/runs/nope/infer", _blank(), 404, "no run named 'nope'"),
    ("post", "/api/runs/not-a-run/infer", _blank(), 404, "no run named"),
    ("get", "/api/runs/..%2F..%2Fetc/neurons/hidden1/0", None, 404, ""),
    ("get", "/api/runs/.hidden", None, 404, "invalid run name"),
    ("get", "/api/runs/mnist-3b1b/neurons/conv1/0", None, 400, "this model has hidden1, hidden2, output"),
    ("get", "/api/runs/mnist-3b1b/neurons/hidden1/99", None, 400, "hidden1 has neurons 0..15"),
    ("get", "/api/runs/mnist-3b1b/figures/secret.png", None, 400, "unknown figure"),
    ("get", "/api/runs/mnist-3b1b/samples?label=11", None, 400, "no test image has label 11"),
])
def test_bad_requests_get_clear_json_errors(client, method, url, payload, status, message):
    response = getattr(client, method)(url, **({"json": payload} if payload is not None else {}))
    assert response.status_code == status
    assert message in response.json()["error"]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_pixels_are_refused(client, bad):
    body = '{"pixels": [%s%s], "height": 28, "width": 28}' % (bad, ", 0" * 783)
    response = client.post("/api/runs/mnist-3b1b/infer", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "every pixel must be a finite number" in response.json()["error"]


def test_malformed_json_and_huge_bodies(client):
    response = client.post("/api/runs/mnist-3b1b/infer", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422 and "error" in response.json()
    huge = b"[" + b"0," * (3 * 1024 * 1024) + b"0]"
    response = client.post("/api/runs/mnist-3b1b/infer", content=huge, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert client.get("/api/runs").status_code == 200  # still serving


def test_run_names_cannot_escape_the_runs_folder(client, runs_dir):
    secret = runs_dir.parent / "outside"
    secret.mkdir(exist_ok=True)
    (secret / "config.json").write_text("{}")
    for name in ("../outside", "..", "%2e%2e%2foutside", "mnist-3b1b/../../outside"):
        response = client.get(f"/api/runs/{name}")
        assert response.status_code == 404
