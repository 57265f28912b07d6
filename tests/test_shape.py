"""The shape every kind shares: one Run and open_run, layer names with one meaning, hooks that never
outlive their block, models left in the mode they were found in, runs that remember their data."""

import json

import pytest
import torch
from safetensors.torch import save_file

import neuronscope as ns
from neuronscope.cli import main
from neuronscope.errors import CheckpointError, ConfigError
from neuronscope.inspect.adversarial import fooling_image, pgd
from neuronscope.inspect.hooks import LayerRecorder
from neuronscope.models import MLP, ConvNet, ConvNetConfig, LinearClassifier, LinearConfig, MLPConfig
from neuronscope.runs import IMAGE_KINDS, KINDS, open_run, train_run
from neuronscope.runs.weights import load_tensors, save_tensors

IMAGE_MODELS = [
    lambda: MLP(MLPConfig((64, 12, 7, 10), "tanh", "softmax", (8, 8))).reset_parameters("scaled", 1),
    lambda: MLP(MLPConfig((64, 10), "sigmoid", "sigmoid", (8, 8))).reset_parameters("normal", 2),
    lambda: ns.models.reset_parameters(ConvNet(ConvNetConfig(channels=(3, 5), dense=6, image_shape=(8, 8))), 3),
    lambda: ns.models.reset_parameters(LinearClassifier(LinearConfig((8, 8))), 4),
]


@pytest.mark.parametrize("make", IMAGE_MODELS)
def test_a_hook_on_a_layer_sees_what_activations_returns_for_it(make):
    model = make()
    x = torch.rand(5, 1, 8, 8)
    names = model.config.layer_names
    with torch.no_grad(), LayerRecorder(model, names + [f"{n}.pre" for n in names]) as recorder:
        scores = model(x)
    expected = model.activations(x)
    for name in names:
        torch.testing.assert_close(recorder.outputs[name], expected[name])
    torch.testing.assert_close(recorder.outputs["output.pre"], scores)  # the weighted sums are the scores


def test_an_mlp_pre_activation_is_its_weighted_sum():
    model = IMAGE_MODELS[0]()
    x = torch.rand(3, 64)
    with torch.no_grad(), LayerRecorder(model, ["hidden1.pre", "hidden1"]) as recorder:
        model(x)
    z = x @ model.layers[0].weight.T + model.layers[0].bias
    torch.testing.assert_close(recorder.outputs["hidden1.pre"], z)
    torch.testing.assert_close(recorder.outputs["hidden1"], torch.tanh(z))


def test_a_bad_layer_name_attaches_no_hook_at_all():
    model = IMAGE_MODELS[2]()
    with pytest.raises(ConfigError, match="no layer named 'conv9'; the layers are: conv1, conv2"):
        LayerRecorder(model, ["conv1", "conv9"])
    assert not any(module._forward_hooks for module in model.modules())
    with LayerRecorder(model, ["conv1"]):
        assert model.relu1._forward_hooks
    assert not model.relu1._forward_hooks


def test_analyses_leave_the_model_in_the_mode_they_found_it():
    model = IMAGE_MODELS[2]().train()
    x, y = torch.rand(2, 1, 8, 8), torch.tensor([1, 2])
    pgd(model, x, y, 0.1, steps=2)
    assert model.training
    with pytest.raises(ConfigError):
        pgd(model, x, y, 0.1, target=99)
    assert model.training
    fooling_image(model, 3, (1, 8, 8), max_steps=3)
    assert model.training


def test_render_takes_its_parameterization_and_transforms_as_objects():
    fv = ns.featurevis
    model = IMAGE_MODELS[2]()
    param = fv.PixelParam((2, 1, 8, 8), torch.Generator().manual_seed(0))
    seen = []

    def spy(images, generator):
        seen.append(images.shape)
        return images

    result = fv.render(model, fv.class_logit([0, 1]), (1, 8, 8), batch=2, steps=5, param=param, transforms=[spy])
    assert len(seen) == 5 and seen[0] == (2, 1, 8, 8)
    torch.testing.assert_close(result.images, param().detach())  # the given parameterization was optimized
    with pytest.raises(ConfigError, match="makes images of shape"):
        fv.render(model, fv.class_logit(0), (1, 8, 8), batch=1, steps=1, param=param)


@pytest.fixture(scope="module")
def runs_of_every_kind(tmp_path_factory, digits, quote_run, digits_run):
    folder = tmp_path_factory.mktemp("kinds")
    conv = train_run(folder / "conv", digits, ConvNetConfig(channels=(4, 4), dense=8, image_shape=(8, 8)),
                     ns.ModuleTrainConfig(epochs=1), progress=False)
    linear = train_run(folder / "linear", digits, LinearConfig((8, 8)), ns.ModuleTrainConfig(epochs=1),
                       progress=False)
    return {"mlp": digits_run.path, "convnet": conv.path, "linear": linear.path, "char-rnn": quote_run.path}


