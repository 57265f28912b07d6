import pytest
import torch

from neuronscope.errors import ConfigError
from neuronscope.models import MLP, MLPConfig


def test_activations_are_named_per_layer(tiny_model):
    acts = tiny_model.activations(torch.rand(7, 4, 4))
    assert list(acts) == ["hidden1", "hidden2", "output"]
    assert [tuple(a.shape) for a in acts.values()] == [(7, 5), (7, 4), (7, 3)]


def test_forward_matches_activations(tiny_model):
    x = torch.rand(5, 16)
    assert torch.allclose(torch.sigmoid(tiny_model(x)), tiny_model.activations(x)["output"])


def test_softmax_output_sums_to_one():
    model = MLP(MLPConfig((16, 3), "relu", "softmax", (4, 4))).reset_parameters()
    assert torch.allclose(model.activations(torch.rand(4, 16))["output"].sum(1), torch.ones(4))


def test_wrong_input_shape_is_explained(tiny_model):
    with pytest.raises(ConfigError, match=r"expected inputs of shape \(n, 16\) or \(n, 4, 4\), got \(2, 3, 3\)"):
        tiny_model.activations(torch.rand(2, 3, 3))


@pytest.mark.parametrize("kwargs, message", [
    (dict(layers=(16,)), "layers must be a list of 2 to 64 entries"),
    (dict(layers=(16, 0, 3)), "each a whole number from 1 to 100000, got \\(16, 0, 3\\)"),
    (dict(layers=(16, 7.5, 3)), "each a whole number"),
    (dict(layers=(16, 3), activation="swish"), "activation must be one of sigmoid, relu, tanh, got 'swish'"),
    (dict(layers=(16, 3), output="max"), "output must be one of"),
    (dict(layers=(15, 3)), "does not hold the 15 inputs"),
])
def test_config_rejects_bad_architectures(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        MLPConfig(**{"image_shape": (4, 4), **kwargs})


def test_init_schemes_have_their_spread():
    model = MLP(MLPConfig((784, 300, 10), image_shape=(28, 28)))
    assert model.reset_parameters("normal", 0).layers[0].weight.std().item() == pytest.approx(1.0, rel=0.02)
    assert model.reset_parameters("scaled", 0).layers[0].weight.std().item() == pytest.approx(1 / 28, rel=0.02)


def test_same_seed_same_weights():
    config = MLPConfig((16, 4, 3), image_shape=(4, 4))
    a, b = MLP(config).reset_parameters("normal", 5), MLP(config).reset_parameters("normal", 5)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
