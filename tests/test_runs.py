import json
import pickle
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from neuronscope.errors import CheckpointError, ConfigError
from neuronscope.runs import import_weights, open_run, train_run
from neuronscope.training import build_configs

from .conftest import numpy_sigmoid_net

# every damaged run is refused the same way whether its network opens in PyTorch or in NumPy
OPENERS = pytest.mark.parametrize("opener", [open_run, lambda path: open_run(path, as_arrays=True)],
                                  ids=["pytorch", "arrays"])


def _configs(epochs, **overrides):
    return build_configs(input_size=64, num_classes=10, image_shape=(8, 8), preset="nielsen", epochs=epochs,
                         **overrides)


@pytest.mark.parametrize("optimizer, lr", [("sgd", 3.0), ("adam", 1e-2)])
def test_resume_continues_exactly(tmp_path, digits, optimizer, lr):
    straight = train_run(tmp_path / "a", digits, *_configs(4, optimizer=optimizer, lr=lr), progress=False)
    train_run(tmp_path / "b", digits, *_configs(2, optimizer=optimizer, lr=lr), progress=False)
    resumed = train_run(tmp_path / "b", digits, *_configs(4, optimizer=optimizer, lr=lr), resume=True, progress=False)
    assert [h["epoch"] for h in resumed.history] == [1, 2, 3, 4]
    for x, y in zip(straight.model.state_dict().values(), open_run(tmp_path / "b").model.state_dict().values()):
        assert torch.equal(x, y)
    no_time = [{k: v for k, v in h.items() if k != "seconds"} for h in straight.history]
    assert no_time == [{k: v for k, v in h.items() if k != "seconds"} for h in resumed.history]  # bit for bit


def test_a_run_killed_before_its_first_checkpoint_resumes_from_its_seed(tmp_path, digits):
    from neuronscope.models import MLP
    from neuronscope.runs import KINDS
    from neuronscope.runs.writer import RunWriter

    model_config, training = _configs(2)
    straight = train_run(tmp_path / "straight", digits, model_config, training, progress=False)
    RunWriter(tmp_path / "killed", KINDS["mlp"]).begin(MLP(model_config), training, digits.summary(),
                                                       overwrite=False, position={"epoch": 0})
    (tmp_path / "killed" / ".tmp3xZq9a").write_bytes(b"half of a safetensors write")  # the writer's own leftover
    resumed = train_run(tmp_path / "killed", digits, model_config, training, resume=True, progress=False)
    for x, y in zip(straight.model.state_dict().values(), resumed.model.state_dict().values()):
        assert torch.equal(x, y)
    assert not list((tmp_path / "killed").glob(".tmp*"))


def test_run_directory_holds_config_weights_and_metrics(digits_run):
    files = {p.name for p in digits_run.path.iterdir()}
    assert {"config.json", "model.safetensors", "metrics.json", "training_state.safetensors"} <= files
    loaded = open_run(digits_run.path)
    assert loaded.model.config == digits_run.model.config
    assert loaded.history == json.loads((digits_run.path / "metrics.json").read_text())["history"]
    x = torch.rand(3, 64)
    assert torch.equal(loaded.model(x), digits_run.model.cpu()(x))


def test_existing_run_is_not_overwritten_by_accident(tmp_path, digits):
    train_run(tmp_path / "r", digits, *_configs(1), progress=False)
    with pytest.raises(ConfigError, match="already holds a run"):
        train_run(tmp_path / "r", digits, *_configs(1), progress=False)


