import math

import pytest
import torch

from neuronscope.errors import ConfigError, TrainingDiverged
from neuronscope.models import MLP
from neuronscope.training import TrainConfig, build_configs, train


def _train(data, epochs=3, **overrides):
    model_config, training = build_configs(input_size=data.input_size, num_classes=data.num_classes,
                                           image_shape=data.image_shape, epochs=epochs, **overrides)
    model = MLP(model_config)
    return model, train(model, data, training, progress=False)


@pytest.mark.parametrize("overrides, floor", [
    (dict(preset="nielsen"), 0.85),
    (dict(preset="modern", lr=3e-3, batch_size=32), 0.9),
    (dict(preset="modern", layers=[64, 10], loss="hinge", optimizer="sgd", lr=0.05), 0.85),  # multiclass SVM
    (dict(preset="modern", layers=[64, 10], lr=1e-2), 0.85),  # softmax regression
    (dict(preset="nielsen", activation="tanh", loss="cross-entropy", output="sigmoid", init="scaled", lr=0.5), 0.85),
])
def test_every_setup_learns_digits(digits, overrides, floor):
    _, history = _train(digits, epochs=10, **overrides)
    assert history[-1]["test_accuracy"] >= floor
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_history_has_one_entry_per_epoch(digits):
    _, history = _train(digits, epochs=3, preset="nielsen")
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert all(0 <= h["test_accuracy"] <= 1 and h["seconds"] > 0 for h in history)


def test_same_seed_gives_identical_runs_and_another_seed_does_not(digits):
    a, _ = _train(digits, preset="nielsen", seed=4)
    b, _ = _train(digits, preset="nielsen", seed=4)
    c, _ = _train(digits, preset="nielsen", seed=5)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.layers[0].weight, c.layers[0].weight)


def test_divergence_stops_with_a_clear_message(digits):
    with pytest.raises(TrainingDiverged, match="try a smaller learning rate than 100"):
        _train(digits, preset="nielsen", activation="relu", output="linear", lr=100.0)


@pytest.mark.parametrize("field, value, message", [
    ("lr", math.nan, "lr must be a finite number in \\(0, 100\\], got nan"),
    ("lr", -1.0, "lr must be"),
    ("batch_size", 0, "batch_size must be a whole number from 1"),
    ("batch_size", 16.7, "batch_size must be a whole number"),
    ("epochs", 0, "epochs must be"),
    ("l2", math.inf, "l2 must be"),
    ("loss", "mse", "loss must be one of quadratic, cross-entropy, hinge"),
])
def test_bad_hyperparameters_are_refused(field, value, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**{field: value})


def test_layers_must_fit_the_data():
    with pytest.raises(ConfigError, match="must start with the input size 64"):
        build_configs(input_size=64, num_classes=10, image_shape=(8, 8), layers=[784, 30, 10])


def test_cost_and_output_must_agree():
    with pytest.raises(ConfigError, match="loss 'hinge' needs a linear output"):
        build_configs(input_size=64, num_classes=10, image_shape=(8, 8), loss="hinge", output="softmax")


def test_presets_set_the_published_hyperparameters():
    model, training = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="nielsen")
    assert model.layers == (784, 30, 10) and model.activation == "sigmoid" and model.output == "sigmoid"
    assert (training.loss, training.optimizer, training.lr, training.batch_size, training.epochs, training.init) == \
        ("quadratic", "sgd", 3.0, 10, 30, "normal")
    model, _ = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="3b1b", epochs=2)
    assert model.layers == (784, 16, 16, 10)
    _, modern = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="modern")
    assert (modern.loss, modern.init, modern.optimizer) == ("cross-entropy", "scaled", "adam") and modern.l2 > 0


@pytest.mark.slow
def test_nielsen_preset_on_10k_mnist_reaches_88_percent(shared_data):
    from neuronscope.data import load_dataset

    data = load_dataset("mnist", shared_data, train_size=10_000, progress=False)
    # N(0,1) init with a quadratic cost can saturate an output neuron for good (seed 0 never learns
    # the digit 2); seed 3 is a typical run. The experiments average over seeds for this reason.
    _, history = _train(data, epochs=10, preset="nielsen", seed=3)
    assert history[-1]["test_accuracy"] >= 0.88


def test_sparse_and_dense_evaluation_agree(mnist_small):
    from neuronscope.training import EvaluationSet, evaluate

    model_config, training = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="nielsen",
                                           epochs=1)
    model = MLP(model_config)
    train(model, mnist_small, training, progress=False)
    dense = EvaluationSet(mnist_small.test_images, mnist_small.test_labels)
    sparse = EvaluationSet(mnist_small.test_images, mnist_small.test_labels, first_layer_width=30, uses=30)
    assert not dense.blocks[0].is_sparse_csr and sparse.blocks[0].is_sparse_csr
    a, b = evaluate(model, dense, "quadratic"), evaluate(model, sparse, "quadratic")
    assert a["accuracy"] == b["accuracy"] and a["loss"] == pytest.approx(b["loss"], rel=1e-5)
    predicted = model(torch.as_tensor(mnist_small.test_images)).argmax(1)
    assert a["accuracy"] == pytest.approx(float((predicted == torch.as_tensor(mnist_small.test_labels)).double().mean()))
