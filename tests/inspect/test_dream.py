"""Deep dream from a real digit, on the ConvNet and on a model built here."""

import numpy as np
import pytest
import torch

from neuronscope.data import load_dataset
from neuronscope.errors import ConfigError
from neuronscope.inspect.dream import dream
from neuronscope.inspect.hooks import LayerRecorder
from neuronscope.training.module_loop import image_tensor


@pytest.fixture(scope="module")
def digit(shared_data):
    return image_tensor(load_dataset("mnist", shared_data, train_size=10, test_size=1, progress=False).test_images)[0]


@pytest.mark.parametrize("layer", ["conv1", "conv2", "fc1"])
def test_dreaming_amplifies_what_the_layer_sees(quick_convnet, digit, layer):
    result = dream(quick_convnet, digit, layer, octaves=3, steps=10)
    assert result.octave_sizes == [(14, 14), (20, 20), (28, 28)]
    assert len(result.amplification) == 30 and result.amplification[-1] > 1.5
    assert result.amplification[-1] > result.amplification[0]
    assert result.image.shape == digit.shape and 0 <= result.image.min() and result.image.max() <= 1
    with torch.no_grad(), LayerRecorder(quick_convnet, [layer]) as recorder:
        quick_convnet(torch.stack([digit, result.image]))
    energy = recorder.outputs[layer].pow(2).flatten(1).mean(1)
    np.testing.assert_allclose(float(energy[1] / energy[0]), result.amplification[-1], rtol=1e-4)


def test_a_brought_model_dreams_in_color(brought_model):
    image = torch.rand(3, 16, 16, generator=torch.Generator().manual_seed(0))
    result = dream(brought_model, image, "2.0.conv2", octaves=2, steps=16)
    assert result.image.shape == (3, 16, 16) and result.amplification[-1] > 1.1


@pytest.mark.parametrize("options, message", [
    ({"layer": "conv5"}, "no layer named 'conv5'"),
    ({"octaves": 0}, "octaves must be 1..8"),
    ({"octave_scale": 1.0}, "octave_scale must be in"),
    ({"step_size": float("inf")}, "step_size"),
])
def test_bad_requests_get_clear_errors(quick_convnet, digit, options, message):
    with pytest.raises(ConfigError, match=message):
        dream(quick_convnet, digit, **{"layer": "conv2", **options})


def test_an_image_the_layer_ignores_is_refused():
    silent = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(72, 3))
    torch.nn.init.constant_(silent[0].bias, -1.0)
    with pytest.raises(ConfigError, match="does not respond"):
        dream(silent, torch.zeros(1, 8, 8), "1")