def test_kill_mid_training_leaves_last_epoch_loadable_and_resumable(tmp_path, shared_data):
    run = tmp_path / "killed"
    command = [sys.executable, "-m", "neuronscope", "train", "--dataset", "mnist", "--data-dir", str(shared_data),
               "--train-size", "3000", "--test-size", "500", "--preset", "nielsen", "--epochs", "500",
               "--out", str(run), "--quiet", "--no-report"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            metrics = run / "metrics.json"
            if metrics.exists() and len(json.loads(metrics.read_text())["history"]) >= 2:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    loaded = open_run(run)
    assert loaded.epoch >= 2
    data = loaded.load_data(shared_data, progress=False)
    model_config, training = loaded.model.config, loaded.training
    resumed = train_run(run, data, model_config, type(training).from_json({**training.to_json(),
                                                                           "epochs": loaded.epoch + 1}),
                        resume=True, progress=False)
    assert resumed.epoch == loaded.epoch + 1
    assert [p.name for p in run.iterdir() if p.name.endswith(".tmp")] == []  # a write torn by the kill is gone


def test_failed_write_keeps_the_previous_checkpoint(tmp_path, digits, monkeypatch):
    run = train_run(tmp_path / "r", digits, *_configs(1), progress=False)
    before = (tmp_path / "r" / "model.safetensors").read_bytes()

    def broken_save(tensors, filename, metadata=None):
        with open(filename, "wb") as f:
            f.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr("safetensors.torch.save_file", broken_save)
    with pytest.raises(OSError, match="disk full"):
        train_run(tmp_path / "r", digits, *_configs(3), resume=True, progress=False)
    assert (tmp_path / "r" / "model.safetensors").read_bytes() == before
    assert open_run(tmp_path / "r").epoch == run.epoch
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.endswith(".tmp")]


@OPENERS
def test_pickle_files_are_refused(digits_run, tmp_path, opener):
    target = tmp_path / "run"
    _copy_run(digits_run.path, target)
    torch.save(digits_run.model.state_dict(), target / "model.safetensors")
    with pytest.raises(CheckpointError, match="pickle or torch.save file"):
        opener(target)
    (target / "model.safetensors").write_bytes(pickle.dumps({"layers.0.weight": np.zeros(3)}))
    with pytest.raises(CheckpointError, match="unpickling can run arbitrary code"):
        opener(target)


@OPENERS
def test_tampered_weights_are_refused(digits_run, tmp_path, opener):
    target = tmp_path / "run"
    _copy_run(digits_run.path, target)
    blob = bytearray((target / "model.safetensors").read_bytes())
    blob[-5] ^= 0x40
    (target / "model.safetensors").write_bytes(bytes(blob))
    with pytest.raises(CheckpointError, match="do not match their recorded sha256"):
        opener(target)


@OPENERS
def test_foreign_safetensors_are_refused(digits_run, tmp_path, opener):
    target = tmp_path / "run"
    _copy_run(digits_run.path, target)
    save_file({k: v.contiguous() for k, v in digits_run.model.state_dict().items()}, str(target / "model.safetensors"))
    with pytest.raises(CheckpointError, match="not a neuronscope weights file"):
        opener(target)


@OPENERS
def test_checkpoint_from_another_architecture_is_refused(digits_run, tmp_path, digits, opener):
    other = train_run(tmp_path / "other", digits, *_configs(1, layers=[64, 12, 10]), progress=False)
    target = tmp_path / "run"
    _copy_run(digits_run.path, target)
    (target / "model.safetensors").write_bytes((other.path / "model.safetensors").read_bytes())
    with pytest.raises(CheckpointError, match="do not fit the model config.json describes"):
        opener(target)


@OPENERS
def test_truncated_and_garbage_files_are_refused(digits_run, tmp_path, opener):
    target = tmp_path / "run"
    _copy_run(digits_run.path, target)
    blob = (target / "model.safetensors").read_bytes()
    (target / "model.safetensors").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(CheckpointError, match="not a readable safetensors file"):
        opener(target)
    (target / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="config.json: not valid JSON"):
        opener(target)


