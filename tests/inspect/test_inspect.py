import numpy as np
import pytest
import torch

from neuronscope import inspect
from neuronscope.errors import ConfigError


def test_first_layer_weights_images_are_the_weights(tiny_model):
    images = inspect.weights_images(tiny_model, "hidden1")
    assert images.images.shape == (5, 4, 4) and not images.projected
    assert np.array_equal(images.images[2].reshape(-1), tiny_model.layers[0].weight[2].detach().numpy())


def test_deeper_layers_are_projected_through_the_weight_matrices(tiny_model):
    images = inspect.weights_images(tiny_model, "hidden2")
    w1, w2 = (layer.weight.detach() for layer in tiny_model.layers[:2])
    assert images.projected and images.images.shape == (4, 4, 4)
    assert np.allclose(images.images.reshape(4, 16), (w2 @ w1).numpy(), atol=1e-6)


def test_unknown_layer_lists_the_valid_ones(tiny_model):
    with pytest.raises(ConfigError, match="this model has hidden1, hidden2, output"):
        inspect.weights_images(tiny_model, "conv1")


def test_lego_blocks_pick_the_extreme_contributions(tiny_model):
    blocks = inspect.lego_blocks(tiny_model, "output", k=2)
    weights = tiny_model.layers[2].weight.detach().numpy()
    assert len(blocks) == 3
    for block in blocks:
        row = weights[block.target]
        assert list(block.positive) == list(np.argsort(row)[::-1][:2])
        assert list(block.negative) == list(np.argsort(row)[:2])
        assert block.positive_values[0] == row.max() and block.negative_values[0] == row.min()
        assert block.positive_images.shape == (2, 4, 4) and block.images_projected  # hidden2 is not the first layer


def test_lego_blocks_reject_k_larger_than_the_layer(tiny_model):
    with pytest.raises(ConfigError, match="k must be between 1 and 4"):
        inspect.lego_blocks(tiny_model, "output", k=5)


def test_confusion_matrix_counts_pairs():
    matrix = inspect.confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), 3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


def test_misclassified_are_wrong_and_most_confident_first(digits_run, digits):
    mistakes = inspect.misclassified(digits_run.model, digits.test_images, digits.test_labels, limit=10)
    predicted, probs = inspect.predict(digits_run.model, digits.test_images)
    assert mistakes.total == int((predicted != digits.test_labels).sum())
    assert (mistakes.labels != mistakes.predicted).all()
    assert (np.diff(mistakes.confidence) <= 0).all()
    assert np.allclose(mistakes.confidence, probs[mistakes.indices, mistakes.predicted])


def test_predict_confidences_are_softmax_probabilities(digits_run, digits):
    _, probs = inspect.predict(digits_run.model, digits.test_images[:5])
    expected = torch.softmax(digits_run.model(torch.tensor(digits.test_images[:5]).reshape(5, -1)), 1)
    assert np.allclose(probs, expected.detach().numpy(), atol=1e-6)


def test_class_effects_chain_the_weights_above_a_layer(tiny_model):
    w1, w2, w3 = (layer.weight.detach() for layer in tiny_model.layers)
    assert np.allclose(inspect.class_effects(tiny_model, "hidden1"), (w3 @ w2).numpy(), atol=1e-6)
    assert np.allclose(inspect.class_effects(tiny_model, "hidden2"), w3.numpy())
    assert inspect.class_effects(tiny_model, "output") is None
