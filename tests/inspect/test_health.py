"""Health hints name what went wrong in training and the neurons responsible."""

import json

import pytest
import torch

from neuronscope.cli import main
from neuronscope.data import load_dataset
from neuronscope.experiments.dense import HEALTH, health_hints
from neuronscope.inspect.health import model_hints as hints_for
from neuronscope.models import MLP, MLPConfig
from neuronscope.runs import open_run, train_run
from neuronscope.training import build_configs


@pytest.fixture(scope="module")
def mnist_2k(shared_data):
    return load_dataset("mnist", shared_data, train_size=2000, test_size=300, progress=False)


@pytest.fixture(scope="module")
def sigmoid_run(tmp_path_factory, mnist_2k):
    """784-30-10 as Nielsen trains it (no L2): the blank border pixels keep their random start."""
    path = tmp_path_factory.mktemp("health") / "nielsen"
    return train_run(path, mnist_2k, *build_configs(input_size=784, num_classes=10, image_shape=(28, 28),
                                                    preset="nielsen", epochs=2), progress=False)


def _kinds(hints) -> dict:
    return {hint.kind: hint for hint in hints}


def test_a_saturated_output_neuron_is_named_as_the_class_never_predicted(digits_run, digits):
    model = MLP(digits_run.model.config)
    model.load_state_dict(digits_run.model.state_dict())
    assert not _kinds(hints_for(model, digits.test_images, digits.class_names)).get("never-predicted")
    with torch.no_grad():
        model.layers[-1].bias[3] = -60.0  # output neuron 3 saturated: digit 3 can never win
    hint = _kinds(hints_for(model, digits.test_images, digits.class_names))["never-predicted"]
    assert hint.layer == "output" and hint.neurons == (3,)
    assert "never answers 3" in hint.message and "output neuron #3" in hint.message and "--seed" in hint.message


def test_the_quadratic_cost_trap_is_caught_as_it_happens(sigmoid_run, mnist_2k):
    # N(0,1) weights and the quadratic cost, two short epochs: some output neurons are still saturated
    hint = _kinds(hints_for(sigmoid_run.model, mnist_2k.test_images, mnist_2k.class_names))["never-predicted"]
    predicted = sigmoid_run.model(torch.as_tensor(mnist_2k.test_images)).argmax(1)
    assert set(hint.neurons) == set(range(10)) - set(predicted.tolist()) != set()


def test_dead_relus_are_listed_by_index(mnist_2k):
    model = MLP(MLPConfig((784, 20, 10), "relu", "softmax")).reset_parameters("scaled", seed=0)
    with torch.no_grad():
        model.layers[0].bias[[4, 11]] = -1000.0
    hint = _kinds(hints_for(model, mnist_2k.test_images, mnist_2k.class_names))["dead-relu"]
    silent = model.activations(torch.as_tensor(mnist_2k.test_images))["hidden1"].amax(0) <= 0
    assert hint.neurons == tuple(silent.nonzero()[:, 0].tolist()) and {4, 11} <= set(hint.neurons)
    assert "#4" in hint.message and "#11" in hint.message and hint.layer == "hidden1"


def test_stuck_sigmoids_are_listed_by_index(mnist_2k):
    model = MLP(MLPConfig((784, 20, 10))).reset_parameters("scaled", seed=0)
    with torch.no_grad():
        model.layers[0].bias[7] = 500.0
    assert _kinds(hints_for(model, mnist_2k.test_images, mnist_2k.class_names))["stuck-sigmoid"].neurons == (7,)


def test_blank_pixels_keep_their_start_without_l2_and_the_hint_says_so(sigmoid_run, mnist_2k, tmp_path):
    hints = health_hints(sigmoid_run, lambda: mnist_2k)
    unused = next(h for h in hints if h["kind"] == "unused-pixels")
    blank = (mnist_2k.train_images.reshape(2000, -1).max(0) == 0).nonzero()[0].tolist()
    assert unused["neurons"] == blank and 0 in blank  # the top left corner is never inked
    assert json.loads((sigmoid_run.path / HEALTH).read_text())["hints"] == hints  # kept with the run
    with_l2 = train_run(tmp_path / "l2", mnist_2k, *build_configs(input_size=784, num_classes=10, image_shape=(28, 28),
                                                                  preset="nielsen", epochs=1, l2=5.0), progress=False)
    assert not any(h["kind"] == "unused-pixels" for h in health_hints(with_l2, lambda: mnist_2k))


def test_train_prints_the_hints_and_the_report_shows_them(shared_data, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--preset", "nielsen", "--epochs", "1", "--train-size", "1000", "--test-size", "200",
                 "--data-dir", str(shared_data), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "hint (hidden1): " in printed and "blank in every training image" in printed
    report = (out / "report.html").read_text()
    assert "What went wrong in training" in report and "blank in every training image" in report
    (out / HEALTH).write_text("{not json")  # damaged: computed again, not a traceback
    assert main(["report", str(out), "--data-dir", str(shared_data)]) == 0
    assert json.loads((out / HEALTH).read_text())["hints"]
    assert open_run(out)  # the run itself is untouched
