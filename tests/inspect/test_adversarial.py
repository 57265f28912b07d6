"""A ConvNet trained on real digits, attacked: FGSM, PGD (L-infinity and L2), fooling images; and the
same functions on a model built here that neuronscope has never seen."""

import numpy as np
import pytest
import torch
from torch import nn

from neuronscope.data import load_dataset
from neuronscope.errors import ConfigError
from neuronscope.inspect.adversarial import accuracy_under_attack, fgsm, fooling_image, pgd
from neuronscope.inspect.hooks import LayerRecorder, channel_count, find_layer
from neuronscope.models.convnet import ConvNet, ConvNetConfig
from neuronscope.training.module_loop import ModuleTrainConfig, image_tensor, train_module


@pytest.fixture(scope="module")
def mnist_10k(shared_data):
    return load_dataset("mnist", shared_data, train_size=10000, progress=False)


@pytest.fixture(scope="module")
def convnet(mnist_10k):
    torch.manual_seed(0)
    model = ConvNet(ConvNetConfig())
    history = train_module(model, mnist_10k, ModuleTrainConfig(epochs=5, lr=2e-3), progress=False)
    return model, history


@pytest.fixture(scope="module")
def digits_batch(mnist_10k):
    return image_tensor(mnist_10k.test_images[:300]), torch.as_tensor(mnist_10k.test_labels[:300])


@pytest.mark.slow
def test_the_convnet_passes_97_percent_on_the_10k_images(convnet):
    _, history = convnet
    assert history[-1]["test_accuracy"] >= 0.97
    model, _ = convnet
    assert model.conv1.weight.shape == (16, 1, 5, 5)  # first-layer kernels: 16 images of 5x5


def test_fgsm_with_epsilon_zero_changes_nothing(convnet, digits_batch):
    model, _ = convnet
    x, y = digits_batch
    attack = fgsm(model, x, y, 0.0)
    assert torch.equal(attack.adversarial, x) and torch.equal(attack.prediction, attack.original_prediction)


def test_accuracy_falls_monotonically_with_epsilon(convnet, digits_batch):
    model, _ = convnet
    x, y = digits_batch
    for method in ("fgsm", "pgd"):
        curve = accuracy_under_attack(model, x, y, [0.0, 0.05, 0.1, 0.2, 0.3], method=method, steps=10)
        assert curve[0] > 0.95 and np.all(np.diff(curve) <= 0) and curve[-1] < 0.5, (method, curve)


@pytest.mark.parametrize("norm, epsilon", [("linf", 0.1), ("l2", 2.0)])
def test_pgd_stays_inside_its_budget_and_beats_fgsm(convnet, digits_batch, norm, epsilon):
    model, _ = convnet
    x, y = digits_batch
    attack = pgd(model, x, y, epsilon, steps=20, norm=norm, random_start=True)
    change = attack.perturbation.flatten(1)
    size = change.abs().max(dim=1).values if norm == "linf" else change.norm(dim=1)
    assert (size <= epsilon + 1e-5).all()
    assert attack.adversarial.min() >= 0 and attack.adversarial.max() <= 1
    if norm == "linf":
        assert attack.accuracy < fgsm(model, x, y, epsilon).accuracy


def test_noise_can_be_made_into_a_confident_five(convnet):
    model, _ = convnet
    fooled = fooling_image(model, 5, (1, 28, 28), confidence=0.99)
    assert fooled.confidence >= 0.99
    with torch.no_grad():
        assert torch.softmax(model(fooled.image[None]), 1)[0, 5] >= 0.99


def test_a_brought_model_is_read_and_attacked_through_hooks(brought_model):
    model = brought_model
    x = torch.rand(6, 3, 16, 16)
    y = model(x).argmax(1)
    with LayerRecorder(model, ["2.1.conv2"]) as recorder:
        model(x)
    assert recorder.outputs["2.1.conv2"].shape == (6, 8, 16, 16)
    assert channel_count(model, "2.0.bn1", (3, 16, 16)) == 8
    attack = pgd(model, x, y, 0.05, steps=10)
    assert (attack.perturbation.abs() <= 0.05 + 1e-6).all()
    with torch.no_grad():
        before = torch.softmax(model(x), 1).gather(1, y[:, None])
        after = torch.softmax(model(attack.adversarial), 1).gather(1, y[:, None])
    assert (after < before).all()  # every image moved away from its answer


@pytest.mark.parametrize("call, message", [
    (lambda m, x, y: find_layer(m, "conv9"), "no layer named 'conv9'; the layers are: conv1, conv2"),
    (lambda m, x, y: fgsm(m, x, y, -0.1), "epsilon for the linf budget must be in"),
    (lambda m, x, y: fgsm(m, x, y, float("nan")), "epsilon"),
    (lambda m, x, y: pgd(m, x, y, 0.1, steps=0), "steps must be"),
    (lambda m, x, y: fgsm(m, x[0], y, 0.1), "images must be a batch"),
    (lambda m, x, y: fgsm(m, torch.rand(2, 1, 20, 20), y[:2], 0.1), "does not take images of shape"),
    (lambda m, x, y: fooling_image(m, 12, (1, 28, 28)), "target class must be 0..9"),
    (lambda m, x, y: fgsm(nn.Sequential(nn.Flatten(), nn.Linear(784, 3), nn.Unflatten(1, (3, 1))), x, y, 0.1),
     "not an image classifier"),
])
def test_bad_requests_get_clear_errors(call, message):
    model = ConvNet(ConvNetConfig())
    x, y = torch.rand(4, 1, 28, 28), torch.zeros(4, dtype=torch.long)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        call(model, x, y)


def test_a_target_class_the_model_lacks_is_refused():
    with pytest.raises(ConfigError, match="target class must be 0..9, got 10"):
        pgd(ConvNet(ConvNetConfig()), torch.rand(2, 1, 28, 28), torch.zeros(2, dtype=torch.long), 0.1, target=10)
