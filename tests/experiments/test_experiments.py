import json
import sys

import numpy as np
import pytest

from neuronscope.cli import main
from neuronscope.data import load_dataset
from neuronscope.experiments import (
    DataSpec,
    hidden_sweep,
    init_vs_regularization,
    morph_experiment,
    noise_experiment,
    robustness_experiment,
)
from neuronscope.experiments.hidden_sizes import sweep_groups
from neuronscope.experiments.training import train_networks
from neuronscope.models.convnet import ConvNetConfig
from neuronscope.runs import import_weights, open_run, train_run
from neuronscope.training import ModuleTrainConfig


@pytest.fixture(scope="module")
def small_mnist(shared_data):
    return DataSpec("mnist", str(shared_data), train_size=2000, test_size=500)


def test_hidden_sweep_accuracy_rises_with_hidden_neurons(tmp_path, small_mnist):
    report = hidden_sweep(tmp_path, sizes=[1, 30], seeds=2, epochs=3, data=small_mnist, workers=2, progress=False)
    accuracy = report.results["test_accuracy"]
    for setup in ("classic", "modern"):
        assert len(accuracy[setup]["1"]) == len(accuracy[setup]["30"]) == 2
        assert np.mean(accuracy[setup]["30"]) > np.mean(accuracy[setup]["1"]) + 0.3
    run = open_run(tmp_path / "runs" / "modern-h30-seed1")
    assert run.model.config.layers == (784, 30, 10) and run.training.seed == 1 and run.epoch == 3
    assert run.history[-1]["test_accuracy"] == accuracy["modern"]["30"][1]
    report.write(tmp_path, progress=False)
    assert json.loads((tmp_path / "results.json").read_text())["sizes"] == [1, 30]
    assert (tmp_path / "figures" / "accuracy_vs_hidden.png").stat().st_size > 10_000
    assert (tmp_path / "figures" / "small_networks_classic.png").exists()
    assert "How many hidden neurons" in (tmp_path / "report.html").read_text()
    # the published figure sits beside the measured one, its source named
    reported = report.results["reported"]["classic"]
    assert set(reported) == {"30"} and reported["30"]["test_accuracy"] == 0.9542
    assert "Nielsen" in reported["30"]["source"] and "modern" not in report.results["reported"]
    [table] = report.tables
    assert table.header[-1] == "classic reported" and table.rows[1][-1] == "95.42" and table.rows[0][-1] == ""
    assert any("small networks depend strongly" in line for line in report.summary)


def test_a_rerun_trains_only_the_networks_not_finished(tmp_path, small_mnist):
    dataset = small_mnist.load().summary()
    groups = list(sweep_groups(tmp_path, small_mnist, dataset, [2, 5], 2, ["classic"], epochs=1).values())
    assert train_networks(groups, dataset, workers=1, progress=False) == 4
    kept = tmp_path / "runs" / "classic-h2-seed0" / "model.safetensors"
    kept_bytes, kept_mtime = kept.read_bytes(), kept.stat().st_mtime_ns
    # an interrupted sweep: one network never finished, another was cut off before its config was written
    for name in ("classic-h5-seed1", "classic-h2-seed1"):
        (tmp_path / "runs" / name / "config.json").unlink()
    assert train_networks(groups, dataset, workers=1, progress=False) == 2
    assert kept.stat().st_mtime_ns == kept_mtime and kept.read_bytes() == kept_bytes
    assert train_networks(groups, dataset, workers=1, progress=False) == 0
    longer = list(sweep_groups(tmp_path, small_mnist, dataset, [2, 5], 2, ["classic"], epochs=2).values())
    assert train_networks(longer, dataset, workers=1, progress=False) == 4  # other settings: trained again


@pytest.mark.slow
def test_the_sweep_runs_unchanged_on_a_local_ray_instance(tmp_path, small_mnist):
    pytest.importorskip("ray")
    report = hidden_sweep(tmp_path, sizes=[2, 10], seeds=2, epochs=1, setups=["modern"], data=small_mnist,
                          ray_address="local", progress=False)
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [
        "modern-h10-seed0", "modern-h10-seed1", "modern-h2-seed0", "modern-h2-seed1"]
    assert all(len(v) == 2 for v in report.results["test_accuracy"]["modern"].values())


def test_ray_that_is_not_installed_is_named(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)
    assert main(["experiment", "hidden-sweep", "--dataset", "digits", "--sizes", "2", "--seeds", "1", "--epochs", "1",
                 "--ray", "local", "--quiet", "--out", "/nonexistent/never-written"]) == 2
    assert "--ray needs Ray: pip install 'neuronscope[ray]'" in capsys.readouterr().err


def test_init_vs_regularization_matches_neurons_and_measures_smoothness(tmp_path, small_mnist):
    report = init_vs_regularization(tmp_path, hidden=12, epochs=4, data=small_mnist, workers=1, progress=False)
    runs, matching = report.results["runs"], report.results["matching"]
    assert sorted(matching["partner"]) == list(range(12))
    assert np.abs(matching["correlation"]).mean() > 2 * matching["random_pair_mean_abs_correlation"]
    unregularized, regularized = runs["unregularized"], runs["regularized"]
    assert np.median(regularized["roughness"]) < np.median(unregularized["roughness"])
    assert regularized["never_inked_mean_abs_weight"] < 0.1 < unregularized["never_inked_mean_abs_weight"]
    assert open_run(tmp_path / "runs" / "regularized").training.l2 == 5.0
    assert {f.name for f in report.figures} == {"accuracy_curves", "matched_neurons"}


