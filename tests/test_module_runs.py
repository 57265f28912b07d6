"""ConvNet and linear-classifier runs: trained, saved after every epoch, reloaded exactly, and refused
when damaged; linear templates that look like their classes."""

import json

import numpy as np
import pytest
import torch

from neuronscope.data import load_dataset
from neuronscope.errors import CheckpointError, ConfigError
from neuronscope.models import ConvNetConfig, LinearConfig
from neuronscope.runs import IMAGE_KINDS, open_run, train_run
from neuronscope.training.module_loop import ModuleTrainConfig, image_tensor


@pytest.fixture(scope="module")
def mnist_2k(shared_data):
    return load_dataset("mnist", shared_data, train_size=2000, test_size=500, progress=False)


@pytest.fixture(scope="module")
def conv_run(tmp_path_factory, mnist_2k):
    path = tmp_path_factory.mktemp("runs") / "conv"
    return train_run(path, mnist_2k, ConvNetConfig(channels=(8, 16), dense=32),
                            ModuleTrainConfig(epochs=2, lr=3e-3), progress=False)


def test_a_convnet_run_saves_every_epoch_and_reloads_exactly(conv_run, mnist_2k, shared_data):
    assert [h["epoch"] for h in conv_run.history] == [1, 2] and conv_run.history[-1]["test_accuracy"] > 0.85
    loaded = open_run(conv_run.path)
    x = image_tensor(mnist_2k.test_images[:50])
    with torch.no_grad():
        assert torch.equal(loaded.model(x), conv_run.model(x))
    assert json.loads((conv_run.path / "config.json").read_text())["kind"] == "convnet"
    assert loaded.load_data(shared_data, progress=False).name == "mnist"


def test_an_existing_run_is_not_replaced_without_overwrite(conv_run, mnist_2k):
    with pytest.raises(ConfigError, match="already holds a run"):
        train_run(conv_run.path, mnist_2k, ConvNetConfig(), ModuleTrainConfig(epochs=1), progress=False)


def test_damaged_runs_are_refused(tmp_path, conv_run):
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("config.json", "metrics.json", "model.safetensors"):
        (copy / name).write_bytes((conv_run.path / name).read_bytes())
    weights = bytearray((copy / "model.safetensors").read_bytes())
    weights[-10] ^= 0xFF
    (copy / "model.safetensors").write_bytes(bytes(weights))
    with pytest.raises(CheckpointError, match="sha256"):
        open_run(copy)
    (copy / "model.safetensors").write_bytes((conv_run.path / "model.safetensors").read_bytes())
    config = json.loads((conv_run.path / "config.json").read_text())
    config["model"]["channels"] = [4, 4]
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="do not fit the model config.json describes"):
        open_run(copy)


def test_the_model_must_fit_the_data(tmp_path, mnist_2k):
    with pytest.raises(ConfigError, match="takes 3-channel"):
        train_run(tmp_path / "x", mnist_2k, ConvNetConfig(in_channels=3), ModuleTrainConfig(), progress=False)


def test_dense_runs_open_as_image_runs_and_text_runs_do_not(digits_run, quote_run):
    assert open_run(digits_run.path, kinds=IMAGE_KINDS).model.config.layers == digits_run.model.config.layers
    with pytest.raises(CheckpointError, match="holds a character-level model \\(kind 'char-rnn'\\), not a dense "
                                              "network or a ConvNet or a linear classifier; use neuronscope text"):
        open_run(quote_run.path, kinds=IMAGE_KINDS)


def _correlation(a, b):
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.mark.parametrize("loss", ["cross-entropy", "hinge"])
def test_linear_templates_look_like_their_class(tmp_path, mnist_2k, loss):
    run = train_run(tmp_path / loss, mnist_2k, LinearConfig(), ModuleTrainConfig(epochs=4, lr=1e-3, loss=loss,
                                                                                    l2=1e-4), progress=False)
    assert run.history[-1]["test_accuracy"] > 0.8
    templates = run.model.templates().numpy()[:, 0]
    assert templates.shape == (10, 28, 28)
    # each template is most like the mean image of its own class (after the overall mean is removed)
    overall = mnist_2k.train_images.mean(0)
    means = [mnist_2k.train_images[mnist_2k.train_labels == c].mean(0) - overall for c in range(10)]
    best = [int(np.argmax([_correlation(t, m) for m in means])) for t in templates]
    assert sum(b == c for c, b in enumerate(best)) >= 9, best


def test_classic_templates_on_cifar10_look_like_the_cs231n_figures(tmp_path, shared_data):
    data = load_dataset("cifar10", shared_data, train_size=5000, test_size=500, progress=False)
    run = train_run(tmp_path / "classic", data, LinearConfig((32, 32), in_channels=3, centered=True),
                    ModuleTrainConfig(optimizer="sgd", lr=0.01, l2=0.3, epochs=8, batch_size=200), progress=False)
    assert run.history[-1]["test_accuracy"] > 0.28
    overall = data.train_images.mean(0)
    np.testing.assert_allclose(run.model.mean.numpy(), overall.transpose(2, 0, 1), atol=1e-5)
    assert open_run(run.path).model.mean.abs().sum() > 0  # kept in the run
    templates = run.model.templates().numpy()  # (classes, rgb, 32, 32)
    # a strong L2 penalty pulls each template toward its class's mean image minus the overall mean
    means = [(data.train_images[data.train_labels == c] - overall).mean(0).transpose(2, 0, 1) for c in range(10)]
    best = [int(np.argmax([_correlation(t, m) for m in means])) for t in templates]
    assert sum(b == c for c, b in enumerate(best)) >= 9, best
    ship, horse, deer = templates[8], templates[7], templates[4]
    assert ship[2].mean() > ship[0].mean()  # a ship on blue
    assert horse[1, 22:].mean() > horse[2, 22:].mean()  # a horse on green
    others = [_correlation(deer, templates[k]) for k in range(10) if k != 4]
    assert _correlation(deer, templates[2]) == max(others)  # the deer looks most like the bird


def test_color_templates_on_cifar10(tmp_path, shared_data):
    data = load_dataset("cifar10", shared_data, train_size=2000, test_size=500, progress=False)
    run = train_run(tmp_path / "cifar", data, LinearConfig((32, 32), in_channels=3),
                           ModuleTrainConfig(epochs=4, lr=5e-4), progress=False)
    assert run.history[-1]["test_accuracy"] > 0.22  # chance is 0.10
    assert run.model.templates().shape == (10, 3, 32, 32)
