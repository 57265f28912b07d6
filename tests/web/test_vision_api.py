"""The vision API against the library: the same kernels, maps, top images, visualizations and
attacks; malformed requests get one-line 4xx errors."""

import numpy as np
import pytest
import torch

from neuronscope.inspect.adversarial import pgd
from neuronscope.inspect.conv import top_activating
from neuronscope.runs import open_run
from neuronscope.training.module_loop import image_tensor


@pytest.fixture(scope="module")
def convnet(vision_runs_dir, shared_data):
    run = open_run(vision_runs_dir / "convnet")
    return run, run.load_data(shared_data, train_size=1, progress=False)


def test_runs_list_image_models_with_their_layers(vision_client):
    runs = {r["name"]: r for r in vision_client.get("/api/vision/runs").json()}
    assert set(runs) == {"convnet", "digits"}
    conv = runs["convnet"]
    assert conv["kind"] == "convnet" and conv["input_shape"] == [1, 28, 28] and conv["conv_layers"] == ["conv1", "conv2"]
    assert {(l["name"], l["units"], l["conv"]) for l in conv["layers"]} >= {("conv1", 8, True), ("fc1", 32, False)}
    assert [l["name"] for l in runs["digits"]["layers"]] == ["hidden1", "output"]
    # conv1 8x1x5x5 + 8, conv2 16x8x5x5 + 16, fc1 (16*7*7)x32 + 32, output 32x10 + 10
    assert conv["parameters"] == 8 * 25 + 8 + 16 * 8 * 25 + 16 + 16 * 7 * 7 * 32 + 32 + 32 * 10 + 10


def test_kernels_and_maps_are_the_models(vision_client, convnet):
    run, data = convnet
    kernels = vision_client.get("/api/vision/convnet/kernels").json()
    assert kernels["shape"] == [8, 1, 5, 5]
    np.testing.assert_allclose(kernels["values"], run.model.conv1.weight.detach().numpy().ravel(), atol=1e-5)
    maps = vision_client.get("/api/vision/convnet/maps?index=3").json()
    with torch.no_grad():
        expected = run.model.activations(image_tensor(data.test_images[3:4]))["conv2"][0].numpy()
    layer = {m["name"]: m for m in maps["layers"]}["conv2"]
    assert layer["shape"] == [16, 14, 14]
    np.testing.assert_allclose(layer["values"], expected.ravel(), atol=1e-4)


def test_top_images_match_the_library(vision_client, convnet):
    run, data = convnet
    found = vision_client.get("/api/vision/convnet/top?layer=conv2&channel=5&k=4").json()["images"]
    expected = top_activating(run.model, image_tensor(data.test_images), "conv2", k=4)
    assert [f["index"] for f in found] == expected.indices[5].tolist()
    assert found[0]["label"] == int(data.test_labels[found[0]["index"]]) and len(found[0]["pixels"]) == 784


def test_visualization_raises_each_class_and_smooths_the_regularized_row(vision_client):
    body = vision_client.post("/api/vision/convnet/visualize", json={"units": [2, 7], "steps": 96}).json()
    for kind in ("raw", "regularized"):
        assert np.all(np.array(body[kind]["final"]) > np.array(body[kind]["start"]) + 3)
        assert len(body[kind]["images"]) == 2 and len(body[kind]["images"][0]) == 784
    assert np.mean(body["regularized"]["total_variation"]) < np.mean(body["raw"]["total_variation"])


def test_an_attack_is_the_librarys(vision_client, convnet):
    run, data = convnet
    body = vision_client.post("/api/vision/convnet/attack", json={"index": 1, "epsilon": 0.25, "steps": 10}).json()
    x = image_tensor(data.test_images[1:2])
    expected = pgd(run.model, x, torch.as_tensor(data.test_labels[1:2]), 0.25, steps=10)
    np.testing.assert_allclose(body["adversarial"], expected.adversarial.numpy().ravel(), atol=1e-5)
    assert body["linf"] <= 0.25 + 1e-6 and body["after"]["prediction"] == int(expected.prediction[0])
    fgsm = vision_client.post("/api/vision/convnet/attack", json={"index": 1, "epsilon": 0.1, "steps": 1}).json()
    assert np.allclose(np.abs(fgsm["perturbation"])[np.array(fgsm["perturbation"]) != 0].max(), 0.1, atol=1e-6)


def test_fooling_image_and_dream(vision_client):
    fooled = vision_client.post("/api/vision/convnet/fool", json={"target": 3}).json()
    assert fooled["confidence"] >= 0.99 and len(fooled["image"]) == 784
    dreamed = vision_client.post("/api/vision/convnet/dream", json={"layer": "conv2", "steps": 5, "octaves": 2}).json()
    assert len(dreamed["amplification"]) == 10 and dreamed["amplification"][-1] > 1
    assert dreamed["octave_sizes"] == [[20, 20], [28, 28]]


def test_dense_runs_are_visualized_too(vision_client):
    body = vision_client.post("/api/vision/digits/visualize", json={"layer": "hidden1", "units": [0], "steps": 32}).json()
    assert len(body["raw"]["images"][0]) == 64


@pytest.mark.parametrize("method, path, body, message", [
    ("post", "/api/vision/convnet/visualize", {"layer": "conv7"}, "no layer named 'conv7'"),
    ("post", "/api/vision/convnet/visualize", {"layer": "conv1", "units": [8]}, "'conv1' has channels 0..7, got 8"),
    ("post", "/api/vision/convnet/visualize", {"steps": 100000}, "steps"),
    ("post", "/api/vision/convnet/attack", {"epsilon": 5}, "epsilon for the linf budget must be in"),
    ("post", "/api/vision/convnet/attack", {"target": 12}, "target class must be 0..9"),
    ("post", "/api/vision/convnet/fool", {"confidence": 1.5}, "confidence"),
    ("post", "/api/vision/convnet/dream", {"layer": "fc9"}, "no layer named 'fc9'"),
    ("get", "/api/vision/digits/kernels", None, "no convolutional"),
    ("get", "/api/vision/convnet/top?layer=conv2&channel=99", None, "'conv2' has channels 0..15, got 99"),
    ("get", "/api/vision/nope/kernels", None, "no run named 'nope' (a dense network or a ConvNet or a linear classifier)"),
])
def test_bad_requests_get_one_line_errors(vision_client, method, path, body, message):
    response = getattr(vision_client, method)(path, **({"json": body} if body is not None else {}))
    assert 400 <= response.status_code < 500
    assert message in response.json()["error"]


def test_a_module_the_forward_pass_never_runs_is_a_4xx(vision_client):
    # "points" is the dense network's ModuleList of hook points: a module, but never called itself
    response = vision_client.get("/api/vision/digits/top?channel=0&layer=points")
    assert response.status_code == 400 and "not run by the model's forward pass" in response.json()["error"]
