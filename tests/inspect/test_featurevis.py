"""Activation maximization on a ConvNet trained on real digits, on an MLP, and on a model built here."""

import numpy as np
import pytest
import torch
from torch import nn

from neuronscope.data import load_dataset
from neuronscope.errors import ConfigError
from neuronscope.inspect import featurevis as fv
from neuronscope.inspect.featurevis.render import RAW, Regularization
from neuronscope.models import MLP, MLPConfig
from neuronscope.training.module_loop import image_tensor

DIGIT = (1, 28, 28)


def test_every_class_logit_rises_by_a_large_factor_in_one_batched_run(quick_convnet, shared_data):
    for regularization in (RAW, fv.REGULARIZED):
        result = fv.render(quick_convnet, fv.class_logit(list(range(10))), DIGIT, batch=10, steps=256,
                           regularization=regularization)
        assert result.images.shape == (10, 1, 28, 28)
        assert result.images.min() >= 0 and result.images.max() <= 1
        assert np.all(result.final - result.start > 5), regularization
        if regularization == RAW:
            assert np.all(result.final > 3 * np.abs(result.start))  # the network's ideal of each class outscores every real example of it
            test = load_dataset("mnist", shared_data, train_size=10, test_size=1000, progress=False)
            with torch.no_grad():
                real = quick_convnet(image_tensor(test.test_images))
            best_real = [float(real[test.test_labels == c, c].max()) for c in range(10)]
            assert np.all(result.final > best_real), (result.final, best_real)


def test_a_first_layer_neuron_reaches_the_most_it_can_give(quick_convnet):
    """conv1's weighted sum at one position (``conv1.pre``) is w·patch + b; with pixels in [0, 1] it is at
    most b + (sum of the positive weights), reached by ink exactly where w is positive."""
    weights, bias = quick_convnet.conv1.weight[4, 0].detach(), float(quick_convnet.conv1.bias[4].detach())
    most = bias + float(weights.clamp_min(0).sum())
    result = fv.render(quick_convnet, fv.neuron("conv1.pre", 4), DIGIT, steps=128, regularization=RAW)
    assert 0.95 * most < result.final[0] <= most + 1e-5
    center = result.images[0, 0, 12:17, 12:17]
    assert torch.equal(center > 0.5, weights > 0)


def test_regularized_images_are_smoother_than_raw_ones(quick_convnet):
    raw, regularized = fv.raw_and_regularized(quick_convnet, fv.class_logit([3, 5, 7]), DIGIT, batch=3, steps=96)
    tv_raw, tv_regularized = fv.total_variation_of(raw.images), fv.total_variation_of(regularized.images)
    assert (tv_regularized < 0.7 * tv_raw).all(), (tv_raw, tv_regularized)
    assert raw.regularization == RAW and regularized.regularization.param == "fourier"


def test_a_total_variation_penalty_smooths_pixel_images(quick_convnet):
    plain = fv.render(quick_convnet, fv.class_logit(2), DIGIT, steps=96, regularization=RAW)
    penalized = fv.render(quick_convnet, fv.class_logit(2), DIGIT, steps=96,
                          regularization=Regularization(param="pixel", transforms=False, total_variation=50.0))
    assert fv.total_variation_of(penalized.images) < 0.8 * fv.total_variation_of(plain.images)


def test_objectives_compose_like_numbers(quick_convnet):
    images = torch.rand(4, *DIGIT, generator=torch.Generator().manual_seed(1))
    a, b = fv.channel("conv2", [0, 1, 2, 3]), fv.neuron("fc1", 7)
    value = lambda objective: fv.evaluate(quick_convnet, objective, images)
    torch.testing.assert_close(value(a + 2 * b - 0.5 * fv.total_variation()),
                               value(a) + 2 * value(b) - 0.5 * fv.total_variation_of(images))
    with torch.no_grad():
        maps = quick_convnet.relu2(quick_convnet.conv2(quick_convnet.pool(quick_convnet.relu1(quick_convnet.conv1(images)))))
    torch.testing.assert_close(value(a), maps.mean((2, 3))[torch.arange(4), torch.arange(4)])


def test_diversity_makes_a_batch_of_the_same_unit_differ(quick_convnet):
    def spread(objective):
        result = fv.render(quick_convnet, objective, DIGIT, batch=4, steps=96, seed=2)
        flat = nn.functional.normalize(result.images.flatten(1) - 0.5, dim=1)
        return float((flat @ flat.T)[~torch.eye(4, dtype=bool)].mean())

    alone = fv.class_logit(8)
    assert spread(alone + 20 * fv.diversity("conv2")) < spread(alone)


def test_the_same_seed_gives_the_same_image():
    model = _mlp()
    one, two, other = (fv.render(model, fv.neuron("hidden1", 0), (1, 8, 8), steps=20, seed=s) for s in (4, 4, 5))
    assert torch.equal(one.images, two.images) and not torch.equal(one.images, other.images)


def _mlp() -> MLP:
    return MLP(MLPConfig((64, 12, 10), "sigmoid", "softmax", (8, 8))).reset_parameters("scaled", seed=0)


def test_mlp_neurons_and_classes_are_visualized(digits_run):
    model = digits_run.model
    strongest = int(model.layers[0].weight.norm(dim=1).argmax())  # a neuron that is not dead
    for objective in (fv.neuron("hidden1.pre", strongest), fv.class_logit(4), fv.channel("output.pre", 4)):
        result = fv.render(model, objective, (1, 8, 8), steps=64)
        assert result.final[0] > result.start[0] + 2, objective
    with torch.no_grad():  # the class image wins for its class
        assert int(model(fv.render(model, fv.class_logit(4), (1, 8, 8), steps=64).images).argmax()) == 4


def test_a_brought_model_is_visualized_through_its_layer_names(brought_model):
    objective = fv.channel("2.1.conv2", [0, 5])
    result = fv.render(brought_model, objective, (3, 16, 16), batch=2, steps=48, regularization=RAW)
    assert result.images.shape == (2, 3, 16, 16)
    noise = torch.rand(2, 256, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():  # better than the best of 256 random images for each unit
        best_noise = torch.stack([fv.evaluate(brought_model, objective, noise[:, i]) for i in range(256)]).amax(0)
    assert np.all(result.final > best_noise.numpy())


@pytest.mark.parametrize("call, message", [
    (lambda m: fv.render(m, fv.channel("conv7", 0), DIGIT), "no layer named 'conv7'; the layers are: conv1"),
    (lambda m: fv.render(m, fv.channel("conv2", 32), DIGIT, steps=1), "'conv2' has channels 0..31, got 32"),
    (lambda m: fv.render(m, fv.class_logit([1, 2]), DIGIT, steps=1), "2 class indices for a batch of 1"),
    (lambda m: fv.render(m, fv.class_logit(1), DIGIT, steps=0), "steps must be"),
    (lambda m: fv.render(m, fv.class_logit(1), DIGIT, lr=float("nan")), "lr must be"),
    (lambda m: fv.render(m, fv.class_logit(1), (1, 20, 20)), "does not take images of shape"),
    (lambda m: fv.render(nn.Sequential(nn.Flatten(), nn.Linear(784, 2), nn.Unflatten(1, (2, 1))),
                         fv.class_logit(1), DIGIT), "not an image classifier"),
    (lambda m: Regularization(param="wavelet"), "unknown parameterization 'wavelet'"),
    (lambda m: Regularization(total_variation=-1), "total_variation"),
])
def test_bad_requests_get_clear_errors(quick_convnet, call, message):
    with pytest.raises(ConfigError, match=message):
        call(quick_convnet)