def test_noise_experiment_reports_a_known_networks_confidence(tmp_path, shared_data):
    weights = np.zeros((10, 784))
    biases = np.zeros(10)
    biases[7] = np.log(0.91 / 0.01)  # softmax: 91% on "7", 1% on each other class, whatever the input
    np.savez(tmp_path / "w.npz", w0=weights, b0=biases)
    import_weights(tmp_path / "w.npz", tmp_path / "run", output="softmax")
    report = noise_experiment(tmp_path / "run", images=300, data_dir=shared_data, progress=False)
    for name in ("test images", "uniform noise", "gaussian noise"):
        result = report.results["sets"][name]
        assert result["counts"][7] == sum(result["counts"])
        assert result["mean_confidence"] == pytest.approx(0.91, abs=1e-5)
        assert result["share_above_90"] == 1.0
    assert sum(report.results["sets"]["uniform noise"]["counts"]) == 300


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, small_mnist):
    out = tmp_path_factory.mktemp("exp") / "sweep"
    hidden_sweep(out, sizes=[20], seeds=1, epochs=4, setups=["modern"], data=small_mnist, workers=1, progress=False)
    return out / "runs" / "modern-h20-seed0"


def test_robustness_center_is_the_plain_test_accuracy(trained_run, shared_data):
    report = robustness_experiment([trained_run, trained_run], max_shift=3, factors=[0.7, 1.0, 1.3],
                                   data_dir=shared_data, test_size=None, progress=False)  # the run's 500
    shifts = report.results["shift_accuracy"]
    assert len(shifts) == 2  # the same run twice gets two labels
    grid = np.array(next(iter(shifts.values())))
    final = open_run(trained_run).history[-1]["test_accuracy"]
    assert grid.shape == (7, 7) and grid[3, 3] == pytest.approx(final)
    assert grid[3, 6] < grid[3, 3] and next(iter(report.results["scale_accuracy"].values()))[1] == pytest.approx(final)


@pytest.fixture(scope="module")
def convnet_run(tmp_path_factory, small_mnist):
    data = load_dataset("mnist", small_mnist.data_dir, train_size=small_mnist.train_size,
                        test_size=small_mnist.test_size, progress=False)
    out = tmp_path_factory.mktemp("exp") / "convnet"
    train_run(out, data, ConvNetConfig(channels=(8, 16), dense=32), ModuleTrainConfig(epochs=4), progress=False)
    return out


def test_a_convnet_cares_less_than_a_dense_network_where_the_digit_sits(trained_run, convnet_run, shared_data):
    report = robustness_experiment([trained_run, convnet_run], max_shift=4, factors=[0.8, 1.0],
                                   data_dir=shared_data, test_size=None, progress=False)
    dense, conv = (np.array(grid) for grid in report.results["shift_accuracy"].values())
    assert list(report.results["shift_accuracy"]) == ["784-20-10 relu", "ConvNet channels 8-16, dense 32"]
    assert conv[4, 4] == pytest.approx(open_run(convnet_run).history[-1]["test_accuracy"])
    assert conv[4].mean() > dense[4].mean() + 0.15 and conv.mean() > dense.mean() + 0.15
    assert "shift_curves" in [figure.name for figure in report.figures]


def test_noise_and_morph_take_a_convnet(convnet_run, shared_data):
    noise = noise_experiment(convnet_run, images=200, data_dir=shared_data, progress=False)
    assert sum(noise.results["sets"]["uniform noise"]["counts"]) == 200
    assert 0.1 < noise.results["sets"]["test images"]["mean_confidence"] <= 1
    morph = morph_experiment(convnet_run, source=1, target=0, steps=21, data_dir=shared_data, progress=False)
    assert morph.results["layer"] == "fc1" and len(morph.results["changing_neurons"]) == 6
    assert morph.results["predicted"][0] == 1 and morph.results["predicted"][-1] == 0


def test_morph_experiment_from_the_command_line(trained_run, shared_data, tmp_path, capsys):
    out = tmp_path / "morph"
    assert main(["experiment", "morph", str(trained_run), "--from", "3", "--to", "8", "--steps", "21",
                 "--data-dir", str(shared_data), "--out", str(out), "--quiet"]) == 0
    results = json.loads((out / "results.json").read_text())
    assert len(results["t"]) == 21 and results["flips"]
    assert results["predicted"][0] != results["predicted"][-1]
    assert (out / "figures" / "morph.png").exists() and "report:" in capsys.readouterr().out
    direct = morph_experiment(trained_run, index_a=results["index_a"], index_b=results["index_b"], steps=21,
                              data_dir=shared_data, progress=False)
    assert direct.results["predicted"] == results["predicted"]


@pytest.mark.parametrize("argv, message", [
    (["experiment", "hidden-sweep", "--sizes", "0,5", "--dataset", "digits"], "hidden sizes must be whole numbers"),
    (["experiment", "hidden-sweep", "--setups", "vintage", "--dataset", "digits"], "unknown setup vintage"),
    (["experiment", "hidden-sweep", "--dataset", "digits", "--workers", "0"], "workers must be at least 1, got 0"),
    (["experiment", "noise", "/nonexistent/run"], "no such run directory"),
    (["experiment", "robustness", "/nonexistent/run"], "no such run directory"),
])
def test_experiment_bad_input_gives_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_each_study_is_the_function_whatever_was_imported_before():
    import importlib

    import neuronscope.experiments as studies

    for name in studies.__all__:
        module = importlib.import_module(f"neuronscope.experiments.{studies.STUDY_MODULES[name]}")
        assert getattr(studies, name) is getattr(module, name), name
