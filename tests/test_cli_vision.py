"""The vision commands end to end on small real data: convnet, templates, convolve, visualize, dream,
attack; bad requests end in one line and exit code 2."""

import json

import pytest

from neuronscope.cli import main
from neuronscope.runs import open_run


@pytest.fixture(scope="module")
def convnet_dir(tmp_path_factory, shared_data):
    out = tmp_path_factory.mktemp("cli") / "convnet"
    code = main(["convnet", "train", "--data-dir", str(shared_data), "--train-size", "2000", "--test-size", "300",
                 "--epochs", "2", "--channels", "8,16", "--dense", "32", "--out", str(out), "--quiet"])
    assert code == 0
    return out


def test_convnet_train_writes_the_report(convnet_dir):
    figures = {p.stem for p in (convnet_dir / "figures").glob("*.png")}
    assert {"kernels", "feature_maps", "top_conv1", "top_conv2", "visualize_classes", "visualize_conv2", "dream",
            "attack_fgsm", "attack_pgd", "accuracy_under_attack", "fooling_images"} <= figures
    results = json.loads((convnet_dir / "results.json").read_text())
    curve = results["accuracy_under_attack"]["pgd"]
    assert curve[0] > 0.7 and curve == sorted(curve, reverse=True)
    assert min(results["fooling_confidence"]) >= 0.99
    assert "What excites conv2" in (convnet_dir / "report.html").read_text()


def test_visualize_prints_objectives_before_and_after(convnet_dir, shared_data, capsys):
    out = convnet_dir / "vis.png"
    assert main(["visualize", str(convnet_dir), "--layer", "conv2", "--units", "1,4", "--steps", "32",
                 "--data-dir", str(shared_data), "--out", str(out)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "on noise" in line]
    assert [line.split(":")[0].strip() for line in lines] == ["conv2", "conv2"]
    before, after = float(lines[0].split()[1]), float(lines[0].split()[5])
    assert after > before and out.stat().st_size > 5000


def test_visualize_with_diversity_makes_copies_of_one_class(convnet_dir, shared_data, capsys):
    assert main(["visualize", str(convnet_dir), "--units", "3", "--diversity", "5", "--copies", "3", "--steps", "16",
                 "--data-dir", str(shared_data), "--out", str(convnet_dir / "div.png")]) == 0
    assert sum(" 3: " in line for line in capsys.readouterr().out.splitlines()) == 3


def test_dream_and_attack(convnet_dir, shared_data, capsys):
    assert main(["dream", str(convnet_dir), "--layer", "conv1", "--steps", "5", "--data-dir", str(shared_data)]) == 0
    assert (convnet_dir / "figures" / "dream_conv1.png").exists()
    assert "amplified" in capsys.readouterr().out
    assert main(["attack", str(convnet_dir), "--epsilon", "0.2", "--data-dir", str(shared_data), "--quiet"]) == 0
    assert "PGD accuracy" in capsys.readouterr().out
    assert json.loads((convnet_dir / "attack" / "attack.json").read_text())["epsilons"][0] == 0


def test_attack_compares_runs_on_one_curve(convnet_dir, tmp_path, shared_data, capsys, digits_run):
    assert main(["train", "--data-dir", str(shared_data), "--train-size", "1000", "--test-size", "300", "--layers",
                 "784,20,10", "--epochs", "2", "--out", str(tmp_path / "mlp"), "--no-report", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["attack", str(convnet_dir), "--compare", str(tmp_path / "mlp"), "--data-dir", str(shared_data),
                 "--out", str(tmp_path / "cmp"), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "convnet  PGD accuracy" in printed and "mlp  PGD accuracy" in printed
    results = json.loads((tmp_path / "cmp" / "attack.json").read_text())
    assert list(results["compared"]) == ["mlp"] and len(results["compared"]["mlp"]["pgd"]) == 7
    assert main(["attack", str(convnet_dir), "--compare", str(digits_run.path), "--data-dir", str(shared_data)]) == 2
    assert "compare runs on the same dataset" in capsys.readouterr().err


def test_attack_and_visualize_work_on_dense_runs(digits_run, capsys):
    assert main(["visualize", str(digits_run.path), "--layer", "hidden1", "--steps", "16"]) == 0
    assert main(["attack", str(digits_run.path), "--quiet"]) == 0
    assert (digits_run.path / "attack" / "accuracy_under_attack.png").exists()


def test_templates_and_convolve(tmp_path, shared_data, capsys):
    out = tmp_path / "templates"
    assert main(["templates", "--data-dir", str(shared_data), "--train-size", "1000", "--test-size", "200",
                 "--epochs", "2", "--loss", "svm", "--out", str(out), "--quiet"]) == 0
    assert (out / "figures" / "templates.png").stat().st_size > 10_000
    assert "multiclass SVM" in (out / "report.html").read_text() and "classic recipe" in capsys.readouterr().out
    run = open_run(out)
    assert run.model.config.centered and run.training.optimizer == "sgd" and run.training.l2 == 0.3
    assert run.training.epochs == 2 and run.training.batch_size == 200  # flags win over the recipe
    raw = tmp_path / "raw"
    assert main(["templates", "--data-dir", str(shared_data), "--train-size", "1000", "--test-size", "200",
                 "--epochs", "1", "--recipe", "raw", "--out", str(raw), "--quiet"]) == 0
    assert not open_run(raw).model.config.centered and open_run(raw).training.optimizer == "adam"
    assert main(["convolve", "--data-dir", str(shared_data), "--kernel", "sobel-x", "--kernel", "0,1,0;1,-4,1;0,1,0",
                 "--out", str(tmp_path / "conv")]) == 0
    assert sorted(p.name for p in (tmp_path / "conv").iterdir()) == ["convolution-custom1.png",
                                                                     "convolution-sobel-x.png"]


@pytest.mark.parametrize("argv, message", [
    (["visualize", "{run}", "--layer", "conv9"], "no layer named 'conv9'; the layers are: conv1, conv2"),
    (["visualize", "{run}", "--layer", "conv1", "--units", "99"], "'conv1' has channels 0..7, got 99"),
    (["visualize", "{run}", "--steps", "0"], "steps must be"),
    (["dream", "{run}", "--layer", "conv2", "--image", "100000"], "--image must be 0.."),
    (["attack", "{run}", "--epsilon", "2"], "epsilon for the linf budget must be in"),
    (["convolve", "--kernel", "1,2;3,4"], "must be 3x3 or 5x5"),
    (["train", "--dataset", "cifar10"], "dense networks take grayscale images"),
])
def test_bad_requests_end_in_one_line(convnet_dir, shared_data, capsys, argv, message):
    argv = [a.replace("{run}", str(convnet_dir)) for a in argv] + ["--data-dir", str(shared_data)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
