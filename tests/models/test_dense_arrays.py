"""The NumPy reading of a dense network answers as the PyTorch network does."""

import numpy as np
import pytest
import torch

from neuronscope.errors import ConfigError
from neuronscope.models import MLP, DenseArrays, MLPConfig
from neuronscope.models.dense import state_shapes


def _pair(activation: str, output: str):
    model = MLP(MLPConfig((16, 7, 5, 3), activation, output, (4, 4))).reset_parameters("normal", seed=5)
    state = {name: t.numpy() for name, t in model.state_dict().items()}
    return model, DenseArrays.from_state(model.config, state)


@pytest.mark.parametrize("activation", ["sigmoid", "relu", "tanh"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "linear"])
def test_every_layer_and_answer_equal_the_pytorch_network(activation, output):
    from neuronscope.models.mlp import probabilities

    model, arrays = _pair(activation, output)
    images = np.random.default_rng(0).random((50, 4, 4), dtype=np.float32) * 8 - 4  # saturating inputs too
    with torch.no_grad():
        expected = {name: a.numpy() for name, a in model.activations(torch.from_numpy(images)).items()}
        expected_probabilities = probabilities(model, torch.from_numpy(images)).numpy()
    found = arrays.activations(images)
    assert list(found) == list(expected)
    for name in expected:
        np.testing.assert_allclose(found[name], expected[name], rtol=1e-5, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(arrays.probabilities(images), expected_probabilities, rtol=1e-5, atol=1e-6)


def test_state_shapes_are_the_pytorch_state_dict():
    config = MLPConfig((784, 16, 16, 10))
    assert state_shapes(config) == {name: tuple(t.shape) for name, t in MLP(config).state_dict().items()}


def test_wrong_input_shapes_are_explained():
    _, arrays = _pair("sigmoid", "sigmoid")
    with pytest.raises(ConfigError, match=r"expected inputs of shape \(n, 16\) or \(n, 4, 4\), got \(2, 3, 3\)"):
        arrays.activations(np.zeros((2, 3, 3)))
