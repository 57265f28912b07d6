import math

import numpy as np
import pytest
import torch

from neuronscope.errors import ConfigError
from neuronscope.inspect import predict
from neuronscope.inspect.matching import match_neurons, roughness
from neuronscope.inspect.probes import confidence_summary, morph_path, noise_images, scale_accuracy, shift_accuracy
from neuronscope.models import MLP, MLPConfig


def _constant_answer_model(favourite: int, confidence: float) -> MLP:
    """A 4x4-input softmax regression that ignores its input and answers ``favourite`` with ``confidence``."""
    model = MLP(MLPConfig((16, 3), "sigmoid", "softmax", (4, 4)))
    others = (1 - confidence) / 2
    with torch.no_grad():
        model.layers[0].weight.zero_()
        model.layers[0].bias.fill_(0.0)
        model.layers[0].bias[favourite] = math.log(confidence / others)
    return model


def test_noise_confidence_is_computed_from_the_networks_answer():
    model = _constant_answer_model(favourite=2, confidence=0.8)
    summary = confidence_summary(model, noise_images("uniform", 500, (4, 4), seed=1), "noise", top=4)
    assert summary.counts.tolist() == [0, 0, 500]
    assert summary.mean_confidence == pytest.approx(0.8, abs=1e-6)
    assert summary.share_above_90 == 0.0
    assert summary.top_images.shape == (4, 4, 4) and set(summary.top_predicted) == {2}


def test_noise_images_have_the_requested_kind_and_range():
    uniform = noise_images("uniform", 2000, (28, 28), seed=0)
    gaussian = noise_images("gaussian", 2000, (28, 28), mean=0.13, std=0.3, seed=0)
    assert uniform.shape == gaussian.shape == (2000, 28, 28) and uniform.dtype == np.float32
    assert 0 <= uniform.min() and uniform.max() <= 1 and abs(uniform.mean() - 0.5) < 0.01
    assert 0 <= gaussian.min() and gaussian.max() <= 1 and (gaussian == 0).mean() > 0.25  # clipped below 0
    assert np.array_equal(uniform, noise_images("uniform", 2000, (28, 28), seed=0))
    with pytest.raises(ConfigError, match="unknown noise 'pink'"):
        noise_images("pink", 10, (28, 28))
    with pytest.raises(ConfigError, match="between 1 and"):
        noise_images("uniform", 0, (28, 28))


@pytest.fixture(scope="module")
def mnist_model(mnist_small):
    from neuronscope.training import build_configs, train

    model_config, training = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="modern",
                                           layers=[784, 40, 10], epochs=6, batch_size=32)
    model = MLP(model_config)
    train(model, mnist_small, training, progress=False)
    return model


def test_accuracy_falls_as_digits_move_away_from_the_center(mnist_model, mnist_small):
    images, labels = mnist_small.test_images, mnist_small.test_labels
    grid = shift_accuracy(mnist_model, images, labels, max_shift=6)
    plain = float((predict(mnist_model, images)[0] == labels).mean())
    assert grid.shape == (13, 13) and grid[6, 6] == pytest.approx(plain)
    right = grid[6, 6:]
    assert right[0] > 0.8 and right[-1] < 0.3 and right[0] > right[3] > right[-1]
    curve = scale_accuracy(mnist_model, images, labels, np.array([0.5, 1.0, 1.5]))
    assert curve[1] == pytest.approx(plain) and curve[0] < plain - 0.2 and curve[2] < plain - 0.2


def test_morph_path_runs_from_one_image_to_the_other_and_reports_the_flip(mnist_model, mnist_small):
    predicted, _ = predict(mnist_model, mnist_small.test_images)
    a = next(i for i, (p, y) in enumerate(zip(predicted, mnist_small.test_labels)) if p == y == 3)
    b = next(i for i, (p, y) in enumerate(zip(predicted, mnist_small.test_labels)) if p == y == 8)
    path = morph_path(mnist_model, mnist_small.test_images[a], mnist_small.test_images[b], steps=21)
    np.testing.assert_allclose(path.images[0], mnist_small.test_images[a])
    np.testing.assert_allclose(path.images[-1], mnist_small.test_images[b], atol=1e-6)
    assert path.predicted[0] == 3 and path.predicted[-1] == 8 and path.flips
    assert all(path.predicted[i] != path.predicted[i - 1] for i in path.flips)
    assert path.layer == "hidden1" and path.activations.shape == (21, 40)
    first = path.flips[0]
    expected = path.activations[first] - path.activations[first - 1]
    assert np.abs(path.change[0]) == pytest.approx(np.abs(expected).max())
    with pytest.raises(ConfigError, match="model's shape"):
        morph_path(mnist_model, np.zeros((8, 8)), np.zeros((8, 8)))


def test_matching_recovers_shuffled_and_negated_neurons():
    rng = np.random.default_rng(0)
    images = rng.normal(size=(12, 6, 6))
    order = rng.permutation(12)
    shuffled = images[order] * np.where(np.arange(12) % 2, -1.0, 1.0)[:, None, None]
    matching = match_neurons(images, shuffled)
    assert np.array_equal(order[matching.partner], np.arange(12))
    np.testing.assert_allclose(np.abs(matching.correlation), 1.0)
    assert matching.random_correlation < 0.5


def test_roughness_tells_noise_from_smooth_strokes():
    y, x = np.mgrid[0:28, 0:28]
    smooth = np.exp(-((x - 14) ** 2 + (y - 10) ** 2) / 30.0)[None]
    noise = np.random.default_rng(1).normal(size=(1, 28, 28))
    assert roughness(smooth)[0] < 0.3 < 1.0 < roughness(noise)[0]
    assert roughness(3 * noise)[0] == pytest.approx(roughness(noise)[0])