def test_open_run_opens_every_kind_and_says_what_it_is(runs_of_every_kind):
    for kind, path in runs_of_every_kind.items():
        run = open_run(path)
        assert run.kind == kind and isinstance(run.model, KINDS[kind].model)
        assert KINDS[kind].title.removeprefix("a ") in repr(run)
        assert str(path) in repr(run)


@pytest.mark.parametrize("kind, wanted, command", [
    ("convnet", ("mlp",), "neuronscope convnet report"), ("char-rnn", IMAGE_KINDS, "neuronscope text"),
    ("mlp", ("char-rnn",), "neuronscope figures"), ("linear", ("convnet",), "neuronscope visualize")])
def test_the_wrong_kind_of_run_is_named_with_the_commands_that_take_it(runs_of_every_kind, kind, wanted, command):
    with pytest.raises(CheckpointError, match=f"holds {KINDS[kind].title} \\(kind '{kind}'\\)") as error:
        open_run(runs_of_every_kind[kind], kinds=wanted)
    assert command in str(error.value) and "\n" not in str(error.value)


def test_a_dense_command_on_a_convnet_names_the_kind(runs_of_every_kind, capsys):
    assert main(["figures", str(runs_of_every_kind["convnet"])]) == 2
    error = capsys.readouterr().err
    assert "holds a ConvNet (kind 'convnet')" in error and error.count("\n") == 1


def test_a_run_finds_its_data_where_it_was_found(tmp_path, shared_data, monkeypatch):
    mnist = ns.load_dataset("mnist", shared_data, train_size=300, test_size=100, progress=False)
    run = train_run(tmp_path / "run", mnist, MLPConfig((784, 10), "sigmoid", "sigmoid"), ns.TrainConfig(epochs=1),
                    progress=False)
    assert json.loads((run.path / "config.json").read_text())["dataset"]["location"] == str(
        (shared_data / "mnist").resolve())
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))
    assert main(["figures", str(run.path)]) == 0  # no --data-dir, no environment: the recorded folder
    assert (run.path / "figures" / "confusion.png").is_file()


def test_runs_saved_with_older_setting_names_still_open(digits_run, tmp_path):
    import shutil

    copy = tmp_path / "old"
    shutil.copytree(digits_run.path, copy)
    config = json.loads((copy / "config.json").read_text())
    config["training"]["cost"] = config["training"].pop("loss")
    (copy / "config.json").write_text(json.dumps(config))
    assert open_run(copy).training == digits_run.training


@pytest.mark.parametrize("first_byte", range(0, 256, 8))  # safetensors pads its header to a multiple of 8
def test_a_weights_file_is_recognized_by_its_header_whatever_its_first_byte(tmp_path, first_byte):
    """The header length is little-endian, so genuine files may start with 0x80, a pickle's first byte."""
    path = tmp_path / "w.safetensors"
    for padding in range(0, 300, 8):
        save_tensors(path, {"w": torch.ones(2)}, {"note": "x" * padding})
        if path.read_bytes()[0] == first_byte:
            break
    tensors, meta = load_tensors(path)
    assert path.read_bytes()[0] == first_byte
    assert torch.equal(tensors["w"], torch.ones(2)) and meta["note"] == "x" * padding


def test_a_file_starting_like_a_pickle_is_still_refused(tmp_path):
    path = tmp_path / "w.safetensors"
    save_file({"w": torch.ones(2)}, str(path))
    path.write_bytes(b"\x80\x04\x95" + path.read_bytes()[3:])
    with pytest.raises(CheckpointError, match="pickle"):
        load_tensors(path)


def test_analyses_of_test_images_read_no_training_file(tmp_path, shared_data, monkeypatch):
    """A folder holding only MNIST's test files is enough for a run's figures."""
    import shutil

    mnist = ns.load_dataset("mnist", shared_data, train_size=200, test_size=100, progress=False)
    run = train_run(tmp_path / "run", mnist, MLPConfig((784, 10), "sigmoid", "sigmoid"), ns.TrainConfig(epochs=1),
                    progress=False)
    test_only = tmp_path / "test-only" / "mnist"
    test_only.mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared_data / "mnist" / name, test_only / name)
    monkeypatch.delenv("NEURONSCOPE_DATA", raising=False)  # nowhere else to find the training files
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("NEURONSCOPE_MNIST_MIRROR", "http://127.0.0.1:9/")  # and no download could succeed
    data = open_run(run.path).load_test_set(test_only.parent, progress=False)
    assert len(data.test_labels) == 100 and len(data.train_labels) == 0 and data.image_shape == (28, 28)
    assert main(["figures", str(run.path), "--data-dir", str(test_only.parent)]) == 0
