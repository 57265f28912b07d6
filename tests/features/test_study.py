import json
import shutil

import numpy as np
import pytest

from neuronscope.cli import main
from neuronscope.data import load_dataset
from neuronscope.experiments import study_features
from neuronscope.feature_configs import SAEConfig
from neuronscope.inspect.activations import accuracy_with_layer_replaced, layer_activations
from neuronscope.inspect.sae import load_sae
from neuronscope.models import ConvNetConfig
from neuronscope.runs import open_run, train_run
from neuronscope.training import ModuleTrainConfig, build_configs

SAE = SAEConfig(features=400, k=20, epochs=20)


@pytest.fixture(scope="module")
def mnist_5k(shared_data):
    return load_dataset("mnist", shared_data, train_size=5000, test_size=1000, progress=False)


def _mlp_run(path, data, seed):
    model, training = build_configs(input_size=784, num_classes=10, image_shape=(28, 28), preset="modern",
                                    epochs=10, seed=seed)
    return train_run(path, data, model, training, progress=False)


@pytest.fixture(scope="module")
def mlp_runs(tmp_path_factory, mnist_5k):
    """The 784-100-10 ReLU network of preset modern from two seeds, on 5,000 real digits."""
    folder = tmp_path_factory.mktemp("features")
    return _mlp_run(folder / "seed0", mnist_5k, 0), _mlp_run(folder / "seed1", mnist_5k, 1)


@pytest.fixture(scope="module")
def study(mlp_runs):
    return study_features(mlp_runs[0], "hidden1", SAE, compare=mlp_runs[1], render_steps=8, progress=False)


def test_the_dictionary_reconstructs_the_layer_sparsely_enough_to_keep_the_accuracy(study):
    assert study.quality.variance_explained > 0.85
    assert study.quality.l0 <= 20
    assert study.accuracy > 0.85
    assert study.spliced_accuracy >= study.accuracy - 0.01


def test_replacing_the_layer_changes_the_answers_through_the_hook(mlp_runs, mnist_5k):
    run = mlp_runs[0]
    images, labels = mnist_5k.test_images, mnist_5k.test_labels
    assert accuracy_with_layer_replaced(run.model, images, labels, "hidden1", lambda a: a) == \
        accuracy_with_layer_replaced(run.model, images, labels, "hidden1", None)
    assert accuracy_with_layer_replaced(run.model, images, labels, "hidden1", lambda a: a * 0) < 0.2


def test_the_neurons_class_mix_is_read_from_their_own_top_images(study, mnist_5k):
    activations = layer_activations(study.run.model, mnist_5k.test_images, "hidden1")
    unit = int(study.neurons.live[0])
    expected = np.argsort(-activations[:, unit], kind="stable")[:50]
    assert set(study.neurons.top[unit]) == set(expected)
    counts = np.bincount(mnist_5k.test_labels[expected][activations[expected, unit] > 0], minlength=10)
    assert study.neurons.counts[unit].tolist() == counts.tolist()


def test_universality_matches_neurons_and_features_across_seeds(study, mlp_runs):
    u = study.universality
    assert u.other == "seed1"
    assert 0 < u.neuron_correlation <= 1 and 0 < u.feature_correlation <= 1
    assert u.neurons_live.sum() > 10 and u.features_live.sum() > 50
    same = study_features(mlp_runs[0], "hidden1", SAE, compare=mlp_runs[0], render_steps=0, progress=False)
    assert same.universality.neuron_correlation == pytest.approx(1, abs=1e-6)
    assert same.universality.feature_correlation == pytest.approx(1, abs=1e-6)


def test_the_dictionary_is_kept_in_the_run_and_reused(study, mlp_runs):
    saved = mlp_runs[0].path / "features" / "hidden1.sae.safetensors"
    stamp = saved.stat().st_mtime_ns
    again = study_features(mlp_runs[0], "hidden1", SAE, render_steps=0, progress=False)
    assert saved.stat().st_mtime_ns == stamp
    assert np.array_equal(again.sae.decoder.detach().numpy(), study.sae.decoder.detach().numpy())


def test_a_damaged_kept_dictionary_is_trained_again(mlp_runs, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(mlp_runs[0].path, copy)
    saved = copy / "features" / "hidden1.sae.safetensors"
    saved.write_bytes(saved.read_bytes()[:1000])  # cut short, as by a full disk
    again = study_features(open_run(copy), "hidden1", SAE, render_steps=0, progress=False)
    assert again.quality.l0 <= 20
    assert load_sae(saved)[0].config == SAE  # replaced by a whole one


def test_the_report_carries_every_number_and_figure(study, tmp_path):
    report = study.report()
    path = report.write(tmp_path / "out", progress=False)
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["quality"]["l0"] == pytest.approx(study.quality.l0)
    assert results["polysemanticity"]["features"]["mean_classes_needed"] == pytest.approx(
        study.features.mean_classes_needed)
    assert results["universality"]["other_run"] == "seed1"
    names = {p.stem for p in (tmp_path / "out" / "figures").glob("*.png")}
    assert names == {"neurons_vs_features", "polysemanticity", "feature_gallery", "universality"}
    assert "replaced by its reconstruction" in path.read_text()
    assert len(study.renderings) == min(16, len(study.features.live))


def test_a_convnet_layer_is_studied_channel_by_channel(tmp_path, mnist_5k):
    run = train_run(tmp_path / "conv", mnist_5k, ConvNetConfig(channels=(4, 8), dense=16),
                    ModuleTrainConfig(epochs=1, lr=3e-3), progress=False)
    found = study_features(run, "conv2", SAEConfig(features=32, k=4, epochs=2), render_steps=4, progress=False)
    assert found.neurons.classes_needed.shape == (8,) and found.features.classes_needed.shape == (32,)
    assert found.quality.l0 <= 4 and found.quality.variance_explained > 0.5
    assert abs(found.spliced_accuracy - found.accuracy) < 0.3 and found.feature_directions is None


def test_the_command_line_writes_the_report(mlp_runs, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["features", "analyze", str(mlp_runs[0].path), "--features", "400", "--k", "20", "--epochs", "20",
                 "--render-steps", "4", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "variance" in printed and (out / "report.html").exists()
    results = json.loads((out / "results.json").read_text())
    assert results["sae"]["features"] == 400 and results["layer"] == "hidden1"


def test_the_toy_model_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "toy"
    assert main(["features", "toy", "--sparsities", "0,0.99", "--out", str(out), "--quiet"]) == 0
    results = json.loads((out / "results.json").read_text())
    assert [m["represented"] for m in results["models"]] == [2, 5]
    assert (out / "figures" / "toy_superposition.png").exists()


@pytest.mark.parametrize("argv, message", [
    (["--layer", "hidden7"], "no layer 'hidden7'"),
    (["--features", "0"], "features must be a whole number"),
    (["--k", "0"], "k must be a whole number"),
    (["--l1", "nan", "--sparsity", "l1"], "l1 must be a finite number"),
])
def test_bad_requests_are_one_line_errors(mlp_runs, argv, message, capsys):
    assert main(["features", "analyze", str(mlp_runs[0].path), *argv, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, message", [
    (["--sparsities", "nan"], "sparsity must be a finite number"),
    (["--dimensions", "9"], "must not outnumber"),
    (["--features", "0"], "features must be a whole number"),
])
def test_bad_toy_settings_are_one_line_errors(argv, message, capsys, tmp_path):
    assert main(["features", "toy", *argv, "--out", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