def test_import_weights_from_a_numpy_textbook_network(tmp_path):
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(30, 784)), rng.normal(size=(10, 30))]
    biases = [rng.normal(size=(30, 1)), rng.normal(size=(10, 1))]  # column biases, as in the textbook code
    np.savez(tmp_path / "net.npz", w0=weights[0], b0=biases[0], w1=weights[1], b1=biases[1])
    import_weights(tmp_path / "net.npz", tmp_path / "imported")
    run = open_run(tmp_path / "imported")
    x = rng.random((5, 784))
    expected = numpy_sigmoid_net(x, weights, biases)
    got = run.model.activations(torch.tensor(x, dtype=torch.float32))["output"].detach().numpy()
    assert np.allclose(got, expected, atol=1e-5)
    assert run.dataset["name"] == "mnist" and run.model.config.image_shape == (28, 28)


@pytest.mark.parametrize("arrays, message", [
    (dict(w0=np.zeros((30, 784)), b0=np.zeros(29)), r"b0 has shape \(29,\)"),
    (dict(w0=np.zeros((30, 784)), b0=np.zeros(30), w1=np.zeros((10, 31)), b1=np.zeros(10)), r"w1 has shape"),
    (dict(w0=np.zeros((30, 784))), r"expected arrays"),
    (dict(w0=np.full((3, 4), np.nan), b0=np.zeros(3)), "NaN"),
])
def test_import_weights_rejects_bad_arrays(tmp_path, arrays, message):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(CheckpointError, match=message):
        import_weights(tmp_path / "bad.npz", tmp_path / "out")


def test_import_weights_refuses_pickled_arrays(tmp_path):
    np.savez(tmp_path / "obj.npz", w0=np.array([{"evil": 1}], dtype=object), b0=np.zeros(1))
    with pytest.raises(CheckpointError, match="not a NumPy .npz archive of plain arrays"):
        import_weights(tmp_path / "obj.npz", tmp_path / "out")


def _copy_run(source, target):
    target.mkdir()
    for name in ("config.json", "model.safetensors", "metrics.json"):
        (target / name).write_bytes((source / name).read_bytes())


def test_non_finite_weights_are_refused(digits_run, tmp_path):
    from neuronscope.runs.weights import save_tensors

    target = tmp_path / "run"
    _copy_run(digits_run.path, target)
    tensors = {k: v.clone() for k, v in digits_run.model.state_dict().items()}
    tensors["layers.0.weight"][3, 5] = float("nan")
    save_tensors(target / "model.safetensors", tensors, {"model": digits_run.model.config.to_json()})
    for opener in (open_run, lambda path: open_run(path, as_arrays=True)):
        with pytest.raises(CheckpointError, match="layers.0.weight holds non-finite"):
            opener(target)


def test_a_dense_run_opens_in_numpy_with_the_same_weights_and_answers(digits_run, digits):
    from neuronscope.inspect import predict, weights_images
    from neuronscope.models import DenseArrays

    arrays = open_run(digits_run.path, as_arrays=True)
    assert isinstance(arrays.model, DenseArrays) and arrays.describe() == digits_run.describe()
    assert arrays.parameter_count == digits_run.parameter_count == 64 * 20 + 20 + 20 * 10 + 10
    np.testing.assert_array_equal(weights_images(arrays.model, "output").images,
                                  weights_images(digits_run.model, "output").images)
    np.testing.assert_array_equal(predict(arrays.model, digits.test_images)[0],
                                  predict(digits_run.model, digits.test_images)[0])
    again = arrays.in_pytorch()
    assert isinstance(again.model, torch.nn.Module) and again.in_pytorch() is again
    assert all(torch.equal(a, b) for a, b in zip(again.model.state_dict().values(),
                                                  digits_run.model.state_dict().values()))


def test_only_dense_runs_open_as_arrays(tmp_path, digits):
    from neuronscope.models import ConvNetConfig
    from neuronscope.training import ModuleTrainConfig

    run = train_run(tmp_path / "conv", digits, ConvNetConfig(channels=(2, 2), kernel=3, dense=8, image_shape=(8, 8)),
                    ModuleTrainConfig(epochs=1), progress=False)
    with pytest.raises(CheckpointError, match="holds a ConvNet .* not a dense network"):
        open_run(run.path, as_arrays=True)
