"""A grayscale ConvNet in the digit lab: the API answers as the library does, and the page evaluates
the network itself and shows its feature maps while a digit is drawn."""

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient

from neuronscope.data import Dataset
from neuronscope.models import ConvNetConfig
from neuronscope.runs import open_run, train_run
from neuronscope.training.module_loop import ModuleTrainConfig
from neuronscope.web.app import create_app

from .browser import VERTICAL_STROKE, draw_stroke, needs_chromium, open_page, save_screenshot
from .conftest import _serving


@pytest.fixture(scope="module")
def convnet(vision_runs_dir):
    return open_run(vision_runs_dir / "convnet")


def test_the_digit_lab_lists_grayscale_convnets_with_their_feature_maps(vision_client, convnet):
    runs = {r["name"]: r for r in vision_client.get("/api/runs").json()}
    info = runs["convnet"]
    assert info["kind"] == "convnet" and info["layer_names"] == ["conv1", "conv2", "fc1", "output"]
    assert info["layers"] == [784, 8, 16, 32, 10] and info["map_shapes"] == {"conv1": [28, 28], "conv2": [14, 14]}
    assert info["parameters"] == sum(p.numel() for p in convnet.model.parameters())
    assert runs["digits"]["kind"] == "mlp" and runs["digits"]["map_shapes"] == {}
    assert vision_client.get("/api/runs/convnet/health").json() == []


def test_inference_gives_every_feature_map_and_the_models_answer(vision_client, convnet, mnist_small):
    image = mnist_small.test_images[3]
    answer = vision_client.post("/api/runs/convnet/infer", json={
        "pixels": image.reshape(-1).tolist(), "height": 28, "width": 28}).json()
    with torch.no_grad():
        expected = convnet.model.activations(torch.from_numpy(image)[None, None])
        probabilities = torch.softmax(convnet.model(torch.from_numpy(image)[None, None]), 1)[0]
    np.testing.assert_allclose(answer["activations"]["conv1"], expected["conv1"].reshape(-1), atol=1e-5)
    np.testing.assert_allclose(answer["activations"]["fc1"], expected["fc1"][0], atol=1e-5)
    np.testing.assert_allclose(answer["probabilities"], probabilities, atol=1e-5)
    assert len(answer["activations"]["conv2"]) == 16 * 14 * 14 and answer["prediction"] == int(probabilities.argmax())


def test_each_units_card_shows_what_it_reads_and_what_it_feeds(vision_client, convnet):
    model = convnet.model
    conv1 = vision_client.get("/api/runs/convnet/neurons/conv1/2").json()
    assert conv1["image_shape"] == [5, 5]
    np.testing.assert_allclose(conv1["weights_image"], model.conv1.weight[2, 0].detach().reshape(-1), atol=1e-6)
    strongest = model.conv2.weight[:, 2].detach().sum((1, 2)).abs().argmax()
    assert conv1["pushes"][0]["layer"] == "conv2" and conv1["pushes"][0]["index"] == int(strongest)
    conv2 = vision_client.get("/api/runs/convnet/neurons/conv2/0").json()
    assert conv2["image_shape"] == [3 * 6 - 1, 3 * 6 - 1] and "8 conv1 maps" in conv2["reads"]  # 8 kernels, 3x3 grid
    fc1 = vision_client.get("/api/runs/convnet/neurons/fc1/4").json()
    np.testing.assert_allclose(fc1["class_effects"], model.output.weight[:, 4].detach(), atol=1e-6)
    assert fc1["class_effects_direct"] and fc1["pushes"][0]["layer"] == "output"
    bad = vision_client.get("/api/runs/convnet/neurons/conv1/8")
    assert bad.status_code == 400 and "conv1 has units 0..7" in bad.json()["error"]


def test_a_color_convnet_stays_on_the_vision_page(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((20, 32, 32, 3), dtype=np.float32)
    labels = np.arange(20) % 10
    data = Dataset("cifar10", images, labels, images[:10], labels[:10], tuple("abcdefghij"))
    train_run(tmp_path / "color", data, ConvNetConfig(channels=(2, 2), dense=4, image_shape=(32, 32),
                                                      in_channels=3), ModuleTrainConfig(epochs=1), progress=False)
    client = TestClient(create_app(tmp_path))
    assert client.get("/api/runs").json() == []
    refused = client.get("/api/runs/color/weights")
    assert refused.status_code == 404 and "vision page" in refused.json()["error"]


@needs_chromium
def test_drawing_into_a_convnet_lights_its_feature_maps(vision_runs_dir, shared_data, mnist_small):
    import httpx

    with _serving(create_app(vision_runs_dir, shared_data)) as url, open_page(f"{url}/?run=convnet") as page:
        assert page.locator('canvas.cell[data-layer="conv1"]').count() == 8
        assert page.locator('canvas.cell[data-layer="conv2"]').count() == 16
        assert page.locator('div.cell[data-layer="fc1"]').count() == 32
        blank = page.eval_on_selector_all("canvas.cell", "maps => maps.map(m => m.dataset.activation)")
        draw_stroke(page, page.locator("#pad"), VERTICAL_STROKE)
        drawn = page.eval_on_selector_all("canvas.cell", "maps => maps.map(m => m.dataset.activation)")
        assert drawn != blank and page.text_content("#prediction") in list("0123456789")
        lit = page.evaluate("""() => { const c = document.querySelector('canvas.cell[data-layer="conv1"]');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const levels = new Set(); for (let i = 0; i < d.length; i += 4) levels.add(d[i]); return levels.size; }""")
        assert lit > 5  # a feature map, not a flat square
        save_screenshot(page, "lab-convnet-drawing")

        for request in ({"pixels": mnist_small.test_images[7].reshape(-1).tolist(), "height": 28, "width": 28,
                         "dx": 2, "scale": 0.9},
                        {"pixels": np.random.default_rng(1).random(56 * 56).tolist(), "height": 56, "width": 56,
                         "preprocess": "mnist"}):
            local = page.evaluate("request => window.neuronscopeEvaluate(request)", request)
            server = httpx.post(f"{url}/api/runs/convnet/infer", json=request).json()
            for name, values in server["activations"].items():
                np.testing.assert_allclose(local["activations"][name], values, atol=1e-4)
            assert local["prediction"] == server["prediction"]

        page.click('canvas.cell[data-layer="conv1"][data-index="1"]')
        page.wait_for_function("document.getElementById('neuron-title').textContent === 'conv1 #1'")
        assert "kernel" in page.text_content("#weights-caption")
        assert "feature map" in page.text_content("#revealed-caption")
        save_screenshot(page, "lab-convnet-channel")
